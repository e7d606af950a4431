/*
 * trap.c - dispatch of guest exits by exception class (ESR_EL2.EC, Arm ARM D17.2.37):
 * data aborts to the emulated device at that IPA, HVC/SMC to PSCI and SMCCC, trapped
 * ICC_SGI*R writes to the vGIC, physical IRQs to the EL2 handler. A guest can make skiff do
 * nothing but these; everything else is injected back into the guest.
 */
#include "hyp/exit/trap.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/vcpu_arch.h"
#include "hyp/emul/abort.h"
#include "hyp/plan/config.h"
#include "hyp/emul/debug_trap.h"
#include "hyp/exit/hvc.h"
#include "lib/log.h"
#include "hyp/emul/pmu_trap.h"
#include "hyp/exit/psci.h"
#include "hyp/emul/sysreg_trap.h"

#define EC_WFX 0x01
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYS64 0x18
#define EC_IABT_LOW 0x20
#define EC_DABT_LOW 0x24
#define ESR_HVC_IMM_MASK 0xffff
#define INSN_SIZE 4
#define SMCCC_RET_NOT_SUPPORTED ((uint64_t)-1)

#define KEY_ICC_SGI1R_EL1 SYSREG_KEY(3, 0, 12, 11, 5)
#define KEY_ICC_ASGI1R_EL1 SYSREG_KEY(3, 0, 12, 11, 6)
#define KEY_ICC_SGI0R_EL1 SYSREG_KEY(3, 0, 12, 11, 7)

#define LOGGED_MAX 16

/* Each guest's first LOGGED_MAX faulting addresses: an address logged once is only counted
 * after that. Whatever is logged also goes through the guest's log limit (lib/log.h), so
 * nothing a guest does makes skiff log without bound. (Two vCPUs of one guest may both log an
 * address the first time: harmless.) */
static uint64_t logged[CONFIG_MAX_GUESTS][LOGGED_MAX];
static unsigned int logged_count[CONFIG_MAX_GUESTS];

static bool seen_before(const struct vm *vm, uint64_t addr)
{
	unsigned int i, n;

	if (vm->id >= CONFIG_MAX_GUESTS)
		return false;
	n = __atomic_load_n(&logged_count[vm->id], __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++)
		if (logged[vm->id][i] == addr)
			return true;
	if (n < LOGGED_MAX) {
		logged[vm->id][n] = addr;
		__atomic_store_n(&logged_count[vm->id], n + 1, __ATOMIC_RELEASE);
	}
	return false;
}

