/*
 * test_trap.c - hyp/exit/trap.c's dispatch of guest exits by exception class, with the real
 * abort decoder, MMIO bus, PMU/debug emulators and log, and fakes for what lies outside:
 * the injection of aborts and UNDEFs (arch), skiff's hypercalls, PSCI and the vGIC's SGIs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/arm64/aarch32.h"
#include "arch/arm64/debug_regs.h"
#include "arch/arm64/pmu_regs.h"
#include "hyp/core/vm.h"
#include "hyp/emul/abort.h"
#include "hyp/emul/sysreg_trap.h"
#include "hyp/exit/hvc.h"
#include "hyp/exit/psci.h"
#include "hyp/exit/trap.h"
#include "lib/log.h"
#include "tests/unit/fake_console.h"
#include "tests/unit/fake_cpu.h"

#define EC_WFX 0x01u
#define EC_HVC64 0x16u
#define EC_SMC64 0x17u
#define EC_SYS64 0x18u
#define EC_IABT_LOW 0x20u
#define EC_UNKNOWN_HERE 0x07u /* SVE/SIMD access: nothing skiff handles */
#define DEV_BASE 0x0b000000ull
#define DEV_SIZE 0x1000ull
#define PC 0x40080000ull
#define SLOT_SYNC EXC_LOWER64_SYNC
#define SLOT_IRQ (EXC_LOWER64_SYNC + 1)
#define SLOT_FIQ (EXC_LOWER64_SYNC + 2)
#define SLOT_SERROR (EXC_LOWER64_SYNC + 3)
#define SLOT_A32_IRQ (EXC_LOWER64_SYNC + 5)
#define SKIFF_FID 0xc6000000u /* SKIFF_HVC_VERSION's range (fake hvc_owns) */
#define PSCI_FID 0x84000000u  /* PSCI_VERSION (fake psci_owns) */

static struct vm vm;
static struct vcpu *v;
static struct exc_frame f;

/* ---- fakes of what trap.c calls outside the units linked here */

static struct {
	unsigned int calls;
	uint64_t far;
	bool write, fetch;
} inj_abort;
static unsigned int inj_undef;

void vcpu_inject_abort(struct exc_frame *frame, uint64_t far, bool is_write, bool fetch)
{
	assert_ptr_equal(frame, &f);
	inj_abort.calls++;
	inj_abort.far = far;
	inj_abort.write = is_write;
	inj_abort.fetch = fetch;
}

void vcpu_inject_undef(struct exc_frame *frame)
{
	assert_ptr_equal(frame, &f);
	inj_undef++;
}

struct hvc_vm_info hvc_info;
static unsigned int hvc_calls;

bool hvc_owns(uint32_t fid)
{
	return (fid & 0xff000000u) == SKIFF_FID;
}

void hvc_handle(struct vcpu *vc, struct exc_frame *frame)
{
	assert_ptr_equal(vc, v);
	hvc_calls++;
	frame->x[0] = 0x5eed;
}

static struct {
	unsigned int calls;
	uint32_t fid;
	uint64_t a1, a2, a3;
} psci;

bool psci_owns(uint32_t fid)
{
	return (fid & 0xff000000u) == 0x84000000u || (fid & 0xff000000u) == 0xc4000000u;
}

struct psci_result psci_handle(struct vm *m, struct vcpu *caller, uint32_t fid, uint64_t a1,
			       uint64_t a2, uint64_t a3)
{
	struct psci_result r = { 0x10001, PSCI_ACTION_RETURN };

	assert_ptr_equal(m, &vm);
	assert_ptr_equal(caller, v);
	psci.calls++;
	psci.fid = fid;
	psci.a1 = a1;
	psci.a2 = a2;
	psci.a3 = a3;
	return r;
}

static struct {
	unsigned int calls;
	uint64_t sgir;
	unsigned int group;
	unsigned int others_calls; /* vgic_sgi_others() */
	bool others_not_self;	   /* what it answers: the targets leave out the writer */
} sgi;

void vgic_sgi(struct vgic *vg, struct vgic_cpu *self, uint64_t sgir, unsigned int group)
{
	assert_ptr_equal(vg, &vm.vgic);
	assert_ptr_equal(self, &v->vgic);
	sgi.calls++;
	sgi.sgir = sgir;
	sgi.group = group;
}

bool vgic_sgi_others(struct vgic *vg, struct vgic_cpu *self, uint64_t sgir, unsigned int group)
{
	assert_ptr_equal(vg, &vm.vgic);
	assert_ptr_equal(self, &v->vgic);
	sgi.others_calls++;
	if (!sgi.others_not_self)
		return false;
	sgi.sgir = sgir;
	sgi.group = group;
	return true;
}

/* The PMU registers as the emulator reaches them: a register file, zero at each test's start;
 * the debug registers all zero, writes dropped. */
static uint64_t pmu_regs[PMU_NR_REGS];

static uint64_t pmu_read(enum pmu_reg r)
{
	return r < PMU_NR_REGS ? pmu_regs[r] : 0;
}

static void pmu_write(enum pmu_reg r, uint64_t val)
{
	if (r < PMU_NR_REGS)
		pmu_regs[r] = val;
}

const struct pmu_hw pmu_hw_cpu = { pmu_read, pmu_write };

static uint64_t dbg_read(enum debug_reg r, unsigned int n)
{
	(void)r;
	(void)n;
	return 0;
}

