/*
 * test_vcpu.c - hyp/run/vcpu.c, a vCPU's life on its CPU: the exit (entry guard, fold,
 * dispatch, the interrupt, flush, the counter its cost goes to), parking on CPU_OFF, the start
 * (set-up read back, reset, timers, first flush, entry) and the refusal to enter a guest whose
 * stage 2 and traps are not in force. Runs on the fake CPU, with fakes for the list registers,
 * the trap dispatcher, the interrupt handler and the entry into the guest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arm64/vcpu_arch.h"
#include "drivers/gic.h"
#include "hyp/core/cpu.h"
#include "hyp/core/vm.h"
#include "hyp/exit/trap.h"
#include "hyp/run/irq_entry.h"
#include "hyp/run/vcpu.h"
#include "irq/lr.h"
#include "lib/log.h"
#include "tests/unit/fake_console.h"
#include "tests/unit/fake_cpu.h"

#define VTTBR 0x0001000040100000ull
#define HCR (HCR_EL2_CONFINES | 0x80000000ull)
#define ENTRY 0x40080000ull
#define CONTEXT 0x48000000ull
#define TIMER_PHYS 30
#define TIMER_VIRT 27

struct platform plat;
static struct cpu this_cpu = { .idx = 1 };
static struct vm vm;
static struct vcpu *v;
static struct exc_frame guest_frame, exit_frame;

/* What happened, in order: one letter per event. */
static char events[64];
static unsigned int nr_events;

static void event(char c)
{
	if (nr_events + 1 < sizeof(events))
		events[nr_events++] = c;
	events[nr_events] = '\0';
}

/* ---- fakes */

struct cpu *cpu_self(void)
{
	return &this_cpu;
}

struct exc_frame *cpu_guest_frame(const struct cpu *c)
{
	assert_ptr_equal(c, &this_cpu);
	return &guest_frame;
}

static uint64_t lr_regs[4];
static uint32_t hcr_reg = 0xffffffff;

static uint64_t read_lr(unsigned int n)
{
	return lr_regs[n];
}

static void write_lr(unsigned int n, uint64_t val)
{
	lr_regs[n] = val;
}

static uint32_t read_hcr(void)
{
	return hcr_reg;
}

static void write_hcr(uint32_t val)
{
	hcr_reg = val;
}

static struct lr_hw gicv3_lr_hw = { .nr_lrs = 4,
				    .read_lr = read_lr,
				    .write_lr = write_lr,
				    .read_hcr = read_hcr,
				    .write_hcr = write_hcr };

static void fake_lr_hw_init(unsigned int max)
{
	assert_int_equal(max, VGIC_MAX_LRS);
	event('i');
}

static void fake_vcpu_if_reset(void)
{
	event('r');
}

static unsigned int ppi_deactivated[2];

static void fake_ppi_deactivate(uintptr_t rd, unsigned int intid)
{
	assert_int_equal(rd, this_cpu.gicr);
	ppi_deactivated[intid == TIMER_VIRT]++;
}

static const struct gic_ops fake_gic = {
	.version = 3,
	.ppi_deactivate = fake_ppi_deactivate,
	.lr = &gicv3_lr_hw,
	.lr_hw_init = fake_lr_hw_init,
	.vcpu_if_reset = fake_vcpu_if_reset,
};
const struct gic_ops *gic = &fake_gic;

static unsigned int pending_cleared[2];

void vgic_clear_pending(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid)
{
	assert_ptr_equal(vg, &vm.vgic);
	assert_ptr_equal(vc, &v->vgic);
	pending_cleared[intid == TIMER_VIRT]++;
}

static bool in_force = true;
static unsigned int setups, breaks;

void vcpu_arch_setup(const struct vcpu_arch_cfg *cfg)
{
	assert_ptr_equal(cfg, &v->arch);
	setups++;
	event('s');
	fake_sysreg_set("vttbr_el2", cfg->vttbr);
	fake_sysreg_set("hcr_el2", cfg->hcr);
}

bool vcpu_arch_in_force(const struct vcpu_arch_cfg *cfg)
{
	(void)cfg;
	return in_force;
}

void vcpu_arch_selftest_break(void)
{
	breaks++;
	in_force = false;
}

static uint64_t reset_pc, reset_arg;

void vcpu_arch_reset(struct exc_frame *frame, uint64_t pc, uint64_t arg0, bool kernel)
{
	assert_ptr_equal(frame, &guest_frame);
	reset_pc = pc;
	reset_arg = arg0;
	(void)kernel;
	event('R');
}

/* lr_fold and lr_flush must run with the vCPU's ap_lock held, and no VM-wide lock */
static unsigned int lrs_to_use; /* what the next flush leaves in the LRs */

