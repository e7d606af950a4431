/*
 * trap.c - dispatch of guest exits by exception class (ESR_EL2.EC, Arm ARM D17.2.37):
 * data aborts to the emulated device at that IPA, HVC/SMC to PSCI and SMCCC, trapped
 * ICC_SGI*R writes to the vGIC, physical IRQs to the EL2 handler. A guest can make skiff do
 * nothing but these; everything else is injected back into the guest. From an AArch32 guest
 * the same through its own classes (MCR/MRC, MCRR/MRRC, HVC32, SMC32), its registers mapped
 * and its trapped instructions skipped as arch/arm64/aarch32.h says.
 */
#include "hyp/exit/trap.h"
#include "arch/arm64/aarch32.h"
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
#define EC_CP15_32 0x03
#define EC_CP15_64 0x04
#define EC_CP14_32 0x05 /* MCR/MRC p14 */
#define EC_CP14_LS 0x06 /* LDC/STC p14 */
#define EC_CP14_64 0x0c /* MRRC p14 */
#define EC_HVC32 0x12
#define EC_SMC32 0x13
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYS64 0x18
#define EC_IABT_LOW 0x20
#define EC_DABT_LOW 0x24
#define ESR_HVC_IMM_MASK 0xffff
#define SMCCC_RET_NOT_SUPPORTED ((uint64_t)-1)
#define SMCCC_FN64 (1u << 30)
#define CP15_64_OPC1_SHIFT 16 /* MCRR/MRRC ISS: Opc1 [19:16], Rt2 [14:10], Rt [9:5], CRm [4:1] */
#define CP15_64_OPC1_MASK 0xf
#define CP15_64_RT2_SHIFT 10
#define CP15_64_CRM_MASK (0xfu << 1)
/* MCRR p15, <opc1>, Rt, Rt2, c12: ICC_SGI1R, ICC_ASGI1R, ICC_SGI0R */
#define CP15_64_CRM_ICC_SGI (12u << 1)
#define CP15_64_CRM_PMCCNTR (9u << 1) /* MRRC/MCRR p15, 0, Rt, Rt2, c9: the 64-bit PMCCNTR */
#define KEY_PMCCNTR_EL0 SYSREG_KEY(3, 3, 9, 13, 0)
#define CP15_32_KEY_MASK 0x0ffc1e /* MCR/MRC ISS: Opc2, Opc1, CRn, CRm as in EC 0x18's */

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

/* General-purpose register n of an exit's frame (0 for 31: XZR), AArch32 register numbers of
 * an exception from AArch32 mapped for its mode (aarch32.h: QEMU 7.2 gives a data abort's SRT
 * unmapped, the architecture mapped; mapping is the identity on mapped numbers). */
static unsigned int frame_reg(const struct exc_frame *f, unsigned int n)
{
	return __builtin_expect(f->spsr & A32_PSR_AARCH32, 0) ? a32_reg(f->spsr, n) : n;
}

static uint64_t reg_val(const struct exc_frame *f, unsigned int n)
{
	n = frame_reg(f, n);
	return n > 30 ? 0 : f->x[n];
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
	acc.reg = frame_reg(f, acc.reg);
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
	exc_skip_insn(f);
}