static void dbg_write(enum debug_reg r, unsigned int n, uint64_t val)
{
	(void)r;
	(void)n;
	(void)val;
}

static unsigned int dbg_count(void)
{
	return 2;
}

const struct debug_hw debug_hw_cpu = { dbg_read, dbg_write, dbg_count, dbg_count };

void cpu_halt(void) __attribute__((noreturn));
void cpu_halt(void)
{
	fail_msg("cpu_halt");
	abort();
}

/* ---- an emulated device at DEV_BASE */

static struct {
	unsigned int reads, writes;
	uint64_t offset, val;
	unsigned int width;
	int ret;
} dev;

static int dev_read(void *ctx, struct vcpu *vc, uint64_t offset, unsigned int width, uint64_t *val)
{
	(void)ctx;
	assert_ptr_equal(vc, v);
	dev.reads++;
	dev.offset = offset;
	dev.width = width;
	*val = dev.val;
	return dev.ret;
}

static int dev_write(void *ctx, struct vcpu *vc, uint64_t offset, unsigned int width, uint64_t val)
{
	(void)ctx;
	assert_ptr_equal(vc, v);
	dev.writes++;
	dev.offset = offset;
	dev.width = width;
	dev.val = val;
	return dev.ret;
}

static int setup(void **state)
{
	static const struct mmio_region r = {
		.base = DEV_BASE,
		.size = DEV_SIZE,
		.name = "testdev",
		.read = dev_read,
		.write = dev_write,
	};
	static unsigned int guest_id;

	(void)state;
	memset(&vm, 0, sizeof(vm));
	/* a fresh guest id per test: trap.c remembers the addresses it logged per guest */
	vm.id = guest_id++ % CONFIG_MAX_GUESTS;
	vm.name = "guest@0";
	vm.nr_vcpus = 1;
	v = &vm.vcpus[0];
	v->vm = &vm;
	assert_true(mmio_add(&vm.mmio, &r));
	memset(&f, 0, sizeof(f));
	f.elr = PC;
	memset(&inj_abort, 0, sizeof(inj_abort));
	inj_undef = hvc_calls = 0;
	memset(&psci, 0, sizeof(psci));
	memset(&sgi, 0, sizeof(sgi));
	memset(&dev, 0, sizeof(dev));
	memset(pmu_regs, 0, sizeof(pmu_regs));
	fake_cpu_reset();
	log_set_halt(cpu_halt);
	fake_console_install();
	return 0;
}

static uint64_t esr(unsigned int ec, uint32_t iss)
{
	return ((uint64_t)ec << ESR_EC_SHIFT) | ESR_IL | iss;
}

/* A data abort at ipa: sas 0..3 (1 to 8 bytes), register rt, write or read. */
static unsigned int dabt(uint64_t ipa, unsigned int sas, unsigned int rt, bool write)
{
	f.esr = esr(ESR_EC_DABT_LOW, (uint32_t)(ESR_ISS_ISV | ((uint64_t)sas << ESR_ISS_SAS_SHIFT) |
						((uint64_t)rt << ESR_ISS_SRT_SHIFT) | ESR_ISS_SF |
						(write ? ESR_ISS_WNR : 0)));
	f.far = 0xffff000012345000ull | (ipa & 0xfff);
	fake_sysreg_set("hpfar_el2", (ipa >> 12) << 4);
	return trap_handle(v, &f, SLOT_SYNC);
}

static uint32_t sysreg_iss(uint32_t key, unsigned int rt, bool read)
{
	return key | (rt << SYSREG_ISS_RT_SHIFT) | (read ? SYSREG_ISS_DIR_READ : 0);
}

/* ---- data aborts: the emulated device, and everything else */

static void test_mmio_write(void **state)
{
	(void)state;
	f.x[3] = 0x1122334455667788ull;
	assert_int_equal(dabt(DEV_BASE + 0x10, 2, 3, true), SKIFF_EXIT_MMIO);
	assert_int_equal(dev.writes, 1);
	assert_int_equal(dev.offset, 0x10);
	assert_int_equal(dev.width, 4);
	assert_int_equal(dev.val, 0x55667788); /* a 32-bit store writes the register's low word */
	assert_int_equal(f.elr, PC + 4);       /* done: the guest goes on after the store */
	assert_int_equal(v->exits[SKIFF_EXIT_MMIO], 1);
	assert_int_equal(inj_abort.calls, 0);
}

static void test_mmio_read(void **state)
{
	(void)state;
	dev.val = 0xab;
	f.x[5] = ~0ull;
	assert_int_equal(dabt(DEV_BASE + 0xff8, 3, 5, false), SKIFF_EXIT_MMIO);
	assert_int_equal(dev.reads, 1);
	assert_int_equal(dev.offset, 0xff8);
	assert_int_equal(dev.width, 8);
	assert_int_equal(f.x[5], 0xab);
	assert_int_equal(f.elr, PC + 4);
	/* a load into XZR reads the device and writes no register */
	f.elr = PC;
	assert_int_equal(dabt(DEV_BASE, 2, 31, false), SKIFF_EXIT_MMIO);
	assert_int_equal(dev.reads, 2);
	assert_int_equal(f.elr, PC + 4);
}

