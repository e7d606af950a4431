/*
 * lifecycle.c - what happens to a guest after boot (lifecycle.h). A stop or restart runs on
 * the CPU of the vCPU that asked, while the other guests keep running:
 *  1. vm_stop_vcpus: the guest goes RUNNING -> STOPPING and every vCPU OFF, under its
 *     power_lock; from then on CPU_ON is refused (DENIED) and no vCPU of it starts;
 *  2. vm_wait_parked: its other vCPUs leave the guest at their next exit (they are kicked);
 *  3. vm_quiesce: its physical lines are disabled and deactivated, its vGIC, doorbell and
 *     virtual console reset;
 *  4. SYSTEM_OFF: the guest is OFF; when it was the last one running, the machine powers off.
 *     SYSTEM_RESET: its kernel, initrd and device tree are loaded afresh (guest_image.c) and
 *     vCPU 0 powered on (RUNNING). Other guests' CPUs, RAM and devices are never touched.
 * A guest that never had a kernel to run is not counted as running.
 */
#include "hyp/guests/lifecycle.h"
#include "arch/arm64/psci_fw.h"
#include "hyp/plan/config.h"
#include "lib/log.h"
#include "hyp/core/vm.h"

static struct vm *vms[CONFIG_MAX_GUESTS];
static struct guest_image *images[CONFIG_MAX_GUESTS];
static unsigned int nr_vms;
static unsigned int running; /* guests started and not OFF */
static bool stats;

void lifecycle_add(struct vm *vm, struct guest_image *image, bool stats_at_exit)
{
	if (nr_vms == CONFIG_MAX_GUESTS || vm->id >= CONFIG_MAX_GUESTS)
		fatal("%s: more than %d guests", vm->name, CONFIG_MAX_GUESTS);
	vms[nr_vms++] = vm;
	images[vm->id] = image;
	stats = stats_at_exit;
	log_set_guest_name((int)vm->id, vm->name);
}

void lifecycle_start(struct vm *vm)
{
	const struct guest_image *gi = images[vm->id];

	if (!gi)
		return;
	__atomic_add_fetch(&running, 1, __ATOMIC_ACQ_REL);
	vm_start(vm, gi->lay.entry + gi->lay.thumb, gi->lay.dtb);
}

static _Noreturn void machine_off(void)
{
	unsigned int i;

	log_reclaim_console();
	for (i = 0; stats && i < nr_vms; i++)
		vm_print_stats(vms[i]);
	log_info("all guests are off: powering off");
	log_flush();
	psci_fw_system_off();
	fatal("PSCI SYSTEM_OFF returned");
}

static void off(struct vm *vm)
{
	uint64_t dropped = log_guest_suppressed((int)vm->id);

	__atomic_store_n(&vm->state, VM_OFF, __ATOMIC_RELEASE);
	log_guest((int)vm->id, "off%s", dropped ? " (some of its log lines were suppressed)" : "");
	if (!__atomic_sub_fetch(&running, 1, __ATOMIC_ACQ_REL))
		machine_off();
}

/*
 * Steps 1-3 of the top comment; false if another vCPU is stopping this guest already, or if a
 * vCPU of it would not leave the guest: then nothing of it is reset or reloaded under that
 * vCPU's feet, and the guest is left off. The lines go through the guest's log limit: a guest
 * can restart itself as often as it likes.
 */
static bool stop(struct vm *vm, struct vcpu *caller, const char *why)
{
	if (!vm_stop_vcpus(vm, VM_RUNNING))
		return false;
	log_guest_limited((int)vm->id, "%s from vcpu%u", why, caller->id);
	if (!vm_wait_parked(vm, caller)) {
		log_guest_alert((int)vm->id, "a vCPU does not leave the guest: it stays off");
		off(vm);
		return false;
	}
	vm_quiesce(vm);
	return true;
}

static void system_off(struct vm *vm, struct vcpu *caller)
{
	if (stop(vm, caller, "SYSTEM_OFF"))
		off(vm);
}

static void system_reset(struct vm *vm, struct vcpu *caller)
{
	struct guest_image *gi = images[vm->id];
	char err[CONFIG_ERR_MAX];

	if (!stop(vm, caller, "SYSTEM_RESET"))
		return;
	if (!gi || guest_image_load(gi, vm, err, sizeof(err))) {
		log_guest_alert((int)vm->id, "cannot restart: %s: it stays off",
				gi ? err : "nothing to load");
		off(vm);
		return;
	}
	__atomic_add_fetch(&vm->resets, 1, __ATOMIC_RELAXED);
	log_guest_limited((int)vm->id, "restarting (restart %llu), the other guests running on",
			  (unsigned long long)vm->resets);
	vm_start(vm, gi->lay.entry + gi->lay.thumb, gi->lay.dtb);
}

const struct vm_ops lifecycle_vm_ops = {
	.wake = vm_wake,
	.system_off = system_off,
	.system_reset = system_reset,
};