static void handle_call(struct vcpu *v, struct exc_frame *f)
{
	uint32_t fid = (uint32_t)f->x[0];
	struct psci_result r;

	/* SMCCC: a 64-bit call from AArch32 is not one it can make */
	if ((fid & SMCCC_FN64) && (f->spsr & A32_PSR_AARCH32)) {
		f->x[0] = SMCCC_RET_NOT_SUPPORTED;
		return;
	}
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

/*
 * A write to an SGI register: MSR ICC_SGI1R_EL1, ICC_ASGI1R_EL1 or ICC_SGI0R_EL1 (EC 0x18), or
 * from AArch32 MCRR p15, 0, 1 or 2, Rt, Rt2, c12 (EC 0x04: ICC_SGI1R, ICC_ASGI1R, ICC_SGI0R,
 * Rt2:Rt the 64-bit value): true with its value and group. Anything else: false.
 */
static bool sgi_write(const struct exc_frame *f, uint64_t *val, unsigned int *group)
{
	uint32_t iss = f->esr & ESR_ISS_MASK, key = iss & SYSREG_ISS_KEY_MASK;
	unsigned int rt = (iss >> SYSREG_ISS_RT_SHIFT) & SYSREG_ISS_RT_MASK;
	unsigned int ec = (f->esr >> ESR_EC_SHIFT) & ESR_EC_MASK;

	if (iss & SYSREG_ISS_DIR_READ)
		return false;
	if (ec == EC_CP15_64) {
		uint32_t opc1 = (iss >> CP15_64_OPC1_SHIFT) & CP15_64_OPC1_MASK;
		if ((iss & CP15_64_CRM_MASK) != CP15_64_CRM_ICC_SGI || opc1 > 2)
			return false;
		*group = opc1 == 0;
		*val = reg_val(f, (iss >> CP15_64_RT2_SHIFT) & SYSREG_ISS_RT_MASK) << 32 |
		       (uint32_t)reg_val(f, rt);
		return true;
	}
	if (ec != EC_SYS64)
		return false;
	if (key == KEY_ICC_SGI1R_EL1)
		*group = 1;
	else if (key == KEY_ICC_ASGI1R_EL1 || key == KEY_ICC_SGI0R_EL1)
		*group = 0;
	else
		return false;
	*val = rt == 31 ? 0 : f->x[rt];
	return true;
}

/* A trapped MSR/MRS (or MCR/MRC, as key and frame index rt): the SGI registers go to the vGIC,
 * the PMU and debug registers to their emulators (hyp/emul/pmu_trap.c, hyp/emul/debug_trap.c),
 * error records read as none; anything else is UNDEF. a32: an AArch32 MCR/MRC, which moves
 * R[t], 32 bits: a write takes X[t]'s low half only, and a read leaves the high half 0; its
 * PMCCNTR is the low half of PMCCNTR_EL0, whose high half a write keeps (Arm ARM, PMCCNTR). */
static void handle_sysreg(struct vcpu *v, struct exc_frame *f, uint32_t key, unsigned int rt,
			  bool a32)
{
	bool read = f->esr & SYSREG_ISS_DIR_READ;
	uint64_t val = rt > 30 ? 0 : f->x[rt];
	enum sysreg_trap_result res;
	unsigned int group;

	v->exits[SKIFF_EXIT_SYSREG]++;
	if (sgi_write(f, &val, &group)) {
		vgic_sgi(&v->vm->vgic, &v->vgic, val, group);
		exc_skip_insn(f);
		return;
	}
	if (a32 && !read) {
		uint64_t high = 0;

		if (key == KEY_PMCCNTR_EL0 &&
		    pmu_trap(&pmu_hw_cpu, &v->pmu, key, true, &high) == SYSREG_DONE)
			high &= ~0xffffffffull;
		else
			high = 0;
		val = high | (uint32_t)val;
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
	if (read && rt <= 30)
		f->x[rt] = a32 ? (uint32_t)val : val;
	exc_skip_insn(f);
}

/*
 * MRRC/MCRR p15, 0, Rt, Rt2, c9 (EC 0x04): PMCCNTR_EL0 as a whole, Rt the low half and Rt2 the
 * high half (Arm ARM, AArch32 PMCCNTR, 64-bit view); to the PMU emulator as PMCCNTR_EL0.
 */
__attribute__((cold)) static void handle_pmccntr64(struct vcpu *v, struct exc_frame *f)
{
	uint32_t iss = f->esr & ESR_ISS_MASK;
	unsigned int rt = frame_reg(f, (iss >> SYSREG_ISS_RT_SHIFT) & SYSREG_ISS_RT_MASK);
	unsigned int rt2 = frame_reg(f, (iss >> CP15_64_RT2_SHIFT) & SYSREG_ISS_RT_MASK);
	bool read = iss & SYSREG_ISS_DIR_READ;
	uint64_t val = reg_val(f, (iss >> CP15_64_RT2_SHIFT) & SYSREG_ISS_RT_MASK) << 32 |
		       (uint32_t)reg_val(f, (iss >> SYSREG_ISS_RT_SHIFT) & SYSREG_ISS_RT_MASK);

	v->exits[SKIFF_EXIT_SYSREG]++;
	if (pmu_trap(&pmu_hw_cpu, &v->pmu, KEY_PMCCNTR_EL0, read, &val) != SYSREG_DONE) {
		inject_undef(v, f);
		return;
	}
	if (read) {
		if (rt <= 30)
			f->x[rt] = (uint32_t)val;
		if (rt2 <= 30)
			f->x[rt2] = val >> 32;
	}
	exc_skip_insn(f);
}

/*
 * From AArch32: MCR/MRC (EC 0x03) and MCRR/MRRC (EC 0x04) of CP15. One that failed its
 * condition (trapped all the same, as the architecture allows) is skipped. MCR/MRC go where the
 * AArch64 register they map to would (the PMU's op1 0 registers are op1 3 there, but
 * PMINTENSET/CLR); of the 64-bit ones only the SGI registers are skiff's: the rest UNDEF.
 */
__attribute__((cold)) static void handle_cp15(struct vcpu *v, struct exc_frame *f)
{
	uint32_t iss = f->esr & ESR_ISS_MASK, key = iss & CP15_32_KEY_MASK;
	unsigned int rt = (iss >> SYSREG_ISS_RT_SHIFT) & SYSREG_ISS_RT_MASK;
	unsigned int crn = SYSREG_CRN(key), crm = SYSREG_CRM(key), op2 = SYSREG_OP2(key);

	if (!a32_cond_passed(f->esr, f->spsr)) {
		v->exits[SKIFF_EXIT_SYSREG]++;
		exc_skip_insn(f);
		return;
	}
	if (((f->esr >> ESR_EC_SHIFT) & ESR_EC_MASK) == EC_CP15_64) {
		if ((iss & CP15_64_CRM_MASK) == CP15_64_CRM_PMCCNTR &&
		    !((iss >> CP15_64_OPC1_SHIFT) & CP15_64_OPC1_MASK)) {
			handle_pmccntr64(v, f);
			return;
		}
		key = 0; /* no register: only an SGI write is handled */
	} else if (SYSREG_OP1(key) == 0 &&
		   ((crn == 9 && crm >= 12 && !(crm == 14 && (op2 == 1 || op2 == 2))) ||
		    (crn == 14 && crm >= 8))) {
		key |= SYSREG_KEY(3, 3, 0, 0, 0);
	} else {
		key |= SYSREG_KEY(3, 0, 0, 0, 0);
	}
	handle_sysreg(v, f, key, frame_reg(f, rt), true);
}

/*
 * Before the general exit: a write to ICC_SGI1R_EL1, ICC_ASGI1R_EL1 or ICC_SGI0R_EL1 whose targets
 * leave out the writer (an IPI to other CPUs: most SGIs) touches nothing of the writer's own
 * interrupts, so it is handled here in full and its list registers are neither folded nor
 * flushed (hyp/run/vcpu.c). Anything else is left untouched: false.
 */
bool trap_handle_unfolded(struct vcpu *v, struct exc_frame *f, unsigned long slot)
{
	unsigned int ec = (f->esr >> ESR_EC_SHIFT) & ESR_EC_MASK, group;
	uint64_t val;

	/* AArch64's MSR, or AArch32's MCRR (slot 12) that passed its condition */
	if ((slot & ~4ul) != EXC_LOWER64_SYNC ||
	    (ec != EC_SYS64 && (ec != EC_CP15_64 || !a32_cond_passed(f->esr, f->spsr))) ||
	    !sgi_write(f, &val, &group) || !vgic_sgi_others(&v->vm->vgic, &v->vgic, val, group))
		return false;
	v->exits[SKIFF_EXIT_SYSREG]++;
	exc_skip_insn(f);
	return true;
}

/*
 * Any other exception class: UNDEF. AArch32's CP14 accesses (MCR/MRC, LDC/STC, MRRC p14: the debug
 * registers, trapped by MDCR_EL2.TDA and the rest) too, none being emulated, but one that
 * failed its condition is skipped, a NOP.
 */
__attribute__((cold, noinline)) static void handle_other(struct vcpu *v, struct exc_frame *f,
							 unsigned int ec)
{
	v->exits[SKIFF_EXIT_OTHER]++;
	if ((ec == EC_CP14_32 || ec == EC_CP14_LS || ec == EC_CP14_64) &&
	    !a32_cond_passed(f->esr, f->spsr))
		exc_skip_insn(f);
	else
		inject_undef(v, f);
}

/* Handles a synchronous exit; returns the SKIFF_EXIT_* reason its EL2 cost is accounted
 * under (by exception class alone, whatever the handling found). */
static unsigned int handle_sync(struct vcpu *v, struct exc_frame *f)
{
	unsigned int ec = (f->esr >> ESR_EC_SHIFT) & ESR_EC_MASK;

	if (__builtin_expect(ec == EC_DABT_LOW, 1)) { /* the commonest: one compare */
		handle_mmio(v, f);
		return SKIFF_EXIT_MMIO;
	}
	switch (ec) {
	case EC_HVC64:
	case EC_HVC32: /* returns past itself; ISS imm16 as HVC64's */
		v->exits[SKIFF_EXIT_HVC]++;
		if (f->esr & ESR_HVC_IMM_MASK)
			f->x[0] = SMCCC_RET_NOT_SUPPORTED;
		else
			handle_call(v, f);
		return SKIFF_EXIT_HVC;
	case EC_SMC64:
	case EC_SMC32: {
		/* an SMC32 that may have failed its condition (CCKNOWNPASS; RES0 in SMC64's ISS)
		 * does nothing when it did; asked before the skip, which steps ITSTATE, where a
		 * T32 SMC's condition is when CV is 0 */
		bool passed = !(f->esr & A32_ISS_CCKNOWNPASS) || a32_cond_passed(f->esr, f->spsr);

		v->exits[SKIFF_EXIT_SMC]++;
		exc_skip_insn(f); /* a trapped SMC returns to itself */
		if (passed)
			handle_call(v, f);
		return SKIFF_EXIT_SMC;
	}
	case EC_SYS64:
		handle_sysreg(v, f, f->esr & SYSREG_ISS_KEY_MASK,
			      (f->esr >> SYSREG_ISS_RT_SHIFT) & SYSREG_ISS_RT_MASK, false);
		return SKIFF_EXIT_SYSREG;
	case EC_CP15_32:
	case EC_CP15_64:
		handle_cp15(v, f);
		return SKIFF_EXIT_SYSREG;
	case EC_WFX:
		exc_skip_insn(f);
		return SKIFF_EXIT_OTHER;
	case EC_IABT_LOW:
		inject_abort(v, f, f->far, "instruction fetch from an address nobody owns");
		return SKIFF_EXIT_ABORT;
	default:
		handle_other(v, f, ec);
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
