/*
 * hvc.c - skiff's hypercalls for guests: SKIFF_HVC_VERSION, _COUNTER (per SPI, per vCPU and
 * per guest, of the caller's own guest only), _LOG_READ (copies the caller's view of skiff's
 * log - skiff's own lines and those about the caller's guest - into the caller's RAM, only
 * there), _TEST_SET (only when the config allows test controls, and only for the caller's own
 * guest). Arguments are checked; nothing else is touched.
 */
#include "hyp/exit/hvc.h"
#include "lib/log.h"
#include "skiff/hvc.h"

#define HVC_RET_NOT_SUPPORTED ((uint64_t)-1)
#define HVC_RET_INVALID ((uint64_t)-2)
#define HVC_RET_DENIED ((uint64_t)-3)
#define HVC_FN_LAST SKIFF_HVC_TEST_SET

struct hvc_vm_info hvc_info; /* set at boot (hyp/guests/guests.c) */

bool hvc_owns(uint32_t fid)
{
	return fid >= SKIFF_HVC_BASE && fid <= HVC_FN_LAST;
}

static uint64_t hvc_counter(struct vcpu *v, uint64_t id, uint64_t index)
{
	struct vm *vm = v->vm;
	uint64_t val = 0;

	if (id >= SKIFF_CNT_VCPU_EXITS && id <= SKIFF_CNT_VCPU_EXITS_ALL) {
		if (index >= vm->nr_vcpus)
			return HVC_RET_INVALID;
		if (id == SKIFF_CNT_VCPU_EXITS_ALL) {
			unsigned int i;

			for (i = 0; i < SKIFF_EXIT_MAINT; i++)
				val += __atomic_load_n(&vm->vcpus[index].exits[i],
						       __ATOMIC_RELAXED);
			return val;
		}
		return __atomic_load_n(&vm->vcpus[index].exits[id - SKIFF_CNT_VCPU_EXITS],
				       __ATOMIC_RELAXED);
	}
	if (id >= SKIFF_CNT_VCPU_EL2_COST && id < SKIFF_CNT_VCPU_EL2_COST + SKIFF_EXIT_MAINT) {
		if (index >= vm->nr_vcpus)
			return HVC_RET_INVALID;
		return __atomic_load_n(&vm->vcpus[index].el2_cost[id - SKIFF_CNT_VCPU_EL2_COST],
				       __ATOMIC_RELAXED);
	}
	if (id == SKIFF_CNT_GUEST_RESETS)
		return __atomic_load_n(&vm->resets, __ATOMIC_RELAXED);
	if (id == SKIFF_CNT_GUEST_LOG_SUPPRESSED)
		return log_guest_suppressed((int)vm->id);
	if (id <= SKIFF_CNT_SPI_UNMASKED && index <= UINT32_MAX && hvc_info.spi_counter &&
	    hvc_info.spi_counter(vm, (uint32_t)index, (unsigned int)id, &val))
		return val;
	return HVC_RET_INVALID;
}

static void hvc_log_read(struct vcpu *v, struct exc_frame *f)
{
	uint64_t ipa = f->x[1], len = f->x[2], total;

	if (!len || ipa + len < ipa || !vm_ipa_in_ram(v->vm, ipa, len)) {
		f->x[0] = HVC_RET_INVALID;
		return;
	}
	/* guest RAM is identity-mapped at EL2 and the check above keeps us inside it */
	f->x[0] = log_ring_read((int)v->vm->id, f->x[3], (char *)(uintptr_t)ipa, len, &total);
	f->x[1] = total;
}

static uint64_t hvc_test_set(struct vm *vm, uint64_t knob, uint64_t val)
{
	if (!hvc_info.test_controls)
		return HVC_RET_DENIED;
	if (knob == SKIFF_TEST_ONESHOT_NO_DEFERRAL) {
		__atomic_store_n(&vm->oneshot_no_deferral, val != 0, __ATOMIC_RELAXED);
		log_guest(vm->id, "test: oneshot deferral %s for its lines",
			  val ? "off (KVM-like)" : "on");
		return 0;
	}
	return HVC_RET_INVALID;
}

void hvc_handle(struct vcpu *v, struct exc_frame *f)
{
	switch ((uint32_t)f->x[0]) {
	case SKIFF_HVC_VERSION:
		f->x[0] = SKIFF_HVC_ABI_VERSION;
		break;
	case SKIFF_HVC_COUNTER:
		f->x[0] = hvc_counter(v, f->x[1], f->x[2]);
		break;
	case SKIFF_HVC_LOG_READ:
		hvc_log_read(v, f);
		break;
	case SKIFF_HVC_TEST_SET:
		f->x[0] = hvc_test_set(v->vm, f->x[1], f->x[2]);
		break;
	default:
		f->x[0] = HVC_RET_NOT_SUPPORTED;
		break;
	}
}
