/*
 * test_exception.c - hyp/run/exception.c: where each exception taken to EL2 goes (an
 * interrupt at EL2 to the interrupt handler, a guest's exit to its vCPU's exit handling,
 * anything else reported and only this CPU stopped), with the real log and slot names and
 * fakes for the CPU table, the handlers and the halt.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arm64/exception.h"
#include "hyp/core/cpu.h"
#include "hyp/run/irq_entry.h"
#include "hyp/run/vcpu.h"
#include "lib/log.h"
#include "tests/unit/fake_console.h"
#include "tests/unit/fake_cpu.h"

static struct cpu this_cpu;
static struct cpu *self = &this_cpu;
static struct vcpu vcpu;
static struct exc_frame frame;
static unsigned int irqs, exits, halts;
static unsigned long exit_slot;
static struct vcpu *exit_vcpu;
static enum cpu_state state_set;
static char said_before_stop[2048]; /* the console when the CPU was marked stopped */
static jmp_buf halted;

struct cpu *cpu_self(void)
{
	return self;
}

void cpu_set_state(struct cpu *c, enum cpu_state s)
{
	assert_ptr_equal(c, self);
	state_set = s;
	snprintf(said_before_stop, sizeof(said_before_stop), "%s", fake_console_text());
}

void irq_entry(void)
{
	irqs++;
}

uint64_t *vcpu_exit(struct vcpu *v, struct exc_frame *f, unsigned long slot)
{
	assert_ptr_equal(f, &frame);
	exits++;
	exit_vcpu = v;
	exit_slot = slot;
	return &v->el2_cost[SKIFF_EXIT_MMIO];
}

_Noreturn void cpu_halt(void)
{
	halts++;
	longjmp(halted, 1);
}

static int setup(void **state)
{
	(void)state;
	memset(&this_cpu, 0, sizeof(this_cpu));
	this_cpu.idx = 3;
	this_cpu.state = CPU_UP;
	self = &this_cpu;
	memset(&vcpu, 0, sizeof(vcpu));
	memset(&frame, 0, sizeof(frame));
	irqs = exits = halts = 0;
	exit_slot = 0;
	exit_vcpu = NULL;
	state_set = CPU_UP;
	fake_cpu_reset();
	fake_console_install();
	log_set_halt(cpu_halt);
	return 0;
}

static uint64_t *counter; /* what exc_handle() or exc_lower() left by last */

/* vectors.S's ways out, which exc_handle() and exc_lower() must take with their frame: back
 * into take() */
_Noreturn void exc_leave(struct exc_frame *f, uint64_t *cost)
{
	assert_ptr_equal(f, &frame);
	assert_non_null(cost);
	counter = cost;
	longjmp(halted, 2);
}

_Noreturn void exc_resume(struct exc_frame *f)
{
	assert_ptr_equal(f, &frame);
	counter = NULL;
	longjmp(halted, 2);
}

/* What vectors.S calls for slot (exc_handle() for EL2's slots, exc_lower() for a guest's),
 * catching the halt of an unexpected exception; true if it halted, false if it left through
 * exc_leave() or exc_resume(). */
static bool take(unsigned long slot)
{
	switch (setjmp(halted)) {
	case 0:
		if (slot >= EXC_LOWER64_SYNC)
			exc_lower(&frame, slot);
		exc_handle(&frame, slot);
	case 1:
		return true;
	default:
		return false;
	}
}

static void test_irq_at_el2(void **state)
{
	(void)state;
	this_cpu.vcpu = &vcpu;
	assert_false(take(EXC_CUR_SPX_IRQ));
	assert_null(counter); /* no guest exit: nothing to count */
	assert_int_equal(irqs, 1);
	assert_int_equal(exits, 0);
	assert_int_equal(fake_console_len(), 0);
}

static void test_guest_exits(void **state)
{
	unsigned long slot;

	(void)state;
	this_cpu.vcpu = &vcpu;
	/* every lower-EL slot, AArch64 and AArch32, sync to SError, is the vCPU's exit */
	for (slot = EXC_LOWER64_SYNC; slot < EXC_LOWER64_SYNC + 8; slot++) {
		assert_false(take(slot));
		assert_ptr_equal(counter, &vcpu.el2_cost[SKIFF_EXIT_MMIO]); /* vcpu_exit()'s */
		assert_int_equal(exit_slot, slot);
		assert_ptr_equal(exit_vcpu, &vcpu);
	}
	assert_int_equal(exits, 8);
	assert_int_equal(irqs, 0);
	assert_int_equal(halts, 0);
}