static void test_mmio_retry_and_refusal(void **state)
{
	(void)state;
	dev.ret = MMIO_RETRY; /* not ready: the guest executes the access again */
	assert_int_equal(dabt(DEV_BASE, 2, 0, true), SKIFF_EXIT_MMIO);
	assert_int_equal(f.elr, PC);
	assert_int_equal(inj_abort.calls, 0);
	dev.ret = MMIO_ABORT; /* the device refuses: an external abort, PC unchanged */
	assert_int_equal(dabt(DEV_BASE + 4, 2, 0, false), SKIFF_EXIT_MMIO);
	assert_int_equal(f.elr, PC);
	assert_int_equal(inj_abort.calls, 1);
	assert_false(inj_abort.write);
	assert_int_equal(fake_console_count("testdev at IPA 0xb000004"), 1);
}

static void test_unowned_address(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(dabt(0x09000000, 2, 1, true), SKIFF_EXIT_MMIO);
		assert_int_equal(inj_abort.calls, i + 1);
		assert_true(inj_abort.write);
		assert_false(inj_abort.fetch);
		assert_int_equal(inj_abort.far, f.far);
		assert_int_equal(f.elr, PC); /* the guest takes the abort at the access */
	}
	assert_int_equal(v->exits[SKIFF_EXIT_ABORT], 3);
	assert_int_equal(dev.reads + dev.writes, 0);
	/* logged once per address, however often the guest tries */
	assert_int_equal(fake_console_count("access to an address nobody owns at IPA 0x9000000"),
			 1);
	/* an access that straddles the device's end reaches no handler either */
	assert_int_equal(dabt(DEV_BASE + DEV_SIZE - 4, 3, 1, false), SKIFF_EXIT_MMIO);
	assert_int_equal(inj_abort.calls, 4);
	assert_int_equal(dev.reads + dev.writes, 0);
}

static void test_undecodable(void **state)
{
	(void)state;
	/* no instruction syndrome (ISV 0: a pair or exclusive access): abort, nothing called */
	f.esr = esr(ESR_EC_DABT_LOW, ESR_ISS_WNR);
	fake_sysreg_set("hpfar_el2", (DEV_BASE >> 12) << 4);
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_MMIO);
	assert_int_equal(inj_abort.calls, 1);
	assert_int_equal(dev.reads + dev.writes, 0);
	assert_int_equal(fake_console_count("access skiff cannot decode"), 1);
}

static void test_instruction_fetch(void **state)
{
	(void)state;
	f.esr = esr(EC_IABT_LOW, 0x10);
	f.far = 0x7000000;
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_ABORT);
	assert_int_equal(inj_abort.calls, 1);
	assert_true(inj_abort.fetch);
	assert_int_equal(inj_abort.far, 0x7000000);
	assert_int_equal(v->exits[SKIFF_EXIT_ABORT], 1);
}

/* ---- calls */

static void test_hvc(void **state)
{
	(void)state;
	/* skiff's own */
	f.esr = esr(EC_HVC64, 0);
	f.x[0] = SKIFF_FID;
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_HVC);
	assert_int_equal(hvc_calls, 1);
	assert_int_equal(f.x[0], 0x5eed);
	assert_int_equal(f.elr, PC); /* HVC's preferred return is already the next instruction */
	/* PSCI, with its three arguments */
	f.x[0] = PSCI_FID;
	f.x[1] = 1;
	f.x[2] = 2;
	f.x[3] = 3;
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_HVC);
	assert_int_equal(psci.calls, 1);
	assert_int_equal(psci.fid, PSCI_FID);
	assert_int_equal(psci.a1 + psci.a2 * 10 + psci.a3 * 100, 321);
	assert_int_equal(f.x[0], 0x10001);
	/* nobody's: NOT_SUPPORTED, and nothing called */
	f.x[0] = 0x82000000;
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_HVC);
	assert_int_equal(f.x[0], (uint64_t)-1);
	/* an HVC with an immediate other than 0 is no SMCCC call */
	f.esr = esr(EC_HVC64, 1);
	f.x[0] = PSCI_FID;
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_HVC);
	assert_int_equal(f.x[0], (uint64_t)-1);
	assert_int_equal(psci.calls, 1);
	assert_int_equal(hvc_calls, 1);
	assert_int_equal(v->exits[SKIFF_EXIT_HVC], 4);
}

static void test_smc(void **state)
{
	(void)state;
	/* a trapped SMC returns to itself: skiff steps over it, then handles it as a call */
	f.esr = esr(EC_SMC64, 0);
	f.x[0] = PSCI_FID;
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_SMC);
	assert_int_equal(f.elr, PC + 4);
	assert_int_equal(psci.calls, 1);
	assert_int_equal(f.x[0], 0x10001);
	f.x[0] = 0xc2000001; /* a firmware call skiff does not own never reaches the firmware */
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_SMC);
	assert_int_equal(f.x[0], (uint64_t)-1);
	assert_int_equal(v->exits[SKIFF_EXIT_SMC], 2);
}

/* ---- trapped system registers */

