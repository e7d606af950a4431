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

#include "arch/arm64/pgtable.h"
#include "arch/arm64/stage2.h"
#include "drivers/gic.h"
#include "drivers/gicv2.h"
#include "drivers/gicv2_regs.h"
#include "drivers/gicv3.h"
#include "drivers/gicv3_regs.h"
#include "drivers/timer.h"
#include "hyp/core/cpu.h"
#include "hyp/core/vm.h"
#include "hyp/emul/channel.h"
#include "hyp/emul/doorbell.h"
#include "hyp/emul/vconsole.h"
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
unsigned int cpu_count = 4; /* guest@0 on CPUs 0 and 1; guest@1 on 2, guest@2 on 3 */
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
static unsigned int spi_deactivated[1024];

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
	spi_deactivated[intid]++;
}

/* each CPU's PPIs, by its redistributor */
static bool ppi_on[4][32];
static unsigned int ppi_deactivated[4][32];

static unsigned int cpu_of_rd(uintptr_t rd)
{
	assert_true(rd >= GICR && (rd - GICR) % 0x20000 == 0 && (rd - GICR) / 0x20000 < 4);
	return (unsigned int)((rd - GICR) / 0x20000);
}

void gicv3_ppi_enable(uintptr_t rd, unsigned int intid, bool on)
{
	assert_true(intid < 32);
	ppi_on[cpu_of_rd(rd)][intid] = on;
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
	assert_true(intid < 32);
	ppi_deactivated[cpu_of_rd(rd)][intid]++;
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

/* the same GIC seen as a GICv2 (the guests created while gic points here get a GICv2) */
static const struct gic_ops fake_gic_v2 = {
	.version = 2,
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

/* where a test that expects skiff to stop (fatal) goes on; 0: none does */
static jmp_buf *halt_to;

_Noreturn void cpu_halt(void)
{
	if (halt_to)
		longjmp(*halt_to, 1);
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

/* ---- the VM's hooks and the routing of physical SPIs */

/* A PPI is deactivated on the redistributor of its vCPU's CPU, an SPI in the distributor */
static void test_deactivate_phys(void **state)
{
	const struct vgic_ops *o = vm.vgic.ops;

	(void)state;
	o->deactivate_phys(&vm.vgic, &vm.vcpus[1].vgic, 27);
	assert_int_equal(ppi_deactivated[1][27], 1);
	o->deactivate_phys(&vm.vgic, &vm.vcpus[0].vgic, 31);
	assert_int_equal(ppi_deactivated[0][31], 1);
	o->deactivate_phys(&vm.vgic, NULL, 32);
	assert_int_equal(spi_deactivated[32], 1);
	assert_int_equal(ppi_deactivated[0][0] + ppi_deactivated[1][0], 0);
}

static void test_handle_spi(void **state)
{
	uint64_t taken = 0, n = 0;

	(void)state;
	assert_true(vm_spi_counter(&vm, SPI, SKIFF_CNT_SPI_TAKEN, &taken));
	assert_ptr_equal(vm_handle_spi(SPI), &vm);
	assert_true(vm_spi_counter(&vm, SPI, SKIFF_CNT_SPI_TAKEN, &n));
	assert_int_equal(n, taken + 1);
	assert_null(vm_handle_spi(VGIC_MAX_INTIDS));
	assert_false(vm_spi_counter(&vm, VGIC_MAX_INTIDS, SKIFF_CNT_SPI_TAKEN, &n));
}

/* A quiesce also stops the guest's timers (each vCPU's CPU), flushes what its virtual console
 * holds of a line, and marks its LRs to be written again. */
static void test_quiesce_timers_console(void **state)
{
	const struct mmio_region *r = mmio_find(&vm.mmio, GICR + GICR_SGI_BASE, 4);

	(void)state;
	assert_non_null(r);
	assert_int_equal(r->write(r->ctx, &vm.vcpus[0], GICR_ISENABLER0, 4, 1u << 27), MMIO_OK);
	assert_true(ppi_on[0][27]);
	mmio_write(VCONSOLE + VCONSOLE_UARTDR, 'z');
	mmio_write(VCONSOLE + VCONSOLE_UARTDR, 'q');
	vm.vcpus[0].lrs_clean = true;
	vm_quiesce(&vm);
	assert_false(ppi_on[0][27]);
	assert_non_null(strstr(fake_console_text(), "zq"));
	assert_false(vm.vcpus[0].lrs_clean);
	vm_start(&vm, ENTRY, CONTEXT);
}

/* ---- more guests: guest@1 and guest@2 on a GICv2 (QEMU's model), on CPUs 2 and 3 */

#define SPI_C 60 /* guest@1's devices: one without interrupts, one with SPI C (hw), */
#define SPI_D 61 /* one with SPIs D (eoi, level) and E (oneshot, edge) */
#define SPI_E 62
#define RAM2 0x50000000ull
#define NR_RAM2 (VM_MAX_RAM + 1)
#define DEV2 0x09020000ull
#define GICC 0x08010000ull
#define GICV 0x08040000ull
/* a channel between guest@1 and guest@2, the last the table holds: a doorbell page and SPI
 * each */
#define CHAN (CONFIG_MAX_CHANNELS - 1)
#define CHAN_DB2 0x0b100000ull
#define CHAN_SPI2 140 /* guest@1's doorbell, which guest@2 rings */
#define CHAN_DB3 0x0b200000ull
#define CHAN_SPI3 141 /* guest@2's, which guest@1 rings */

static struct vm vm2, vm3;
static struct assignment a2, a3;
static uint8_t *qemu_gicd;

static void make_more_guests(void)
{
	static struct gicv2_frames frames;
	unsigned int i;

	/* the GICv2 as QEMU's model: deactivations of HW LRs go unsignalled */
	qemu_gicd = aligned_alloc(0x1000, 0x1000);
	assert_non_null(qemu_gicd);
	memset(qemu_gicd, 0, 0x1000);
	*(uint32_t *)(qemu_gicd + GICD_ICPIDR2) = GIC_ARCHREV_GICV2 << GIC_PIDR2_ARCHREV_SHIFT;
	*(uint32_t *)(qemu_gicd + GICD_IIDR) = GICD_IIDR_QEMU;
	frames.gicd = (uintptr_t)qemu_gicd;
	assert_int_not_equal(gicv2_dist_init(&frames), 0);
	assert_true(gicv2_hw_deact_unsignalled());
	gic = &fake_gic_v2;
	plat.gicc.base = GICC;
	plat.gicv.base = GICV;
	plat.gicv.size = 0x2000;

	snprintf(cfg.guest[1].name, sizeof(cfg.guest[1].name), "guest@1");
	snprintf(cfg.guest[2].name, sizeof(cfg.guest[2].name), "guest@2");
	cfg.nr_guests = 3;
	a2.nr_cpus = 1;
	a2.cpu_mpidr[0] = 2;
	a2.nr_mem = NR_RAM2;
	for (i = 0; i < NR_RAM2; i++)
		a2.mem[i] = (struct plat_range){ RAM2 + i * 0x200000, 0x100000 };
	a2.nr_mmio = 2;
	a2.mmio[0] = (struct plat_range){ DEV2, 0x1000 };
	a2.mmio[1] = (struct plat_range){ DEV2 + 0x10000, 0x1000 };
	a2.nr_devices = 3;
	a2.dev[0] = (struct assign_device){ .first_spi = 0, .nr_spi = 0 };
	a2.dev[1] = (struct assign_device){ .first_spi = 0, .nr_spi = 1 };
	a2.dev[2] = (struct assign_device){ .first_spi = 1, .nr_spi = 2 };
	a2.nr_spis = 3;
	a2.spi[0] = (struct assign_spi){ .intid = SPI_C, .mode = IRQ_MODE_HW, .edge = false };
	a2.spi[1] = (struct assign_spi){ .intid = SPI_D, .mode = IRQ_MODE_EOI, .edge = false };
	a2.spi[2] = (struct assign_spi){ .intid = SPI_E, .mode = IRQ_MODE_ONESHOT, .edge = true };
	a2.nr_chan = 1;
	a2.chan[0] = (struct assign_channel){
		.channel = CHAN, .end = 0, .peer = 2, .intid = CHAN_SPI2, .db_base = CHAN_DB2
	};
	cfg.oneshot_no_deferral = true; /* test-only switches, as read at creation */
	cfg.gicv2_hw_lrs_on_qemu = false;
	vm_create(&vm2, 1, &cfg, &a2, &ops);
	a3.nr_cpus = 1;
	a3.cpu_mpidr[0] = 3;
	a3.nr_mem = 1;
	a3.mem[0] = (struct plat_range){ RAM2 + 0x4000000, 0x100000 };
	a3.nr_chan = 1;
	a3.chan[0] = (struct assign_channel){
		.channel = CHAN, .end = 1, .peer = 1, .intid = CHAN_SPI3, .db_base = CHAN_DB3
	};
	cfg.oneshot_no_deferral = false;
	cfg.gicv2_hw_lrs_on_qemu = true;
	vm_create(&vm3, 2, &cfg, &a3, &ops);
	gic = &fake_gic;
}

/* stage 2's descriptor for ipa, and its MemAttr field */
static uint64_t s2_desc(const struct vm *v, uint64_t ipa)
{
	unsigned int level;

	return pt_lookup(&v->s2, ipa, &level);
}

#define S2_MEMATTR(d) (((d) >> 2) & 0xf)
#define S2_OA(d) ((d)&0x0000fffffffff000ull)

static void test_more_guests(void **state)
{
	struct virq *c, *d, *e;
	uint64_t n, before[SKIFF_CNT_SPI_UNMASKED + 1] = { 0 };
	unsigned int i;

	(void)state;
	make_more_guests();
	/* the test switches as the configuration said at creation */
	assert_true(vm2.oneshot_no_deferral);
	assert_false(vm3.oneshot_no_deferral);
	assert_true(vm2.vgic.no_hw_lrs);
	assert_false(vm3.vgic.no_hw_lrs);
	/* a VMID each */
	assert_int_equal(vm2.vttbr >> VTTBR_VMID_SHIFT, 2);
	assert_int_equal(vm3.vttbr >> VTTBR_VMID_SHIFT, 3);
	/* RAM: the ranges a VM keeps, and stage 2 over all of them; devices as devices */
	assert_int_equal(vm2.nr_ram, VM_MAX_RAM);
	assert_int_not_equal(s2_desc(&vm2, RAM2 + (NR_RAM2 - 1) * 0x200000), 0);
	assert_int_not_equal(s2_desc(&vm2, DEV2 + 0x10000), 0);
	assert_int_equal(S2_MEMATTR(s2_desc(&vm2, DEV2 + 0x10000)),
			 S2_MEMATTR(s2_desc(&vm2, DEV2)));
	assert_int_not_equal(S2_MEMATTR(s2_desc(&vm2, DEV2)), S2_MEMATTR(s2_desc(&vm2, RAM2)));
	/* a GICv2 guest: its GICC is the GICV, both pages; a 4 KiB GICD and no GICR */
	assert_int_equal(S2_OA(s2_desc(&vm2, GICC)), GICV);
	assert_int_equal(S2_OA(s2_desc(&vm2, GICC + 0x1000)), GICV + 0x1000);
	assert_non_null(mmio_find(&vm2.mmio, GICD, 4));
	assert_null(mmio_find(&vm2.mmio, GICD + 0x1000, 4));
	assert_null(mmio_find(&vm2.mmio, GICR, 4));
	/* no doorbell nor virtual console asked for: nothing at 0 */
	assert_null(mmio_find(&vm2.mmio, 0, 4));
	/* each SPI with its own mode and trigger */
	c = vgic_get_virq(&vm2.vgic, NULL, SPI_C);
	d = vgic_get_virq(&vm2.vgic, NULL, SPI_D);
	e = vgic_get_virq(&vm2.vgic, NULL, SPI_E);
	assert_non_null(c);
	assert_non_null(d);
	assert_non_null(e);
	assert_true(c->hw);
	assert_false(d->hw || d->edge);
	assert_true(d->eoi_notify);
	assert_true(e->edge && e->eoi_notify);
	assert_ptr_equal(vm_handle_spi(SPI_E), &vm2);
	/* another guest's SPI is not its to count */
	assert_false(vm_spi_counter(&vm2, SPI, SKIFF_CNT_SPI_TAKEN, &n));
	assert_true(vm_spi_counter(&vm2, SPI_E, SKIFF_CNT_SPI_TAKEN, &n));
	/* a hw SPI's injections by the fast path (vectors.S counts them in its CPU's table)
	 * count as taken and injected, and as nothing else */
	for (i = SKIFF_CNT_SPI_TAKEN; i <= SKIFF_CNT_SPI_UNMASKED; i++)
		assert_true(vm_spi_counter(&vm2, SPI_C, i, &before[i]));
	assert_non_null(cpus[2].fast.table_v2);
	cpus[2].fast.table_v2[SPI_C].count += 5;
	for (i = SKIFF_CNT_SPI_TAKEN; i <= SKIFF_CNT_SPI_UNMASKED; i++) {
		assert_true(vm_spi_counter(&vm2, SPI_C, i, &n));
		assert_int_equal(
			n,
			before[i] +
				(i == SKIFF_CNT_SPI_TAKEN || i == SKIFF_CNT_SPI_INJECTED ? 5 : 0));
	}
	cpus[2].fast.table_v2[SPI_C].count -= 5;
	/* its start wakes its first vCPU, on its CPU */
	memset(kicks, 0, sizeof(kicks));
	vm_start(&vm2, RAM2, 0);
	assert_int_equal(kicks[2], 1);
}

/* Stopping or restarting one guest leaves the other's devices as they are. */
static void test_guests_apart(void **state)
{
	uint64_t before = 0, after = 0;

	(void)state;
	vm_quiesce(&vm2);
	assert_true(vm_spi_counter(&vm, SPI, SKIFF_CNT_SPI_TAKEN, &before));
	vm_handle_spi(SPI); /* guest@0's, still running: taken */
	assert_true(vm_spi_counter(&vm, SPI, SKIFF_CNT_SPI_TAKEN, &after));
	assert_int_equal(after, before + 1);
	vm_quiesce(&vm);
	vm_start(&vm2, RAM2, 0);
	vm_handle_spi(SPI); /* guest@0's, still quiesced: ended, not taken */
	assert_true(vm_spi_counter(&vm, SPI, SKIFF_CNT_SPI_TAKEN, &before));
	assert_int_equal(before, after);
	vm_start(&vm, ENTRY, CONTEXT);
	free(qemu_gicd);
}

/*
 * An eoi SPI's fire on a GICv3 may sit in an LR the assembly wrote (hyp/core/fastirq.c), known to
 * no list: when its entry there closes (the guest disables it), that vCPU is kicked so that its
 * fold shows the model the LR, as a flushed LR's owner is; a change that leaves the entry open
 * kicks nobody.
 */
static void test_fast_entry_closed_kicks(void **state)
{
	struct virq *v = vgic_get_virq(&vm.vgic, NULL, SPI);
	unsigned int i, sum;

	(void)state;
	gicd_write(GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1);
	gicd_write(GICD_IGROUPR + 4, 1u << (SPI % 32));
	gicd_write(GICD_IROUTER + 8 * SPI, 1); /* vCPU 1: not this CPU's (cpu_self's) */
	gicd_write(GICD_ISENABLER + 4, 1u << (SPI % 32));
	assert_null(v->ap_owner);
	assert_ptr_equal(v->target, &vm.vcpus[1].vgic);
	memset(kicks, 0, sizeof(kicks));
	gicd_write(GICD_IPRIORITYR + SPI, 0x40); /* the entry stays open: nobody kicked */
	for (i = sum = 0; i < SKIFF_MAX_CPUS; i++)
		sum += kicks[i];
	assert_int_equal(sum, 0);
	gicd_write(GICD_ICENABLER + 4, 1u << (SPI % 32)); /* closed on vCPU 1's CPU */
	assert_int_equal(kicks[vm.vcpus[1].pcpu], 1);
	for (i = sum = 0; i < SKIFF_MAX_CPUS; i++)
		sum += kicks[i];
	assert_int_equal(sum, 1);
	gicd_write(GICD_ICENABLER + 4, 1u << (SPI % 32)); /* closed already: nobody */
	assert_int_equal(kicks[vm.vcpus[1].pcpu], 1);
	gicd_write(GICD_CTLR, 0);
}

/* ---- a channel's doorbells (hyp/emul/channel.c): guest@1 and guest@2 ring each other */

/* A 32-bit or narrower access to a guest's MMIO page, through its own bus. */
static uint64_t vm_read(struct vm *v, uint64_t ipa, unsigned int width)
{
	const struct mmio_region *r = mmio_find(&v->mmio, ipa, width);
	uint64_t val = 0xdeadbeefull;

	assert_non_null(r);
	assert_int_equal(r->read(r->ctx, &v->vcpus[0], ipa - r->base, width, &val), MMIO_OK);
	return val;
}

static void vm_write(struct vm *v, uint64_t ipa, unsigned int width, uint64_t val)
{
	const struct mmio_region *r = mmio_find(&v->mmio, ipa, width);

	assert_non_null(r);
	assert_int_equal(r->write(r->ctx, &v->vcpus[0], ipa - r->base, width, val), MMIO_OK);
}

static bool latched(struct vm *v, uint32_t intid)
{
	struct virq *q = vgic_get_virq(&v->vgic, NULL, intid);

	assert_non_null(q);
	return q->pending_latch;
}

static void test_channel(void **state)
{
	struct virq *q2 = vgic_get_virq(&vm2.vgic, NULL, CHAN_SPI2);
	struct virq *q3 = vgic_get_virq(&vm3.vgic, NULL, CHAN_SPI3);
	struct virq *c = vgic_get_virq(&vm2.vgic, NULL, SPI_C);
	unsigned int k;

	(void)state;
	/* each end: a page of its own guest's, an edge SPI whose LRs carry the EOI bit (a ring
	 * while it is in one sets its latch and waits for the deactivation: channel_write) */
	assert_non_null(q2);
	assert_non_null(q3);
	assert_true(q2->edge && q3->edge);
	assert_true(q2->eoi_notify && q3->eoi_notify);
	assert_non_null(mmio_find(&vm2.mmio, CHAN_DB2 + CHANNEL_DB_SIZE - 4, 4));
	assert_null(mmio_find(&vm2.mmio, CHAN_DB2 + CHANNEL_DB_SIZE, 4));
	assert_null(mmio_find(&vm2.mmio, CHAN_DB3, 4));
	assert_null(mmio_find(&vm3.mmio, CHAN_DB2, 4));
	assert_int_equal(vm_read(&vm2, CHAN_DB2 + CHANNEL_HEARD, 4), 0);
	assert_int_equal(vm_read(&vm3, CHAN_DB3 + CHANNEL_HEARD, 4), 0);

	/* guest@1 rings: guest@2's line pends, guest@1's does not; guest@2 heard one */
	vm_write(&vm2, CHAN_DB2 + CHANNEL_RING, 4, 1);
	assert_true(latched(&vm3, CHAN_SPI3));
	assert_false(latched(&vm2, CHAN_SPI2));
	assert_int_equal(vm_read(&vm3, CHAN_DB3 + CHANNEL_HEARD, 4), 1);
	assert_int_equal(vm_read(&vm2, CHAN_DB2 + CHANNEL_HEARD, 4), 0);
	assert_false(spin_is_locked(&q3->lock));
	/* not a 32-bit write of RING: ignored */
	vm_write(&vm2, CHAN_DB2 + CHANNEL_RING, 2, 1);
	vm_write(&vm2, CHAN_DB2 + CHANNEL_HEARD, 4, 1);
	vm_write(&vm2, CHAN_DB2 + 0x100, 4, 1);
	assert_int_equal(vm_read(&vm3, CHAN_DB3 + CHANNEL_HEARD, 4), 1);
	/* reads other than a 32-bit HEARD are 0 */
	assert_int_equal(vm_read(&vm3, CHAN_DB3 + CHANNEL_RING, 4), 0);
	assert_int_equal(vm_read(&vm3, CHAN_DB3 + 0x100, 4), 0);
	assert_int_equal(vm_read(&vm3, CHAN_DB3 + CHANNEL_HEARD, 2), 0);

	/* guest@2 rings back, three times: counted three times, pending once */
	for (k = 0; k < 3; k++)
		vm_write(&vm3, CHAN_DB3 + CHANNEL_RING, 4, 0);
	assert_true(latched(&vm2, CHAN_SPI2));
	assert_int_equal(vm_read(&vm2, CHAN_DB2 + CHANNEL_HEARD, 4), 3);
	assert_int_equal(vm_read(&vm3, CHAN_DB3 + CHANNEL_HEARD, 4), 1);

	/* guest@2 restarts: its end counts from 0 again and its line is down; guest@1's end
	 * keeps what it heard, and its line stays pending */
	vm_quiesce(&vm3);
	assert_int_equal(vm_read(&vm3, CHAN_DB3 + CHANNEL_HEARD, 4), 0);
	assert_false(latched(&vm3, CHAN_SPI3));
	assert_true(q3->edge); /* the reset keeps the trigger */
	assert_int_equal(vm_read(&vm2, CHAN_DB2 + CHANNEL_HEARD, 4), 3);
	assert_true(latched(&vm2, CHAN_SPI2));
	vm_quiesce(&vm2);
	assert_int_equal(vm_read(&vm2, CHAN_DB2 + CHANNEL_HEARD, 4), 0);

	/* guest@2 enables its doorbell: a ring kicks its CPU once; more rings while the line is
	 * still pending count, but neither pend it again nor kick again */
	vm_write(&vm3, GICD + GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
	vm_write(&vm3, GICD + GICD_ISENABLER + 4 * (CHAN_SPI3 / 32), 4, 1u << (CHAN_SPI3 % 32));
	memset(kicks, 0, sizeof(kicks));
	for (k = 0; k < 3; k++)
		vm_write(&vm2, CHAN_DB2 + CHANNEL_RING, 4, 1);
	assert_true(latched(&vm3, CHAN_SPI3));
	assert_int_equal(vm_read(&vm3, CHAN_DB3 + CHANNEL_HEARD, 4), 3);
	assert_int_equal(kicks[3], 1);
	assert_int_equal(kicks[0] + kicks[1] + kicks[2], 0);
	vm_quiesce(&vm3);

	/* an end whose peer is not attached yet: a ring neither pends nor counts anything, and
	 * the peer attached later starts from 0 */
	assert_int_equal(channel_attach(0, 0, &vm2.mmio, &vm2.vgic, CHAN_DB2 + 0x10000, 142), 0);
	vm_write(&vm2, CHAN_DB2 + 0x10000 + CHANNEL_RING, 4, 1);
	assert_int_equal(vm_read(&vm2, CHAN_DB2 + 0x10000 + CHANNEL_HEARD, 4), 0);
	assert_false(latched(&vm2, 142));
	assert_int_equal(channel_attach(0, 1, &vm3.mmio, &vm3.vgic, CHAN_DB3 + 0x10000, 142), 0);
	assert_int_equal(vm_read(&vm3, CHAN_DB3 + 0x10000 + CHANNEL_HEARD, 4), 0);
	vm_write(&vm3, CHAN_DB3 + 0x10000 + CHANNEL_RING, 4, 1);
	assert_true(latched(&vm2, 142));
	assert_false(latched(&vm3, 142));
	/* an SPI the guest already has for something else: refused, left as it was */
	assert_int_equal(channel_attach(1, 0, &vm2.mmio, &vm2.vgic, CHAN_DB2 + 0x20000, SPI_C), -1);
	assert_true(c->hw);
	assert_false(c->edge);
	assert_null(mmio_find(&vm2.mmio, CHAN_DB2 + 0x20000, 4));
}

/* ---- the limit on devices with interrupts, all guests together (runs last: it stops in the
 * middle of building guest@3) */

#define SPI_MANY 150 /* guest@3's devices' SPIs, one each */

static void test_irq_devices_limit(void **state)
{
	static struct vm vm4;
	static struct assignment a4;
	jmp_buf halted;
	uint64_t n;
	unsigned int i, nr = ASSIGN_MAX_IRQ_DEVICES + 1 - 3; /* guest@0 has 1, guest@1 2 */

	(void)state;
	assert_true(SPI_MANY + nr <= vm_boot_nr_intids);
	snprintf(cfg.guest[3].name, sizeof(cfg.guest[3].name), "guest@3");
	cfg.nr_guests = 4;
	a4.nr_cpus = 1;
	a4.cpu_mpidr[0] = 3;
	a4.nr_mem = 1;
	a4.mem[0] = (struct plat_range){ RAM2 + 0x8000000, 0x100000 };
	a4.nr_devices = nr;
	a4.nr_spis = nr;
	for (i = 0; i < nr; i++) {
		a4.dev[i] = (struct assign_device){ .first_spi = i, .nr_spi = 1 };
		a4.spi[i] = (struct assign_spi){ .intid = SPI_MANY + i, .mode = IRQ_MODE_EOI };
	}
	halt_to = &halted;
	if (!setjmp(halted)) {
		vm_create(&vm4, 3, &cfg, &a4, &ops);
		halt_to = NULL;
		fail_msg("a device with interrupts past the %d slots was taken",
			 ASSIGN_MAX_IRQ_DEVICES);
	}
	halt_to = NULL;
	assert_non_null(
		strstr(fake_console_text(), "guest@3: more than 128 devices with interrupts"));
	/* every slot was used: the last device that fitted is guest@3's, the next is nobody's */
	assert_true(vm_spi_counter(&vm4, SPI_MANY + nr - 2, SKIFF_CNT_SPI_TAKEN, &n));
	assert_false(vm_spi_counter(&vm4, SPI_MANY + nr - 1, SKIFF_CNT_SPI_TAKEN, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_stop_vcpus),
		cmocka_unit_test(test_wait_parked),
		cmocka_unit_test(test_quiesce),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_deactivate_phys),
		cmocka_unit_test(test_handle_spi),
		cmocka_unit_test(test_quiesce_timers_console),
		cmocka_unit_test(test_more_guests),
		cmocka_unit_test(test_channel),
		cmocka_unit_test(test_guests_apart),
		cmocka_unit_test(test_fast_entry_closed_kicks),
		cmocka_unit_test(test_irq_devices_limit),
	};

	return cmocka_run_group_tests_name("vm", tests, group_setup, NULL);
}
