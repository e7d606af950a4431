/*
 * test_vm.c - hyp/core/vm.c, a VM's build and its life: vm_create from an assignment (vCPUs
 * on their CPUs, stage 2, vGIC frames, an SPI passed through and routed to the guest's own
 * CPU, doorbell, virtual console), then the steps of stopping and restarting the guest
 * (vm_stop_vcpus, vm_wait_parked, vm_quiesce, vm_start). Runs with the real vGIC,
 * passthrough, devices, stage 2 and log, on a fake physical GIC, CPU table and timer.
 * The tests run in order on one VM: each starts where the one before left it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/gic.h"
#include "drivers/gicv3.h"
#include "drivers/gicv3_regs.h"
#include "drivers/timer.h"
#include "hyp/core/cpu.h"
#include "hyp/core/vm.h"
#include "hyp/emul/doorbell.h"
#include "irq/vgic_mmio.h"
#include "lib/log.h"
#include "tests/unit/fake_console.h"
#include "tests/unit/fake_cpu.h"

#define GICD 0x08000000ull
#define GICR 0x080a0000ull
#define SPI 48 /* the device's interrupt: SPI 16 */
#define DOORBELL 0x0b000000ull
#define DOORBELL_SPI 132
#define VCONSOLE 0x0b001000ull
#define RAM 0x40000000ull
#define RAM_SIZE 0x4000000ull
#define ENTRY 0x40080000ull
#define CONTEXT 0x44000000ull

struct cpu cpus[SKIFF_MAX_CPUS];
unsigned int cpu_count = 2;
struct platform plat;
static struct config cfg;
static struct assignment a;
static struct vm vm;
static unsigned int kicks[SKIFF_MAX_CPUS];

/* ---- the physical CPUs, GIC and timer, faked */

struct cpu *cpu_self(void)
{
	return &cpus[0]; /* the tests run on CPU 0, where vCPU 0 is pinned */
}

void cpu_kick(const struct cpu *c)
{
	kicks[c->idx]++;
}

enum cpu_state cpu_get_state(const struct cpu *c)
{
	return (enum cpu_state)c->state;
}

static struct {
	bool enabled, pending, active, edge;
	uint64_t route;
	unsigned int routes, enables;
} phys[1024];

void gicv3_spi_enable(uintptr_t gicd, unsigned int intid, bool on)
{
	assert_int_equal(gicd, GICD);
	phys[intid].enabled = on;
	phys[intid].enables++;
}

void gicv3_spi_route(uintptr_t gicd, unsigned int intid, uint64_t mpidr)
{
	assert_int_equal(gicd, GICD);
	phys[intid].route = mpidr;
	phys[intid].routes++;
}

void gicv3_spi_set_pending(uintptr_t gicd, unsigned int intid, bool on)
{
	(void)gicd;
	phys[intid].pending = on;
}

void gicv3_spi_set_active(uintptr_t gicd, unsigned int intid, bool on)
{
	(void)gicd;
	phys[intid].active = on;
}

void gicv3_spi_set_priority(uintptr_t gicd, unsigned int intid, uint8_t prio)
{
	(void)gicd;
	(void)intid;
	(void)prio;
}

void gicv3_spi_set_edge(uintptr_t gicd, unsigned int intid, bool edge)
{
	(void)gicd;
	phys[intid].edge = edge;
}

bool gicv3_spi_pending(uintptr_t gicd, unsigned int intid)
{
	(void)gicd;
	return phys[intid].pending;
}

bool gicv3_spi_active(uintptr_t gicd, unsigned int intid)
{
	(void)gicd;
	return phys[intid].active;
}

void gicv3_deactivate(unsigned int intid)
{
	phys[intid].active = false;
}

void gicv3_ppi_enable(uintptr_t rd, unsigned int intid, bool on)
{
	(void)rd;
	(void)intid;
	(void)on;
}

bool gicv3_ppi_pending(uintptr_t rd, unsigned int intid)
{
	(void)rd;
	(void)intid;
	return false;
}

bool gicv3_ppi_active(uintptr_t rd, unsigned int intid)
{
	(void)rd;
	(void)intid;
	return false;
}