void lr_fold(struct vgic_cpu *vc, const struct lr_hw *hw)
{
	assert_ptr_equal(vc, &v->vgic);
	assert_ptr_equal(hw, &gicv3_lr_hw);
	assert_true(spin_is_locked(&v->vgic.ap_lock));
	assert_false(spin_is_locked(&vm.vgic.config_lock));
	vc->lr_used = 0;
	vc->lr_fast = 0;
	event('F');
}

void lr_flush(struct vgic_cpu *vc, const struct lr_hw *hw)
{
	assert_ptr_equal(vc, &v->vgic);
	assert_ptr_equal(hw, &gicv3_lr_hw);
	assert_true(spin_is_locked(&v->vgic.ap_lock));
	assert_false(spin_is_locked(&vm.vgic.config_lock));
	vc->lr_used = lrs_to_use;
	event('L');
}

static unsigned int trap_reason;
static bool trap_turns_off;

unsigned int trap_handle(struct vcpu *vc, struct exc_frame *f, unsigned long slot)
{
	assert_ptr_equal(vc, v);
	assert_ptr_equal(f, &exit_frame);
	(void)slot;
	event('T');
	if (trap_turns_off)
		vcpu_set_power(vc, VCPU_OFF); /* PSCI CPU_OFF */
	return trap_reason;
}

static bool trap_unfolded; /* the exit is one trap_handle_unfolded() handles in full */

bool trap_handle_unfolded(struct vcpu *vc, struct exc_frame *f, unsigned long slot)
{
	assert_ptr_equal(vc, v);
	assert_ptr_equal(f, &exit_frame);
	(void)slot;
	/* before any fold: the LRs are as the guest left them, the ap_lock untouched */
	assert_false(spin_is_locked(&v->vgic.ap_lock));
	event('U');
	return trap_unfolded;
}

/* the parking vCPU's prune, under its ap_lock */
void vgic_prune(struct vgic *vg, struct vgic_cpu *vc)
{
	assert_ptr_equal(vg, &vm.vgic);
	assert_ptr_equal(vc, &v->vgic);
	assert_true(spin_is_locked(&vc->ap_lock));
	assert_false(__atomic_load_n(&v->parked, __ATOMIC_SEQ_CST)); /* before it parks */
	event('P');
}

/* what a prune moved to another vCPU's list is queued after the ap_lock is released; true
 * (requeue_more times) when more were left for another prune */
static unsigned int requeue_more;

bool vgic_requeue(struct vgic *vg, struct vgic_cpu *vc)
{
	assert_ptr_equal(vg, &vm.vgic);
	assert_ptr_equal(vc, &v->vgic);
	assert_false(spin_is_locked(&vc->ap_lock));
	event('Q');
	if (!requeue_more)
		return false;
	requeue_more--;
	return true;
}

void irq_entry(void)
{
	event('I');
}

static jmp_buf escape;
static unsigned int entries;

_Noreturn void guest_enter(struct exc_frame *frame)
{
	assert_ptr_equal(frame, &guest_frame);
	entries++;
	event('E');
	longjmp(escape, 1);
}

_Noreturn void cpu_halt(void)
{
	event('H');
	longjmp(escape, 2);
}

/* a CPU_ON that lands while the vCPU waits parked */
static void power_on_at_wfi(void)
{
	assert_true(__atomic_load_n(&v->parked, __ATOMIC_SEQ_CST));
	vcpu_set_power(v, VCPU_ON_PENDING);
	event('W');
}

static int setup(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	vm.name = "guest@1";
	vm.nr_vcpus = 1;
	v = &vm.vcpus[0];
	v->vm = &vm;
	v->id = 0;
	v->pcpu = 1;
	v->arch.vttbr = VTTBR;
	v->arch.hcr = HCR;
	v->boot_entry = ENTRY;
	v->boot_context = CONTEXT;
	vcpu_set_power(v, VCPU_ON);
	this_cpu.gicr = 0x80c0000;
	this_cpu.vcpu = v;
	plat.timer_intid[PLAT_TIMER_PHYS] = TIMER_PHYS;
	plat.timer_intid[PLAT_TIMER_VIRT] = TIMER_VIRT;
	memset(&exit_frame, 0, sizeof(exit_frame));
	memset(&guest_frame, 0, sizeof(guest_frame));
	memset(ppi_deactivated, 0, sizeof(ppi_deactivated));
	memset(pending_cleared, 0, sizeof(pending_cleared));
	nr_events = 0;
	events[0] = '\0';
	in_force = true;
	setups = breaks = entries = 0;
	lrs_to_use = 0;
	trap_reason = SKIFF_EXIT_MMIO;
	trap_turns_off = false;
	trap_unfolded = false;
	selftest_entry_cpu = -1;
	hcr_reg = 0xffffffff;
	fake_cpu_reset();
	fake_sysreg_set("vttbr_el2", VTTBR);
	fake_sysreg_set("hcr_el2", HCR);
	fake_console_install();
	log_set_halt(cpu_halt);
	return 0;
}