static void test_sgi_registers(void **state)
{
	static const struct {
		uint32_t key;
		unsigned int group;
	} regs[] = {
		{ SYSREG_KEY(3, 0, 12, 11, 5), 1 }, /* ICC_SGI1R_EL1 */
		{ SYSREG_KEY(3, 0, 12, 11, 6), 0 }, /* ICC_ASGI1R_EL1 */
		{ SYSREG_KEY(3, 0, 12, 11, 7), 0 }, /* ICC_SGI0R_EL1 */
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		f.elr = PC;
		f.x[7] = 0x10000ull * (i + 1) | 1;
		f.esr = esr(EC_SYS64, sysreg_iss(regs[i].key, 7, false));
		assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_SYSREG);
		assert_int_equal(sgi.calls, i + 1);
		assert_int_equal(sgi.sgir, 0x10000ull * (i + 1) | 1);
		assert_int_equal(sgi.group, regs[i].group);
		assert_int_equal(f.elr, PC + 4);
	}
	/* XZR as the source writes 0 (not what the frame holds after X30) */
	f.entry_cycles = 0x10000ull | 1;
	f.esr = esr(EC_SYS64, sysreg_iss(regs[0].key, 31, false));
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(sgi.sgir, 0);
	/* reading an SGI register (write-only) is UNDEF */
	f.elr = PC;
	f.esr = esr(EC_SYS64, sysreg_iss(regs[0].key, 7, true));
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(inj_undef, 1);
	assert_int_equal(sgi.calls, 4);
	assert_int_equal(f.elr, PC);
}

/* An SGI to other vCPUs only is handled before the fold (trap_handle_unfolded); anything else,
 * an SGI that reaches the writer too included, is left for the general exit untouched. */
static void test_sgi_unfolded(void **state)
{
	static const struct {
		uint32_t key;
		unsigned int group;
	} regs[] = {
		{ SYSREG_KEY(3, 0, 12, 11, 5), 1 }, /* ICC_SGI1R_EL1 */
		{ SYSREG_KEY(3, 0, 12, 11, 6), 0 }, /* ICC_ASGI1R_EL1 */
		{ SYSREG_KEY(3, 0, 12, 11, 7), 0 }, /* ICC_SGI0R_EL1 */
	};
	unsigned int i;

	(void)state;
	sgi.others_not_self = true;
	for (i = 0; i < 3; i++) {
		f.elr = PC;
		f.x[9] = 0x20000ull * (i + 1) | 2;
		f.esr = esr(EC_SYS64, sysreg_iss(regs[i].key, 9, false));
		assert_true(trap_handle_unfolded(v, &f, SLOT_SYNC));
		assert_int_equal(sgi.others_calls, i + 1);
		assert_int_equal(sgi.sgir, 0x20000ull * (i + 1) | 2);
		assert_int_equal(sgi.group, regs[i].group);
		assert_int_equal(f.elr, PC + 4);
		assert_int_equal(v->exits[SKIFF_EXIT_SYSREG], i + 1);
	}
	assert_int_equal(sgi.calls, 0); /* not vgic_sgi(): the general path's */

	/* the targets include the writer: nothing done, the general exit's to handle */
	sgi.others_not_self = false;
	f.elr = PC;
	f.esr = esr(EC_SYS64, sysreg_iss(regs[0].key, 9, false));
	assert_false(trap_handle_unfolded(v, &f, SLOT_SYNC));
	assert_int_equal(f.elr, PC);
	assert_int_equal(v->exits[SKIFF_EXIT_SYSREG], 3);

	/* not an SGI write: never looked at as one */
	sgi.others_not_self = true;
	f.esr = esr(EC_SYS64, sysreg_iss(regs[0].key, 9, true)); /* a read: UNDEF, later */
	assert_false(trap_handle_unfolded(v, &f, SLOT_SYNC));
	f.esr = esr(EC_SYS64, sysreg_iss(SYSREG_KEY(3, 3, 9, 12, 0), 9, false)); /* PMCR_EL0 */
	assert_false(trap_handle_unfolded(v, &f, SLOT_SYNC));
	f.esr = esr(EC_HVC64, 0);
	assert_false(trap_handle_unfolded(v, &f, SLOT_SYNC));
	f.esr = esr(EC_SYS64, sysreg_iss(regs[0].key, 9, false));
	assert_false(trap_handle_unfolded(v, &f, SLOT_SYNC + 1)); /* an IRQ exit, ESR stale */
	assert_int_equal(sgi.others_calls, 4);
	assert_int_equal(f.elr, PC);
	assert_int_equal(v->exits[SKIFF_EXIT_SYSREG], 3);
}

static void test_ras_and_unknown_registers(void **state)
{
	(void)state;
	/* FEAT_RAS error records: none, so ERRIDR_EL1 and ERX* read 0 and ignore writes */
	f.x[2] = 0xdead;
	f.esr = esr(EC_SYS64, sysreg_iss(SYSREG_KEY(3, 0, 5, 3, 0), 2, true)); /* ERRIDR_EL1 */
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(f.x[2], 0);
	assert_int_equal(f.elr, PC + 4);
	f.x[2] = 0xbeef; /* a write leaves the source register as it was */
	f.esr = esr(EC_SYS64, sysreg_iss(SYSREG_KEY(3, 0, 5, 4, 3), 2, false)); /* ERXADDR_EL1 */
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(f.elr, PC + 8);
	assert_int_equal(f.x[2], 0xbeef);
	f.x[4] = 0xdead;
	f.esr = esr(EC_SYS64, sysreg_iss(SYSREG_KEY(3, 0, 5, 5, 0), 4, true)); /* ERXMISC0_EL1 */
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(f.x[4], 0);
	assert_int_equal(f.elr, PC + 12);
	assert_int_equal(inj_undef, 0);
	/* a register nobody emulates: UNDEF, the register untouched, PC unchanged */
	f.elr = PC;
	f.x[2] = 0xdead;
	f.esr = esr(EC_SYS64, sysreg_iss(SYSREG_KEY(3, 0, 5, 2, 0), 2, true)); /* ESR_EL1's */
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(inj_undef, 1);
	assert_int_equal(f.x[2], 0xdead);
	assert_int_equal(f.elr, PC);
	assert_int_equal(v->exits[SKIFF_EXIT_UNDEF], 1);
	assert_int_equal(v->exits[SKIFF_EXIT_SYSREG], 4);
}