static void inject_abort(struct vcpu *v, struct exc_frame *f, uint64_t ipa, const char *why)
{
	unsigned int ec = (f->esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
	bool is_write = (f->esr & ESR_ISS_WNR) != 0;

	if (!seen_before(v->vm, ipa))
		log_guest_limited(v->vm->id,
				  "vcpu%u: %s at IPA 0x%llx (PC 0x%llx): external abort injected",
				  v->id, why, (unsigned long long)ipa, (unsigned long long)f->elr);
	v->exits[SKIFF_EXIT_ABORT]++;
	vcpu_inject_abort(f, f->far, is_write, ec == EC_IABT_LOW);
}

static void inject_undef(struct vcpu *v, struct exc_frame *f)
{
	if (!seen_before(v->vm, f->elr | 1))
		log_guest_limited(v->vm->id,
				  "vcpu%u: unhandled trap ESR 0x%llx at PC 0x%llx: UNDEF injected",
				  v->id, (unsigned long long)f->esr, (unsigned long long)f->elr);
	v->exits[SKIFF_EXIT_UNDEF]++;
	vcpu_inject_undef(f);
}

static void handle_mmio(struct vcpu *v, struct exc_frame *f)
{
	struct mmio_access acc;
	const struct mmio_region *r;
	uint64_t val = 0;
	int ret;

	v->exits[SKIFF_EXIT_MMIO]++;
	if (!abort_decode(f->esr, read_sysreg(hpfar_el2), f->far, &acc)) {
		inject_abort(v, f, acc.ipa, "access skiff cannot decode");
		return;
	}
	r = mmio_find(&v->vm->mmio, acc.ipa, acc.width);
	if (!r) {
		inject_abort(v, f, acc.ipa, "access to an address nobody owns");
		return;
	}
	if (acc.write) {
		ret = r->write(r->ctx, v, acc.ipa - r->base, acc.width,
			       abort_write_value(&acc, f->x));
	} else {
		ret = r->read(r->ctx, v, acc.ipa - r->base, acc.width, &val);
		if (ret == MMIO_OK)
			abort_complete_read(&acc, val, f->x);
	}
	if (ret == MMIO_RETRY)
		return; /* the guest's next attempt finds the emulation ready */
	if (ret != MMIO_OK) {
		inject_abort(v, f, acc.ipa, r->name);
		return;
	}
	f->elr += INSN_SIZE;
}

static void handle_call(struct vcpu *v, struct exc_frame *f)
{
	uint32_t fid = (uint32_t)f->x[0];
	struct psci_result r;

	if (hvc_owns(fid)) {
		hvc_handle(v, f);
		return;
	}
	if (!psci_owns(fid)) {
		f->x[0] = SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	r = psci_handle(v->vm, v, fid, f->x[1], f->x[2], f->x[3]);
	f->x[0] = (uint64_t)r.ret;
}

/*
 * FEAT_RAS error records, trapped by HCR_EL2.TERR (arch/arm64/vcpu_arch.c): the guest sees
 * none (ERRIDR_EL1.NUM 0), so ERRSELR_EL1 and every ERX* register read as zero and ignore
 * writes. op0 3, op1 0, CRn 5, CRm 3 (ERRIDR, ERRSELR), 4 and 5 (ERX*).
 */
static bool ras_record_reg(uint32_t key)
{
	return SYSREG_OP0(key) == 3 && SYSREG_OP1(key) == 0 && SYSREG_CRN(key) == 5 &&
	       SYSREG_CRM(key) >= 3 && SYSREG_CRM(key) <= 5;
}

/* A trapped MSR/MRS: the SGI registers go to the vGIC, the PMU and debug registers to their
 * emulators (hyp/emul/pmu_trap.c, hyp/emul/debug_trap.c), error records read as none; anything else
 * is UNDEF. */
static void handle_sysreg(struct vcpu *v, struct exc_frame *f)
{
	uint32_t iss = f->esr & ESR_ISS_MASK;
	unsigned int rt = (iss >> SYSREG_ISS_RT_SHIFT) & SYSREG_ISS_RT_MASK;
	bool read = iss & SYSREG_ISS_DIR_READ;
	uint64_t val = rt == 31 ? 0 : f->x[rt];
	uint32_t key = iss & SYSREG_ISS_KEY_MASK;
	enum sysreg_trap_result res;

	v->exits[SKIFF_EXIT_SYSREG]++;
	if (!read && key == KEY_ICC_SGI1R_EL1) {
		vgic_sgi(&v->vm->vgic, &v->vgic, val, 1);
		f->elr += INSN_SIZE;
		return;
	}
	if (!read && (key == KEY_ICC_ASGI1R_EL1 || key == KEY_ICC_SGI0R_EL1)) {
		vgic_sgi(&v->vm->vgic, &v->vgic, val, 0);
		f->elr += INSN_SIZE;
		return;
	}
	res = pmu_trap(&pmu_hw_cpu, &v->pmu, key, read, &val);
	if (res == SYSREG_NOT_MINE)
		res = debug_trap(&debug_hw_cpu, &v->debug, key, read, &val);
	if (res == SYSREG_NOT_MINE && ras_record_reg(key)) {
		val = 0;
		res = SYSREG_DONE;
	}
	if (res != SYSREG_DONE) {
		inject_undef(v, f);
		return;
	}
	if (read && rt != 31)
		f->x[rt] = val;
	f->elr += INSN_SIZE;
}

/*
 * Before the general exit: a write to ICC_SGI1R_EL1, ICC_ASGI1R_EL1 or ICC_SGI0R_EL1 whose targets
 * leave out the writer (an IPI to other CPUs: most SGIs) touches nothing of the writer's own
 * interrupts, so it is handled here in full and its list registers are neither folded nor
 * flushed (hyp/run/vcpu.c). Anything else is left untouched: false.
 */
bool trap_handle_unfolded(struct vcpu *v, struct exc_frame *f, unsigned long slot)
{
	uint32_t iss = f->esr & ESR_ISS_MASK, key = iss & SYSREG_ISS_KEY_MASK;
	unsigned int rt = (iss >> SYSREG_ISS_RT_SHIFT) & SYSREG_ISS_RT_MASK;
	unsigned int group;

	if (slot != EXC_LOWER64_SYNC || ((f->esr >> ESR_EC_SHIFT) & ESR_EC_MASK) != EC_SYS64 ||
	    (iss & SYSREG_ISS_DIR_READ))
		return false;
	if (key == KEY_ICC_SGI1R_EL1)
		group = 1;
	else if (key == KEY_ICC_ASGI1R_EL1 || key == KEY_ICC_SGI0R_EL1)
		group = 0;
	else
		return false;
	if (!vgic_sgi_others(&v->vm->vgic, &v->vgic, rt == 31 ? 0 : f->x[rt], group))
		return false;
	v->exits[SKIFF_EXIT_SYSREG]++;
	f->elr += INSN_SIZE;
	return true;
}

/* Handles a synchronous exit; returns the SKIFF_EXIT_* reason its EL2 cost is accounted
 * under (by exception class alone, whatever the handling found). */
static unsigned int handle_sync(struct vcpu *v, struct exc_frame *f)
{
	switch ((f->esr >> ESR_EC_SHIFT) & ESR_EC_MASK) {
	case EC_DABT_LOW:
		handle_mmio(v, f);
		return SKIFF_EXIT_MMIO;
	case EC_HVC64:
		v->exits[SKIFF_EXIT_HVC]++;
		if (f->esr & ESR_HVC_IMM_MASK)
			f->x[0] = SMCCC_RET_NOT_SUPPORTED;
		else
			handle_call(v, f);
		return SKIFF_EXIT_HVC;
	case EC_SMC64:
		v->exits[SKIFF_EXIT_SMC]++;
		f->elr += INSN_SIZE; /* a trapped SMC returns to itself */
		handle_call(v, f);
		return SKIFF_EXIT_SMC;
	case EC_SYS64:
		handle_sysreg(v, f);
		return SKIFF_EXIT_SYSREG;
	case EC_WFX:
		f->elr += INSN_SIZE;
		return SKIFF_EXIT_OTHER;
	case EC_IABT_LOW:
		inject_abort(v, f, f->far, "instruction fetch from an address nobody owns");
		return SKIFF_EXIT_ABORT;
	default:
		v->exits[SKIFF_EXIT_OTHER]++;
		inject_undef(v, f);
		return SKIFF_EXIT_OTHER;
	}
}

unsigned int trap_handle(struct vcpu *v, struct exc_frame *f, unsigned long slot)
{
	/* sync from AArch64 (slot 8) or AArch32 (12) first: one test, one call site to inline */
	if (__builtin_expect((slot & ~4ul) == EXC_LOWER64_SYNC, 1))
		return handle_sync(v, f);
	switch (slot - EXC_LOWER64_SYNC) {
	case 1:
	case 5: /* the caller (hyp/run/vcpu.c) takes the interrupt */
		v->exits[SKIFF_EXIT_IRQ]++;
		return SKIFF_EXIT_IRQ;
	default: /* FIQ (no group 0 physical sources) or SError */
		v->exits[SKIFF_EXIT_OTHER]++;
		log_guest_limited(v->vm->id, "vcpu%u: %s, ESR 0x%llx", v->id, exc_slot_name(slot),
				  (unsigned long long)f->esr);
		return SKIFF_EXIT_OTHER;
	}
}
