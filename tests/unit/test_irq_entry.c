/*
 * test_irq_entry.c - hyp/run/irq_entry.c, the EL2 interrupt handler: what each physical
 * interrupt leads to (a guest's timer into its vGIC, a passed-through SPI to its owner and
 * left active, skiff's own timer, kick and maintenance interrupts, anything else counted and
 * logged once), with priority drop and deactivation as EOImode 1 asks. The physical GIC,
 * the CPU table, the vGIC and the SPI owners are fakes; the log is real.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/gicv3.h"
#include "drivers/gic.h"
#include "drivers/gicv3_regs.h"
#include "drivers/timer.h"
#include "hyp/core/cpu.h"
#include "hyp/core/vm.h"
#include "hyp/run/irq_entry.h"
#include "lib/log.h"
#include "tests/unit/fake_console.h"

#define TIMER_VIRT 27
#define TIMER_PHYS 30
#define TIMER_HYP 26
#define MAINT 25
#define OWN_SPI 48
#define OTHER_SPI 49
#define NOBODYS_SPI 50

struct platform plat;
static struct cpu self;
static struct vm vm, other_vm;
static unsigned int acked; /* what GICC_IAR gives next */
static char trail[128];	   /* the GIC operations, in order: "a48 e48 d48" */
static unsigned int triggered, timer_stops;
static uint32_t trigger_intid;

static void note(const char *op, unsigned int intid)
{
	size_t n = strlen(trail);

	snprintf(trail + n, sizeof(trail) - n, "%s%s%u", n ? " " : "", op, intid);
}

struct cpu *cpu_self(void)
{
	return &self;
}

static unsigned int fake_ack(void)
{
	note("a", acked);
	return acked;
}

static void fake_eoi(unsigned int iar)
{
	note("e", iar);
}

static void fake_deactivate(unsigned int iar)
{
	note("d", iar);
}

static const struct gic_ops fake_gic = {
	.ack = fake_ack,
	.eoi = fake_eoi,
	.deactivate = fake_deactivate,
};
const struct gic_ops *gic = &fake_gic;

void timer_hyp_stop(void)
{
	timer_stops++;
}

void vgic_trigger(struct vgic *vg, struct vgic_cpu *vc, uint32_t intid)
{
	assert_ptr_equal(vg, &vm.vgic);
	assert_ptr_equal(vc, &vm.vcpus[0].vgic);
	triggered++;
	trigger_intid = intid;
}

struct vm *vm_handle_spi(uint32_t intid)
{
	if (intid == OWN_SPI)
		return &vm;
	if (intid == OTHER_SPI)
		return &other_vm;
	return NULL;
}

_Noreturn void cpu_halt(void)
{
	fail_msg("cpu_halt");
	abort();
}

static int setup(void **state)
{
	(void)state;
	memset(&self, 0, sizeof(self));
	memset(&vm, 0, sizeof(vm));
	memset(&other_vm, 0, sizeof(other_vm));
	self.idx = 2;
	vm.vcpus[0].vm = &vm;
	self.vcpu = &vm.vcpus[0];
	plat.timer_intid[PLAT_TIMER_VIRT] = TIMER_VIRT;
	plat.timer_intid[PLAT_TIMER_PHYS] = TIMER_PHYS;
	plat.timer_intid[PLAT_TIMER_HYP_PHYS] = TIMER_HYP;
	plat.gic_maint_intid = MAINT;
	trail[0] = '\0';
	triggered = timer_stops = 0;
	fake_console_install();
	log_set_halt(cpu_halt);
	return 0;
}

static void take(unsigned int intid)
{
	trail[0] = '\0';
	acked = intid;
	irq_entry();
}

static uint64_t exits(unsigned int reason)
{
	return vm.vcpus[0].exits[reason];
}