void gicv3_ppi_deactivate(uintptr_t rd, unsigned int intid)
{
	(void)rd;
	(void)intid;
}

/* the physical GIC as hyp/ reaches it (drivers/gic.c binds the same names) */
static const struct gic_ops fake_gic = {
	.version = 3,
	.ppi_enable = gicv3_ppi_enable,
	.ppi_deactivate = gicv3_ppi_deactivate,
	.ppi_pending = gicv3_ppi_pending,
	.ppi_active = gicv3_ppi_active,
	.spi_enable = gicv3_spi_enable,
	.spi_route = gicv3_spi_route,
	.spi_set_pending = gicv3_spi_set_pending,
	.spi_set_active = gicv3_spi_set_active,
	.spi_set_priority = gicv3_spi_set_priority,
	.spi_set_edge = gicv3_spi_set_edge,
	.spi_pending = gicv3_spi_pending,
	.spi_active = gicv3_spi_active,
	.deactivate = gicv3_deactivate,
};
const struct gic_ops *gic = &fake_gic;

static uint64_t now;

uint64_t timer_count(void)
{
	return now += 1000; /* every look at the clock moves it on */
}

uint64_t timer_us_to_ticks(uint64_t us)
{
	return us * 62; /* 62.5 MHz, as QEMU's virt */
}

uint64_t vcpu_arch_hcr(void)
{
	return 0x80000001ull;
}

uint64_t vcpu_arch_mdcr(bool el2_counting)
{
	(void)el2_counting;
	return 0;
}

const char *irq_mode_name(enum irq_mode m)
{
	return m == IRQ_MODE_EOI ? "eoi" : "other";
}

_Noreturn void cpu_halt(void)
{
	fail_msg("cpu_halt: skiff stopped");
	abort();
}

/* ---- helpers: the guest's view through its vGIC frames */

static uint64_t gicd_read(uint64_t off)
{
	const struct mmio_region *r = mmio_find(&vm.mmio, GICD + off, 4);
	uint64_t val = 0;

	assert_non_null(r);
	assert_int_equal(r->read(r->ctx, &vm.vcpus[0], GICD + off - r->base, 4, &val), MMIO_OK);
	return val;
}

static void gicd_write(uint64_t off, uint64_t val)
{
	const struct mmio_region *r = mmio_find(&vm.mmio, GICD + off, 4);

	assert_non_null(r);
	assert_int_equal(r->write(r->ctx, &vm.vcpus[0], GICD + off - r->base, 4, val), MMIO_OK);
}

static void mmio_write(uint64_t ipa, uint64_t val)
{
	const struct mmio_region *r = mmio_find(&vm.mmio, ipa, 4);

	assert_non_null(r);
	assert_int_equal(r->write(r->ctx, &vm.vcpus[0], ipa - r->base, 4, val), MMIO_OK);
}

static uint64_t mmio_read(uint64_t ipa)
{
	const struct mmio_region *r = mmio_find(&vm.mmio, ipa, 4);
	uint64_t val = 0;

	assert_non_null(r);
	assert_int_equal(r->read(r->ctx, &vm.vcpus[0], ipa - r->base, 4, &val), MMIO_OK);
	return val;
}

static void vm_ops_wake(struct vcpu *v)
{
	(void)v;
}

static const struct vm_ops ops = { .wake = vm_ops_wake };