/* What vcpu_exit() returned last: the cost counter vectors.S adds the exit to. */
static uint64_t *exit_cost;

/* vcpu_exit(), with a way out if it leaves for good; 0 if it returned to the guest. */
static int exit_once(unsigned long slot)
{
	int how = setjmp(escape);

	if (how)
		return how;
	exit_cost = vcpu_exit(v, &exit_frame, slot);
	return 0;
}

/* ---- exits */

static void test_exit_with_nothing_in_flight(void **state)
{
	(void)state;
	v->lrs_clean = true;
	assert_int_equal(exit_once(EXC_LOWER64_SYNC), 0);
	/* no LR in use, none written last time and nothing listed: neither fold nor flush, and
	 * the vCPU's ap_lock is never taken */
	assert_string_equal(events, "T");
	assert_false(spin_is_locked(&v->vgic.ap_lock));
	assert_int_equal(v->vgic.ap_lock.next, 0);
	/* the cost is counted under the exit's reason (by vectors.S, in the counter returned) */
	assert_ptr_equal(exit_cost, &v->el2_cost[SKIFF_EXIT_MMIO]);
}

static void test_exit_folds_and_flushes(void **state)
{
	struct virq listed;

	(void)state;
	v->vgic.lr_used = 2; /* the guest had two LRs */
	v->lrs_clean = false;
	lrs_to_use = 1;
	assert_int_equal(exit_once(EXC_LOWER64_SYNC), 0);
	assert_string_equal(events, "UFTLQ");
	assert_false(spin_is_locked(&v->vgic.ap_lock));
	assert_false(v->lrs_clean); /* the flush wrote an LR */
	/* clean LRs but something on the list: flushed */
	nr_events = 0;
	v->vgic.lr_used = 0;
	v->lrs_clean = true;
	memset(&listed, 0, sizeof(listed));
	v->vgic.ap_head = &listed;
	lrs_to_use = 0;
	assert_int_equal(exit_once(EXC_LOWER64_SYNC), 0);
	assert_string_equal(events, "TLQ");
	assert_true(v->lrs_clean);
	/* LRs the fast path filled are folded even when the flush wrote none */
	nr_events = 0;
	v->vgic.ap_head = NULL;
	v->vgic.lr_fast = 1;
	assert_int_equal(exit_once(EXC_LOWER64_SYNC), 0);
	assert_string_equal(events, "UFT");
}

/* An exit handled before the fold (an SGI to other vCPUs): LRs in use, unclean, something
 * listed - and still neither fold nor flush nor trap_handle(); counted under SYSREG. */
static void test_unfolded_exit(void **state)
{
	struct virq listed;

	(void)state;
	memset(&listed, 0, sizeof(listed));
	v->vgic.lr_used = 2;
	v->vgic.lr_fast = 1;
	v->lrs_clean = false;
	v->vgic.ap_head = &listed;
	trap_unfolded = true;
	assert_int_equal(exit_once(EXC_LOWER64_SYNC), 0);
	assert_string_equal(events, "U");
	assert_int_equal(v->vgic.ap_lock.next, 0); /* never taken */
	assert_int_equal(v->vgic.lr_used, 2);	   /* the LRs as the last flush left them */
	assert_int_equal(v->vgic.lr_fast, 1);
	assert_ptr_equal(exit_cost, &v->el2_cost[SKIFF_EXIT_SYSREG]);
	/* the next exit that is not one folds and flushes as ever */
	nr_events = 0;
	trap_unfolded = false;
	lrs_to_use = 0;
	assert_int_equal(exit_once(EXC_LOWER64_SYNC), 0);
	assert_string_equal(events, "UFTLQ");
}

static void test_interrupt_exit(void **state)
{
	(void)state;
	v->vgic.lr_used = 1;
	trap_reason = SKIFF_EXIT_IRQ;
	assert_int_equal(exit_once(EXC_LOWER64_SYNC + 1), 0);
	/* the LRs are folded before the interrupt is taken, and flushed after */
	assert_string_equal(events, "UFTILQ");
	assert_ptr_equal(exit_cost, &v->el2_cost[SKIFF_EXIT_IRQ]);
}