static void test_guest_timers(void **state)
{
	(void)state;
	/* hardware-linked: priority dropped, left active for the guest to deactivate */
	take(TIMER_VIRT);
	assert_string_equal(trail, "a27 e27");
	assert_int_equal(triggered, 1);
	assert_int_equal(trigger_intid, TIMER_VIRT);
	take(TIMER_PHYS);
	assert_string_equal(trail, "a30 e30");
	assert_int_equal(trigger_intid, TIMER_PHYS);
	/* with no vCPU here a guest timer is nobody's: deactivated */
	self.vcpu = NULL;
	take(TIMER_VIRT);
	assert_string_equal(trail, "a27 e27 d27");
	assert_int_equal(triggered, 2);
}

static void test_passed_through_spis(void **state)
{
	(void)state;
	/* the guest's own: handed to its owner, left active (no DIR), nothing counted */
	take(OWN_SPI);
	assert_string_equal(trail, "a48 e48");
	assert_int_equal(exits(SKIFF_EXIT_FOREIGN), 0);
	/* another guest's SPI on this guest's CPU: its owner still gets it, and it is counted */
	take(OTHER_SPI);
	assert_string_equal(trail, "a49 e49");
	assert_int_equal(exits(SKIFF_EXIT_FOREIGN), 1);
	/* an SPI nobody owns: deactivated, counted, logged once per CPU */
	take(NOBODYS_SPI);
	assert_string_equal(trail, "a50 e50 d50");
	take(NOBODYS_SPI);
	assert_int_equal(exits(SKIFF_EXIT_FOREIGN), 3);
	assert_non_null(
		strstr(fake_console_text(), "cpu2: unexpected interrupt 50 (logged once per CPU)"));
	assert_int_equal(fake_console_count("unexpected interrupt"), 1);
}

static void test_skiffs_own(void **state)
{
	(void)state;
	take(TIMER_HYP);
	assert_string_equal(trail, "a26 e26 d26");
	assert_int_equal(timer_stops, 1);
	assert_true(self.timer_fired);
	take(CPU_SGI_KICK);
	assert_string_equal(trail, "a0 e0 d0");
	assert_int_equal(exits(SKIFF_EXIT_KICK), 1);
	take(MAINT);
	assert_string_equal(trail, "a25 e25 d25");
	assert_int_equal(exits(SKIFF_EXIT_MAINT), 1);
	assert_int_equal(exits(SKIFF_EXIT_FOREIGN), 0);
	assert_int_equal(fake_console_len(), 0);
}

static void test_spurious_and_fast_path(void **state)
{
	(void)state;
	take(GIC_INTID_SPURIOUS); /* nothing to drop or deactivate */
	assert_string_equal(trail, "a1023");
	/* the fast path acknowledged it already (INTID + 1): no second acknowledge */
	trail[0] = '\0';
	self.fast.acked = OWN_SPI + 1;
	irq_entry();
	assert_string_equal(trail, "e48");
	assert_int_equal(self.fast.acked, 0);
}

/* A GICv2 SGI is acknowledged with its requesting CPU in GICC_IAR[12:10]: the kick is told
 * apart by its INTID, and the priority drop and deactivation get the whole value back (an EOI
 * or DIR with another CPUID would not end it). */
static void test_gicv2_sgi_source(void **state)
{
	const unsigned int from_cpu3 = 3u << 10 | CPU_SGI_KICK;

	(void)state;
	take(from_cpu3);
	assert_string_equal(trail, "a3072 e3072 d3072");
	assert_int_equal(exits(SKIFF_EXIT_KICK), 1);
	assert_int_equal(exits(SKIFF_EXIT_FOREIGN), 0);
	take(2u << 10 | GIC_INTID_SPURIOUS); /* a spurious INTID with bits above: still spurious */
	assert_string_equal(trail, "a3071");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_gicv2_sgi_source, setup),
		cmocka_unit_test_setup(test_guest_timers, setup),
		cmocka_unit_test_setup(test_passed_through_spis, setup),
		cmocka_unit_test_setup(test_skiffs_own, setup),
		cmocka_unit_test_setup(test_spurious_and_fast_path, setup),
	};

	return cmocka_run_group_tests_name("irq_entry", tests, NULL, NULL);
}