/* ---- exits from an AArch32 EL1 (slot 12; the registers of its mode, Thumb lengths) */

#define EC_CP15_32 0x03u
#define EC_CP15_64 0x04u
#define EC_HVC32 0x12u
#define EC_SMC32 0x13u
#define SLOT_A32_SYNC (EXC_LOWER64_SYNC + 4)
#define SVC_ARM (A32_MODE_SVC | A32_PSR_A | A32_PSR_I)
#define SVC_THUMB (SVC_ARM | A32_PSR_T)
#define COND_AL (A32_ISS_CV | (0xeu << A32_ISS_COND_SHIFT))
#define COND_EQ (A32_ISS_CV | (0x0u << A32_ISS_COND_SHIFT))

static uint64_t esr32(unsigned int ec, uint32_t iss, bool il32)
{
	return ((uint64_t)ec << ESR_EC_SHIFT) | (il32 ? ESR_IL : 0) | iss;
}

/* A 32-bit data abort from AArch32 at ipa, SRT rt as the ESR gives it */
static unsigned int dabt32(uint64_t ipa, unsigned int rt, bool write, bool il32)
{
	f.esr = esr32(ESR_EC_DABT_LOW,
		      (uint32_t)(ESR_ISS_ISV | (2ull << ESR_ISS_SAS_SHIFT) |
				 ((uint64_t)rt << ESR_ISS_SRT_SHIFT) | (write ? ESR_ISS_WNR : 0)),
		      il32);
	f.far = ipa;
	fake_sysreg_set("hpfar_el2", (ipa >> 12) << 4);
	return trap_handle(v, &f, SLOT_A32_SYNC);
}

static void test_a32_mmio(void **state)
{
	(void)state;
	/* a 16-bit Thumb store (IL 0): ELR moves 2 */
	f.spsr = SVC_THUMB;
	f.x[1] = 0xffffffff12345678ull;
	assert_int_equal(dabt32(DEV_BASE + 8, 1, true, false), SKIFF_EXIT_MMIO);
	assert_int_equal(dev.val, 0x12345678);
	assert_int_equal(f.elr, PC + 2);
	/* an ARM load into LR (r14) in Supervisor mode: LR_svc is X18; r13 is SP_svc, X19 */
	f.elr = PC;
	f.spsr = SVC_ARM;
	dev.val = 0xcafe;
	assert_int_equal(dabt32(DEV_BASE, 14, false, true), SKIFF_EXIT_MMIO);
	assert_int_equal(f.x[18], 0xcafe);
	assert_int_equal(f.x[14], 0);
	assert_int_equal(f.elr, PC + 4);
	assert_int_equal(dabt32(DEV_BASE, 13, false, true), SKIFF_EXIT_MMIO);
	assert_int_equal(f.x[19], 0xcafe);
	/* the architecture's AArch64 view (SRT 18 for LR_svc) is taken as it is */
	f.x[18] = 0;
	assert_int_equal(dabt32(DEV_BASE, 18, false, true), SKIFF_EXIT_MMIO);
	assert_int_equal(f.x[18], 0xcafe);
	/* SRT 31 (no AArch32 register): a read lands nowhere */
	memset(f.x, 0, sizeof(f.x));
	f.entry_cycles = 0xc0c0; /* the word after x[30] */
	assert_int_equal(dabt32(DEV_BASE, 31, false, true), SKIFF_EXIT_MMIO);
	for (unsigned int i = 0; i < 31; i++)
		assert_int_equal(f.x[i], 0);
	assert_int_equal(f.entry_cycles, 0xc0c0);
	/* FIQ mode's r8 is X24 */
	f.spsr = A32_MODE_FIQ | A32_PSR_I | A32_PSR_F;
	f.x[24] = 0x88;
	assert_int_equal(dabt32(DEV_BASE + 4, 8, true, true), SKIFF_EXIT_MMIO);
	assert_int_equal(dev.val, 0x88);
	/* a 16-bit store in an IT block: 2 bytes on, the IT state stepped (ITT EQ: 0x0c, 0x18) */
	f.elr = PC;
	f.spsr = SVC_THUMB | (1u << 30) | (0x0cu << 8); /* Z, IT[7:2] = 000011 */
	assert_int_equal(dabt32(DEV_BASE, 1, true, false), SKIFF_EXIT_MMIO);
	assert_int_equal(f.elr, PC + 2);
	assert_int_equal(f.spsr, SVC_THUMB | (1u << 30) | (0x18u << 8));
	assert_int_equal(inj_abort.calls, 0);
	/* nobody's address: the abort injected at the access, PC unchanged */
	f.elr = PC;
	assert_int_equal(dabt32(0x0b100000, 0, false, false), SKIFF_EXIT_MMIO);
	assert_int_equal(inj_abort.calls, 1);
	assert_int_equal(f.elr, PC);
}