static int group_setup(void **state)
{
	unsigned int i;

	(void)state;
	fake_console_install();
	log_set_halt(cpu_halt);
	fake_cpu_reset();
	fake_sysreg_set("id_aa64mmfr0_el1", 5); /* PARange 48 bits */
	for (i = 0; i < cpu_count; i++) {
		cpus[i].idx = i;
		cpus[i].mpidr = i;
		cpus[i].gicr = GICR + i * 0x20000;
		cpus[i].state = CPU_UP;
	}
	plat.gicd.base = GICD;
	plat.gicr[0].base = GICR;
	plat.gicr[0].size = 0x40000;
	plat.timer_intid[PLAT_TIMER_PHYS] = 30;
	plat.timer_intid[PLAT_TIMER_VIRT] = 27;
	vm_boot_nr_intids = 288;
	snprintf(cfg.guest[0].name, sizeof(cfg.guest[0].name), "guest@0");
	cfg.nr_guests = 1;
	a.nr_cpus = 2;
	a.cpu_mpidr[0] = 0;
	a.cpu_mpidr[1] = 1;
	a.nr_mem = 1;
	a.mem[0] = (struct plat_range){ RAM, RAM_SIZE };
	a.nr_mmio = 1;
	a.mmio[0] = (struct plat_range){ 0x09010000, 0x1000 };
	a.nr_devices = 1;
	a.dev[0] = (struct assign_device){ .first_spi = 0, .nr_spi = 1 };
	a.nr_spis = 1;
	a.spi[0] = (struct assign_spi){ .intid = SPI, .mode = IRQ_MODE_EOI, .edge = false };
	a.doorbell_base = DOORBELL;
	a.doorbell_intid = DOORBELL_SPI;
	a.vconsole_base = VCONSOLE;
	vm_create(&vm, 0, &cfg, &a, &ops);
	return 0;
}

/* ---- the build */

static void test_create(void **state)
{
	(void)state;
	assert_int_equal(vm_get_state(&vm), VM_IDLE);
	assert_int_equal(vm.nr_vcpus, 2);
	assert_int_equal(vm.vcpus[1].pcpu, 1);
	assert_ptr_equal(cpus[1].vcpu, &vm.vcpus[1]);
	assert_int_equal(vcpu_get_power(&vm.vcpus[0]), VCPU_OFF);
	assert_int_not_equal(vm.vttbr, 0);
	assert_int_equal(vm.vcpus[1].arch.vttbr, vm.vttbr);
	/* the SPI is the guest's, routed to a CPU of its own from set-up on, and masked until
	 * the guest enables it */
	assert_ptr_equal(vm_handle_spi(SPI), &vm);
	assert_null(vm_handle_spi(SPI + 1));
	assert_true(phys[SPI].routes >= 1);
	assert_true(phys[SPI].route == cpus[0].mpidr || phys[SPI].route == cpus[1].mpidr);
	assert_false(phys[SPI].enabled);
	/* its frames and devices */
	assert_non_null(mmio_find(&vm.mmio, GICD, 4));
	assert_non_null(mmio_find(&vm.mmio, GICR + 0x20000, 4));
	assert_non_null(mmio_find(&vm.mmio, DOORBELL, 4));
	assert_non_null(mmio_find(&vm.mmio, VCONSOLE, 4));
	assert_null(mmio_find(&vm.mmio, VCONSOLE + 0x1000, 4));
}

/* ---- stopping */

static void test_stop_vcpus(void **state)
{
	(void)state;
	/* the guest runs: both vCPUs on */
	vm_start(&vm, ENTRY, CONTEXT);
	assert_int_equal(vm_get_state(&vm), VM_RUNNING);
	assert_int_equal(vcpu_get_power(&vm.vcpus[0]), VCPU_ON_PENDING);
	assert_int_equal(vm.vcpus[0].boot_entry, ENTRY);
	assert_int_equal(vm.vcpus[0].boot_context, CONTEXT);
	assert_int_equal(vcpu_get_power(&vm.vcpus[1]), VCPU_OFF); /* until its CPU_ON */
	vcpu_set_power(&vm.vcpus[0], VCPU_ON);
	vcpu_set_power(&vm.vcpus[1], VCPU_ON);
	/* the guest enables its SPI and raises the doorbell meanwhile */
	gicd_write(GICD_ISENABLER + 4, 1u << (SPI % 32));
	assert_true(phys[SPI].enabled);
	gicd_write(GICD_IROUTER + 8 * SPI, 1); /* to vCPU 1: the physical route follows */
	assert_int_equal(phys[SPI].route, cpus[1].mpidr);
	mmio_write(DOORBELL + DOORBELL_RAISE, 1);
	assert_int_equal(mmio_read(DOORBELL + DOORBELL_STATUS), 1);

	/* a stop from a state the VM is not in does nothing */
	memset(kicks, 0, sizeof(kicks));
	assert_false(vm_stop_vcpus(&vm, VM_STOPPING));
	assert_int_equal(vm_get_state(&vm), VM_RUNNING);
	assert_int_equal(vcpu_get_power(&vm.vcpus[1]), VCPU_ON);
	/* from RUNNING: every vCPU off, the others' CPUs kicked (not this one) */
	assert_true(vm_stop_vcpus(&vm, VM_RUNNING));
	assert_int_equal(vm_get_state(&vm), VM_STOPPING);
	assert_int_equal(vcpu_get_power(&vm.vcpus[0]), VCPU_OFF);
	assert_int_equal(vcpu_get_power(&vm.vcpus[1]), VCPU_OFF);
	assert_int_equal(kicks[0], 0);
	assert_int_equal(kicks[1], 1);
	/* a second stop (a SYSTEM_RESET racing a SYSTEM_OFF) finds it stopping: refused */
	assert_false(vm_stop_vcpus(&vm, VM_RUNNING));
	assert_int_equal(kicks[1], 1);
}