static void test_guard_refuses(void **state)
{
	(void)state;
	/* stage 2 changed under the guest: skiff stops before it touches anything */
	fake_sysreg_set("vttbr_el2", 0);
	v->vgic.lr_used = 1;
	assert_int_equal(exit_once(EXC_LOWER64_SYNC), 2);
	assert_string_equal(events, "H");
	assert_non_null(strstr(fake_console_text(),
			       "fatal: cpu1: guest@1 vcpu0: stage 2 or traps changed under "
			       "the guest"));
	/* and a trap bit turned off the same */
	setup(NULL);
	fake_sysreg_set("hcr_el2", HCR & ~1ull); /* VM */
	assert_int_equal(exit_once(EXC_LOWER64_SYNC), 2);
	assert_string_equal(events, "H");
	/* a bit outside the confining set does not matter */
	setup(NULL);
	fake_sysreg_set("hcr_el2", HCR & ~0x80000000ull);
	assert_int_equal(exit_once(EXC_LOWER64_SYNC), 0);
}

/* ---- parking and starting */

static void test_cpu_off_parks_then_restarts(void **state)
{
	(void)state;
	trap_reason = SKIFF_EXIT_HVC;
	trap_turns_off = true;
	v->lrs_clean =
		true; /* the last flush wrote no LR, nothing listed: the start flushes anyway */
	v->boot_entry = ENTRY + 0x1000; /* where the next CPU_ON will start it */
	fake_wfi_hook = power_on_at_wfi;
	requeue_more = 1;
	assert_int_equal(exit_once(EXC_LOWER64_SYNC), 1);
	/* parked: guest timers stopped, no virtual interface, its list pruned (what was re-routed
	 * while it held its ap_lock goes to its target; the requeue left more, so pruned again);
	 * woken; set up for the guest again (read back), reset, timers reset, flushed, entered */
	assert_string_equal(events, "TPQPQWisRrLQE");
	assert_int_equal(fake_sysreg_writes("cntv_ctl_el0"), 1);
	assert_int_equal(fake_sysreg_get("cntv_ctl_el0"), 0);
	assert_int_equal(fake_sysreg_get("cntp_ctl_el0"), 0);
	assert_int_equal(fake_cpu_ops("wfi"), 1);
	assert_int_equal(vcpu_get_power(v), VCPU_ON);
	assert_false(v->parked);
	assert_int_equal(reset_pc, ENTRY + 0x1000);
	assert_int_equal(reset_arg, CONTEXT);
	assert_int_equal(ppi_deactivated[0] + ppi_deactivated[1] * 10, 11);
	assert_int_equal(pending_cleared[0] + pending_cleared[1] * 10, 11);
	assert_int_equal(entries, 1);
}

static void test_start_refused_without_stage2(void **state)
{
	(void)state;
	vcpu_set_power(v, VCPU_ON_PENDING);
	in_force = false; /* the registers did not read back as written */
	if (!setjmp(escape))
		vcpu_run(v);
	assert_int_equal(entries, 0);
	assert_string_equal(events, "PQisH");
	assert_non_null(strstr(fake_console_text(),
			       "fatal: cpu1: guest@1 vcpu0: stage 2 and traps are not in "
			       "force"));
	assert_non_null(strstr(fake_console_text(), "not entering"));
}

static void test_selftest_break(void **state)
{
	(void)state;
	/* the test switch breaks stage 2 on its CPU once; the read-back check must refuse */
	selftest_entry_cpu = 1;
	vcpu_set_power(v, VCPU_ON_PENDING);
	if (!setjmp(escape))
		vcpu_run(v);
	assert_int_equal(breaks, 1);
	assert_int_equal(entries, 0);
	assert_int_equal(selftest_entry_cpu, -1);
	/* on another CPU it does nothing */
	setup(NULL);
	selftest_entry_cpu = 0;
	vcpu_set_power(v, VCPU_ON_PENDING);
	if (!setjmp(escape))
		vcpu_run(v);
	assert_int_equal(breaks, 0);
	assert_int_equal(entries, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_exit_with_nothing_in_flight, setup),
		cmocka_unit_test_setup(test_exit_folds_and_flushes, setup),
		cmocka_unit_test_setup(test_unfolded_exit, setup),
		cmocka_unit_test_setup(test_interrupt_exit, setup),
		cmocka_unit_test_setup(test_guard_refuses, setup),
		cmocka_unit_test_setup(test_cpu_off_parks_then_restarts, setup),
		cmocka_unit_test_setup(test_start_refused_without_stage2, setup),
		cmocka_unit_test_setup(test_selftest_break, setup),
	};

	return cmocka_run_group_tests_name("vcpu", tests, NULL, NULL);
}