static void test_a32_calls(void **state)
{
	(void)state;
	/* HVC32 (ISS imm16 0) and SMC32: PSCI with 32-bit function IDs; SMC returns to itself */
	f.spsr = SVC_ARM;
	f.esr = esr32(EC_HVC32, 0, true);
	f.x[0] = PSCI_FID;
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_HVC);
	assert_int_equal(psci.calls, 1);
	assert_int_equal(f.elr, PC);
	f.esr = esr32(EC_HVC32, 1, true); /* HVC #1: no SMCCC call */
	f.x[0] = PSCI_FID;
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_HVC);
	assert_int_equal(f.x[0], (uint64_t)-1);
	f.esr = esr32(EC_SMC32, 0, true);
	f.x[0] = PSCI_FID;
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SMC);
	assert_int_equal(psci.calls, 2);
	assert_int_equal(f.elr, PC + 4);
	/* a 64-bit call from AArch32 (SMC64 PSCI, skiff's own): NOT_SUPPORTED, nothing called */
	f.x[0] = 0xc4000003;
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SMC);
	assert_int_equal(f.x[0], (uint64_t)-1);
	f.esr = esr32(EC_HVC32, 0, true);
	f.x[0] = SKIFF_FID;
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_HVC);
	assert_int_equal(f.x[0], (uint64_t)-1);
	assert_int_equal(psci.calls + hvc_calls, 2);
	/* an SMC32 that may have failed its condition (CCKNOWNPASS): SMCEQ with Z clear is
	 * skipped, with Z set it is a call */
	f.elr = PC;
	f.esr = esr32(EC_SMC32, COND_EQ | A32_ISS_CCKNOWNPASS, true);
	f.x[0] = PSCI_FID;
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SMC);
	assert_int_equal(f.elr, PC + 4);
	assert_int_equal(f.x[0], PSCI_FID);
	assert_int_equal(psci.calls, 2);
	f.spsr = SVC_ARM | (1u << 30);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SMC);
	assert_int_equal(psci.calls, 3);
}

/* MCRR p15, opc1, Rt, Rt2, CRm / MRRC: ISS CV, COND, Opc1 [19:16], Rt2 [14:10], Rt [9:5],
 * CRm [4:1], Dir [0] */
static uint32_t mcrr_iss(unsigned int opc1, unsigned int rt, unsigned int rt2, unsigned int crm,
			 bool read)
{
	return COND_AL | (opc1 << 16) | (rt2 << 10) | (rt << 5) | (crm << 1) | (read ? 1u : 0);
}

static void test_a32_sgi_registers(void **state)
{
	unsigned int i;

	(void)state;
	f.spsr = SVC_ARM;
	for (i = 0; i < 3; i++) { /* ICC_SGI1R, ICC_ASGI1R, ICC_SGI0R */
		f.elr = PC;
		f.x[2] = 0xffffffff00000001ull | (i << 16); /* Rt: the low word */
		f.x[3] = 0x00010000 + i;		    /* Rt2: the high word */
		f.esr = esr32(EC_CP15_64, mcrr_iss(i, 2, 3, 12, false), true);
		assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
		assert_int_equal(sgi.calls, i + 1);
		assert_int_equal(sgi.sgir, (0x00010000ull + i) << 32 | 1u | (i << 16));
		assert_int_equal(sgi.group, i == 0);
		assert_int_equal(f.elr, PC + 4);
	}
	/* Rt2 = r14 in Supervisor mode is LR_svc (X18) */
	f.x[18] = 0x7;
	f.esr = esr32(EC_CP15_64, mcrr_iss(0, 2, 14, 12, false), true);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(sgi.sgir >> 32, 7);
	/* register numbers past X30 (no AArch32 register has one): zero, never out of the frame */
	f.x[2] = 0x5;
	f.esr = esr32(EC_CP15_64, mcrr_iss(0, 2, 31, 12, false), true);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(sgi.sgir, 0x5);
	f.esr = esr32(EC_CP15_64, mcrr_iss(0, 2, 14, 12, false), true);
	/* before the fold, to other vCPUs only; from slot 12 too */
	sgi.others_not_self = true;
	f.elr = PC;
	assert_true(trap_handle_unfolded(v, &f, SLOT_A32_SYNC));
	assert_int_equal(sgi.others_calls, 1);
	assert_int_equal(f.elr, PC + 4);
	/* a failed condition: skipped, no SGI, on both paths */
	f.elr = PC;
	f.esr = esr32(EC_CP15_64, (mcrr_iss(0, 2, 3, 12, false) & ~(0xfu << 20)) | COND_EQ, true);
	assert_false(trap_handle_unfolded(v, &f, SLOT_A32_SYNC));
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(sgi.calls, 5);
	assert_int_equal(f.elr, PC + 4);
	/* MRRC of them, or another 64-bit register (MCRR p15, 0, c2: TTBR0): UNDEF */
	f.elr = PC;
	f.esr = esr32(EC_CP15_64, mcrr_iss(0, 2, 3, 12, true), true);
	assert_false(trap_handle_unfolded(v, &f, SLOT_A32_SYNC));
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	f.esr = esr32(EC_CP15_64, mcrr_iss(0, 2, 3, 2, false), true);
	assert_false(trap_handle_unfolded(v, &f, SLOT_A32_SYNC));
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	f.esr = esr32(EC_CP15_64, mcrr_iss(3, 2, 3, 12, false), true);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(inj_undef, 3);
	assert_int_equal(sgi.calls, 5);
	assert_int_equal(f.elr, PC);
}