static void test_unexpected_at_el2(void **state)
{
	(void)state;
	this_cpu.vcpu = &vcpu;
	frame.esr = (0x25ull << 26) | (1ull << 25) | 0x45; /* a data abort at EL2 */
	frame.elr = 0x40212345;
	frame.far = 0xdead0000;
	frame.spsr = 0x3c9;
	for (unsigned int i = 0; i < 31; i++)
		frame.x[i] = 0x11 * i;
	assert_true(take(EXC_CUR_SPX_SYNC));
	assert_int_equal(halts, 1);
	assert_int_equal(state_set, CPU_STOPPED); /* this CPU only: the others carry on */
	assert_int_equal(exits + irqs, 0);
	assert_non_null(strstr(fake_console_text(),
			       "cpu3: unexpected exception: sync from EL2, ESR 0x96000045 (EC "
			       "0x25 data abort), ELR 0x40212345, FAR 0xdead0000"));
	assert_non_null(strstr(fake_console_text(), "cpu3: stopped"));
	/* the registers as the frame holds them; sp is the stack above the frame */
	assert_non_null(strstr(fake_console_text(),
			       "cpu3: x0-x3: 0000000000000000 "
			       "0000000000000011 0000000000000022 0000000000000033"));
	assert_non_null(strstr(fake_console_text(), "cpu3: x28-x30: 00000000000001dc "
						    "00000000000001ed 00000000000001fe, sp "));
	assert_non_null(strstr(fake_console_text(), ", spsr 3c9\r\n"));
	/* the registers, ELR and FAR are skiff's alone: a guest reading its view of the log gets
	 * the stop only */
	{
		static char view[8192];
		uint64_t total, n = log_ring_read(0, 0, view, sizeof(view) - 1, &total);

		view[n] = '\0';
		assert_null(strstr(view, "FAR 0xdead0000"));
		assert_null(strstr(view, "x0-x3"));
		assert_non_null(strstr(view, "cpu3: stopped"));
	}
	/* the whole report is out before the CPU counts as stopped: whoever acts on the stop (the
	 * boot CPU's count, then a power-off) finds every line of it */
	assert_non_null(strstr(said_before_stop, "cpu3: x28-x30: "));
	assert_non_null(strstr(said_before_stop, "cpu3: stopped"));
}

static void test_every_el2_slot_but_irq_stops(void **state)
{
	static const unsigned long slots[] = {
		EXC_CUR_SP0_SYNC, EXC_CUR_SP0_SYNC + 1, EXC_CUR_SP0_SYNC + 2, EXC_CUR_SP0_SYNC + 3,
		EXC_CUR_SPX_SYNC, EXC_CUR_SPX_FIQ,	EXC_CUR_SPX_SERROR,
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		assert_true(take(slots[i]));
		assert_int_equal(halts, i + 1);
	}
	assert_int_equal(irqs + exits, 0);
	assert_non_null(strstr(fake_console_text(), "serror from EL2"));
	assert_non_null(strstr(fake_console_text(), "fiq from EL2 (SP0)"));
}

static void test_guest_exit_without_vcpu(void **state)
{
	(void)state;
	/* a lower-EL exception on a CPU that runs no vCPU cannot be anyone's exit */
	this_cpu.vcpu = NULL;
	frame.esr = 0x16ull << 26; /* HVC */
	assert_true(take(EXC_LOWER64_SYNC));
	assert_int_equal(exits, 0);
	assert_non_null(
		strstr(fake_console_text(), "sync from a lower EL, ESR 0x58000000 (EC 0x16 HVC)"));
}

static void test_before_the_cpu_table(void **state)
{
	(void)state;
	/* so early that TPIDR_EL2 names no struct cpu: reported as CPU 0, nothing to stop */
	self = NULL;
	frame.esr = 0x3cull << 26; /* BRK */
	assert_true(take(EXC_CUR_SPX_SYNC));
	assert_int_equal(state_set, CPU_UP);
	assert_non_null(strstr(fake_console_text(),
			       "cpu0: unexpected exception: sync from EL2, ESR 0xf0000000 (EC "
			       "0x3c BRK)"));
	/* nor is a lower-EL exception then anyone's exit (exc_lower: no struct cpu, no vCPU) */
	assert_true(take(EXC_LOWER64_SYNC));
	assert_int_equal(exits, 0);
	assert_int_equal(halts, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_irq_at_el2, setup),
		cmocka_unit_test_setup(test_guest_exits, setup),
		cmocka_unit_test_setup(test_unexpected_at_el2, setup),
		cmocka_unit_test_setup(test_every_el2_slot_but_irq_stops, setup),
		cmocka_unit_test_setup(test_guest_exit_without_vcpu, setup),
		cmocka_unit_test_setup(test_before_the_cpu_table, setup),
	};

	return cmocka_run_group_tests_name("exception", tests, NULL, NULL);
}