static void test_wait_parked(void **state)
{
	(void)state;
	/* vCPU 1 never parks: after a second skiff gives up on it, saying so */
	assert_false(vm_wait_parked(&vm, &vm.vcpus[0]));
	assert_non_null(strstr(fake_console_text(), "vcpu1 on cpu1 does not park"));
	/* a vCPU whose CPU never came up cannot run: settled */
	cpus[1].state = CPU_STOPPED;
	assert_true(vm_wait_parked(&vm, &vm.vcpus[0]));
	cpus[1].state = CPU_UP;
	/* parked: settled; the caller's own vCPU is not waited for */
	__atomic_store_n(&vm.vcpus[1].parked, true, __ATOMIC_SEQ_CST);
	assert_true(vm_wait_parked(&vm, &vm.vcpus[0]));
	/* but without a caller every vCPU must be parked */
	assert_false(vm_wait_parked(&vm, NULL));
	__atomic_store_n(&vm.vcpus[0].parked, true, __ATOMIC_SEQ_CST);
	assert_true(vm_wait_parked(&vm, NULL));
}

static void test_quiesce(void **state)
{
	(void)state;
	vm_quiesce(&vm);
	/* the line off physically, the guest's interrupt state as at reset */
	assert_false(phys[SPI].enabled);
	assert_false(phys[SPI].active);
	assert_int_equal(gicd_read(GICD_ISENABLER + 4), 0);
	assert_int_equal(gicd_read(GICD_CTLR) & (GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1), 0);
	/* the doorbell down, the vCPUs without an entry point */
	assert_int_equal(mmio_read(DOORBELL + DOORBELL_STATUS), 0);
	assert_int_equal(vm.vcpus[0].boot_entry, 0);
	assert_int_equal(vm.vcpus[0].boot_context, 0);
	assert_false(vm.vcpus[1].lrs_clean);
	/* the SPI is still the guest's */
	assert_ptr_equal(vm_handle_spi(SPI), &vm);
}

static void test_restart(void **state)
{
	(void)state;
	vm_start(&vm, ENTRY + 0x200000, CONTEXT + 0x1000);
	assert_int_equal(vm_get_state(&vm), VM_RUNNING);
	assert_int_equal(vcpu_get_power(&vm.vcpus[0]), VCPU_ON_PENDING);
	assert_int_equal(vcpu_get_power(&vm.vcpus[1]), VCPU_OFF);
	assert_int_equal(vm.vcpus[0].boot_entry, ENTRY + 0x200000);
	assert_int_equal(vm.vcpus[0].boot_context, CONTEXT + 0x1000);
	/* routed as at set-up again (the guest had moved it to vCPU 1), masked until the
	 * restarted guest enables it */
	assert_int_equal(phys[SPI].route, cpus[0].mpidr);
	assert_false(phys[SPI].enabled);
	gicd_write(GICD_ISENABLER + 4, 1u << (SPI % 32));
	assert_true(phys[SPI].enabled);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),	    cmocka_unit_test(test_stop_vcpus),
		cmocka_unit_test(test_wait_parked), cmocka_unit_test(test_quiesce),
		cmocka_unit_test(test_restart),
	};

	return cmocka_run_group_tests_name("vm", tests, group_setup, NULL);
}