/* MCR/MRC p15: ISS CV, COND, Opc2 [19:17], Opc1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1] */
static uint32_t mcr_iss(unsigned int opc1, unsigned int crn, unsigned int crm, unsigned int opc2,
			unsigned int rt, bool read)
{
	return COND_AL | (opc2 << 17) | (opc1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) |
	       (read ? 1u : 0);
}

static void test_a32_cp15(void **state)
{
	(void)state;
	f.spsr = SVC_THUMB;
	/* ERRIDR (MRC p15, 0, r14, c5, c3, 0), T32: reads 0 into LR_svc, 4 bytes on */
	f.x[18] = 0xdead;
	f.esr = esr32(EC_CP15_32, mcr_iss(0, 5, 3, 0, 14, true), true);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(f.x[18], 0);
	assert_int_equal(f.elr, PC + 4);
	/* PMCR (MRC p15, 0, r1, c9, c12, 0) goes to the PMU emulator as PMCR_EL0 */
	f.x[1] = 0xdead;
	f.esr = esr32(EC_CP15_32, mcr_iss(0, 9, 12, 0, 1, true), true);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(inj_undef, 0);
	assert_int_equal(f.elr, PC + 8);
	/* a condition that fails (T32 CV 0: from ITSTATE, EQ with Z clear): skipped */
	f.spsr = SVC_THUMB | (0x08u << 8); /* IT 0x08: EQ, last in its block */
	f.x[1] = 0xdead;
	f.esr = esr32(EC_CP15_32, mcr_iss(0, 9, 12, 0, 1, true) & ~A32_ISS_CV, true);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(f.x[1], 0xdead);
	assert_int_equal(f.elr, PC + 12);
	assert_int_equal(f.spsr, SVC_THUMB);
	/* anything else: UNDEF, PC and registers as they were */
	f.elr = PC;
	f.esr = esr32(EC_CP15_32, mcr_iss(0, 1, 0, 0, 1, false), true); /* SCTLR */
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(inj_undef, 1);
	assert_int_equal(f.elr, PC);
	/* a 16-bit WFI (IL 0) steps 2 bytes */
	f.spsr = SVC_THUMB;
	f.esr = esr32(EC_WFX, COND_AL, false);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_OTHER);
	assert_int_equal(f.elr, PC + 2);
}

/* MCR/MRC move R[t], 32 bits (Arm ARM, MCR): a write takes X[t]'s low half, whatever an earlier
 * 64-bit value left in the high one; AArch32 PMCCNTR is PMCCNTR_EL0's low half, the high half
 * kept by a write */
static void test_a32_mcr_32_bits(void **state)
{
	(void)state;
	f.spsr = SVC_ARM;
	pmu_regs[PMU_PMCCNTR] = 0x0000000500000007ull;
	f.x[1] = 0xdead000000000001ull;
	f.esr = esr32(EC_CP15_32, mcr_iss(0, 9, 13, 0, 1, false), true); /* MCR PMCCNTR, r1 */
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(inj_undef, 0);
	assert_int_equal(pmu_regs[PMU_PMCCNTR], 0x0000000500000001ull);
	assert_int_equal(f.elr, PC + 4);
	/* MRC PMCCNTR, r2: the low half, the register's high half 0 */
	f.elr = PC;
	f.x[2] = ~0ull;
	f.esr = esr32(EC_CP15_32, mcr_iss(0, 9, 13, 0, 2, true), true);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(f.x[2], 0x00000001ull);
	/* another PMU register (PMSELR, c9 c12 5) takes the low half only */
	f.x[1] = 0xffffffff0000001full;
	f.esr = esr32(EC_CP15_32, mcr_iss(0, 9, 12, 5, 1, false), true);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(pmu_regs[PMU_PMSELR] >> 32, 0);
}

/* MRRC/MCRR p15, 0, Rt, Rt2, c9: the 64-bit PMCCNTR, Rt the low half, Rt2 the high */
static void test_a32_pmccntr_64(void **state)
{
	(void)state;
	f.spsr = SVC_ARM;
	pmu_regs[PMU_PMCCNTR] = 0x0000000912345678ull;
	f.x[1] = f.x[2] = ~0ull;
	f.esr = esr32(EC_CP15_64, mcrr_iss(0, 1, 2, 9, true), true);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(inj_undef, 0);
	assert_int_equal(f.x[1], 0x12345678);
	assert_int_equal(f.x[2], 0x9);
	assert_int_equal(f.elr, PC + 4);
	f.x[3] = 0xffffffff00000042ull; /* Rt: its low half */
	f.x[4] = 0x7;
	f.esr = esr32(EC_CP15_64, mcrr_iss(0, 3, 4, 9, false), true);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SYSREG);
	assert_int_equal(pmu_regs[PMU_PMCCNTR], 0x0000000700000042ull);
	/* opc1 1, CRm 9: no such register, UNDEF */
	f.esr = esr32(EC_CP15_64, mcrr_iss(1, 1, 2, 9, true), true);
	trap_handle(v, &f, SLOT_A32_SYNC);
	assert_int_equal(inj_undef, 1);
}

/* A T32 SMC in an IT block whose syndrome leaves the condition to ITSTATE (CCKNOWNPASS, CV 0):
 * the condition is the SMC's own, read before the skip steps ITSTATE to the next instruction */
static void test_a32_smc_it_condition(void **state)
{
	(void)state;
	f.spsr = SVC_THUMB | (0x0cu << 8); /* ITE EQ: this one EQ, the next NE; Z clear */
	f.esr = esr32(EC_SMC32, A32_ISS_CCKNOWNPASS, true);
	f.x[0] = PSCI_FID;
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SMC);
	assert_int_equal(f.elr, PC + 4);
	assert_int_equal(psci.calls, 0); /* failed: nothing */
	f.elr = PC;
	f.spsr = SVC_THUMB | (1u << 30) | (0x0cu << 8); /* Z set: passed */
	assert_int_equal(trap_handle(v, &f, SLOT_A32_SYNC), SKIFF_EXIT_SMC);
	assert_int_equal(psci.calls, 1);
}

/* MRC/MCR p14 (EC 0x05), LDC/STC p14 (0x06), MRRC p14 (0x0C): UNDEF when they pass their
 * condition, skipped (a NOP) when they fail it */
static void test_a32_cp14(void **state)
{
	static const unsigned int ecs[] = { 0x05, 0x06, 0x0c };
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		f.elr = PC;
		f.spsr = SVC_ARM; /* Z clear: EQ fails */
		f.esr = esr32(ecs[i], COND_EQ | (1u << 5) | 1u, true);
		trap_handle(v, &f, SLOT_A32_SYNC);
		assert_int_equal(inj_undef, i);
		assert_int_equal(f.elr, PC + 4);
		f.spsr = SVC_ARM | (1u << 30); /* Z set: passes */
		trap_handle(v, &f, SLOT_A32_SYNC);
		assert_int_equal(inj_undef, i + 1);
	}
}

/* ---- the rest */

static void test_wfx_and_unknown_class(void **state)
{
	(void)state;
	f.esr = esr(EC_WFX, 0); /* trapped WFI/WFE: a hint, stepped over */
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_OTHER);
	assert_int_equal(f.elr, PC + 4);
	assert_int_equal(inj_undef, 0);
	f.elr = PC;
	f.esr = esr(EC_UNKNOWN_HERE, 0);
	assert_int_equal(trap_handle(v, &f, SLOT_SYNC), SKIFF_EXIT_OTHER);
	assert_int_equal(inj_undef, 1);
	assert_int_equal(f.elr, PC);
	assert_int_equal(v->exits[SKIFF_EXIT_OTHER], 1);
	assert_int_equal(fake_console_count("unhandled trap ESR"), 1);
}

static void test_interrupt_slots(void **state)
{
	(void)state;
	/* an interrupt exit is only counted here: the run loop takes the interrupt */
	assert_int_equal(trap_handle(v, &f, SLOT_IRQ), SKIFF_EXIT_IRQ);
	assert_int_equal(trap_handle(v, &f, SLOT_A32_IRQ), SKIFF_EXIT_IRQ);
	assert_int_equal(v->exits[SKIFF_EXIT_IRQ], 2);
	assert_int_equal(f.elr, PC);
	/* FIQ and SError from the guest: counted and logged (limited), nothing injected */
	assert_int_equal(trap_handle(v, &f, SLOT_FIQ), SKIFF_EXIT_OTHER);
	assert_int_equal(trap_handle(v, &f, SLOT_SERROR), SKIFF_EXIT_OTHER);
	assert_int_equal(v->exits[SKIFF_EXIT_OTHER], 2);
	assert_int_equal(inj_abort.calls + inj_undef, 0);
	assert_int_equal(fake_console_count("fiq from a lower EL"), 1);
	assert_int_equal(fake_console_count("serror from a lower EL"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_mmio_write, setup),
		cmocka_unit_test_setup(test_mmio_read, setup),
		cmocka_unit_test_setup(test_mmio_retry_and_refusal, setup),
		cmocka_unit_test_setup(test_unowned_address, setup),
		cmocka_unit_test_setup(test_undecodable, setup),
		cmocka_unit_test_setup(test_instruction_fetch, setup),
		cmocka_unit_test_setup(test_hvc, setup),
		cmocka_unit_test_setup(test_smc, setup),
		cmocka_unit_test_setup(test_sgi_registers, setup),
		cmocka_unit_test_setup(test_sgi_unfolded, setup),
		cmocka_unit_test_setup(test_ras_and_unknown_registers, setup),
		cmocka_unit_test_setup(test_wfx_and_unknown_class, setup),
		cmocka_unit_test_setup(test_interrupt_slots, setup),
		cmocka_unit_test_setup(test_a32_mmio, setup),
		cmocka_unit_test_setup(test_a32_calls, setup),
		cmocka_unit_test_setup(test_a32_sgi_registers, setup),
		cmocka_unit_test_setup(test_a32_cp15, setup),
		cmocka_unit_test_setup(test_a32_mcr_32_bits, setup),
		cmocka_unit_test_setup(test_a32_pmccntr_64, setup),
		cmocka_unit_test_setup(test_a32_smc_it_condition, setup),
		cmocka_unit_test_setup(test_a32_cp14, setup),
	};

	return cmocka_run_group_tests_name("trap", tests, NULL, NULL);
}
