/*
 * aarch32.c - an AArch32 EL1 guest seen from AArch64 EL2 (aarch32.h): its registers in the
 * exit frame, the condition and IT state of a trapped T32/A32 instruction, its entry state,
 * and exceptions taken into it as AArch32.EnterMode() does in the Arm ARM. Touches only the
 * frame and the guest's EL1 registers; knows nothing of VMs or why a trap happened.
 */
#include "arch/arm64/aarch32.h"
#include "arch/arm64/sysreg.h"

#define SCTLR_A32_RESET                                                                 \
	0x00c50838u	   /* SPAN, RES1 22 and 11, nTWE, nTWI, CP15BEN, LSMAOE, nTLSMD \
			    */
#define SCTLR_V (1u << 13) /* hivecs: vectors at 0xffff0000 */
#define SCTLR_SPAN (1u << 23)
#define SCTLR_EE (1u << 25)
#define SCTLR_TE (1u << 30)
#define TTBCR_EAE (1u << 31)	     /* TCR_EL1[31]: the long-descriptor (LPAE) format */
#define FSR_SHORT_SYNC_EXT 0x8u	     /* FS 0b01000 */
#define FSR_LPAE ((1u << 9) | 0x10u) /* LPAE, STATUS 0b010000 */
#define DFSR_WNR (1u << 11)
#define HIVECS_BASE 0xffff0000u
#define ID_AA64MMFR1_PAN_SHIFT 20
#define LR_UND 22 /* frame index of LR_und, LR_abt (the mapping in aarch32.h) */
#define LR_ABT 20

uint64_t a32_it_advance(uint64_t spsr)
{
	unsigned int it = (unsigned int)(((spsr >> 8) & 0xfc) | ((spsr >> 25) & 0x3));

	/* ITAdvance(): the block ends after its last instruction, else the mask shifts */
	it = (it & 0x7) ? (it & 0xe0) | ((it << 1) & 0x1f) : 0;
	return (spsr & ~(uint64_t)A32_PSR_IT_MASK) | ((uint64_t)(it & 0xfc) << 8) |
	       ((uint64_t)(it & 0x3) << 25);
}

unsigned int a32_reg(uint64_t spsr, unsigned int n)
{
	/* SP and LR per mode M[3:0]: usr, fiq, irq, svc, -, -, mon, abt, -, -, hyp, und, ..., sys
	 */
	static const uint8_t sp[16] = { 13, 29, 17, 19, 13, 13, 13, 21,
					13, 13, 15, 23, 13, 13, 13, 13 };
	static const uint8_t lr[16] = { 14, 30, 16, 18, 14, 14, 14, 20,
					14, 14, 14, 22, 14, 14, 14, 14 };
	unsigned int m = (unsigned int)spsr & 0xf;

	if (n == 13)
		return sp[m];
	if (n == 14)
		return lr[m];
	if (n >= 8 && n <= 12 && m == (A32_MODE_FIQ & 0xf))
		return n + 16;
	return n;
}

/* ConditionHolds() of the Arm ARM as a table: bit NZCV (the flags, psr[31:28]) of entry cond
 * is set when cond holds with those flags (tests/unit/test_aarch32.c checks it against the
 * pseudocode's cases) */
static const uint16_t cond_holds[16] = {
	0xf0f0, 0x0f0f, 0xcccc, 0x3333, /* EQ NE CS CC */
	0xff00, 0x00ff, 0xaaaa, 0x5555, /* MI PL VS VC */
	0x0c0c, 0xf3f3, 0xaa55, 0x55aa, /* HI LS GE LT */
	0x0a05, 0xf5fa, 0xffff, 0xffff, /* GT LE AL, 1111 */
};

bool a32_cond_passed(uint64_t esr, uint64_t spsr)
{
	unsigned int cond;

	if (esr & A32_ISS_CV) {
		cond = (esr >> A32_ISS_COND_SHIFT) & 0xf;
	} else {
		unsigned int it = (unsigned int)(((spsr >> 8) & 0xfc) | ((spsr >> 25) & 0x3));
		if (!it)
			return true;
		cond = it >> 4;
	}
	return (cond_holds[cond] >> ((spsr >> 28) & 0xf)) & 1;
}

void a32_reset_frame(struct exc_frame *f, uint64_t pc, uint64_t arg0, bool kernel)
{
	if (kernel) {
		f->x[0] = 0;
		f->x[1] = 0xffffffffu; /* no machine type: the device tree says */
		f->x[2] = arg0;
	} else {
		f->x[0] = arg0;
	}
	f->elr = pc & ~1ull;
	f->spsr = A32_MODE_SVC | A32_PSR_A | A32_PSR_I | A32_PSR_F | ((pc & 1) ? A32_PSR_T : 0);
}

void a32_reset_el1(void)
{
	write_sysreg(sctlr_el1, SCTLR_A32_RESET);
	write_sysreg(spsr_abt, 0);
	write_sysreg(spsr_und, 0);
	write_sysreg(spsr_irq, 0);
	write_sysreg(spsr_fiq, 0);
	write_sysreg(dacr32_el2, 0);
	write_sysreg(ifsr32_el2, 0);
}

void a32_take(struct exc_frame *frame, enum a32_exception kind, uint64_t far, bool is_write)
{
	static const uint8_t vector[] = { 0x04, 0x0c, 0x10 };
	uint64_t sctlr = read_sysreg(sctlr_el1), far_el1 = read_sysreg(far_el1);
	uint64_t cpsr = frame->spsr & 0xffffffffu;
	uint32_t fsr = (read_sysreg(tcr_el1) & TTBCR_EAE) ? FSR_LPAE : FSR_SHORT_SYNC_EXT;
	uint64_t base, lr;

	if (kind == A32_UNDEF) {
		write_sysreg(spsr_und, cpsr);
		lr = frame->elr + ((cpsr & A32_PSR_T) ? 2 : 4);
		frame->x[LR_UND] = lr & 0xffffffffu;
		cpsr = (cpsr & ~(uint64_t)A32_PSR_MODE_MASK) | A32_MODE_UND | A32_PSR_I;
	} else {
		write_sysreg(spsr_abt, cpsr);
		if (kind == A32_DATA_ABORT) {
			write_sysreg(esr_el1, fsr | (is_write ? DFSR_WNR : 0));	    /* DFSR */
			far_el1 = (far_el1 & ~0xffffffffull) | (far & 0xffffffffu); /* DFAR */
		} else {
			write_sysreg(ifsr32_el2, fsr);
			far_el1 = (far_el1 & 0xffffffffull) | (far << 32); /* IFAR */
		}
		write_sysreg(far_el1, far_el1);
		lr = frame->elr + (kind == A32_DATA_ABORT ? 8 : 4);
		frame->x[LR_ABT] = lr & 0xffffffffu;
		cpsr = (cpsr & ~(uint64_t)A32_PSR_MODE_MASK) | A32_MODE_ABT | A32_PSR_A | A32_PSR_I;
	}
	cpsr &= ~(uint64_t)(A32_PSR_T | A32_PSR_E | A32_PSR_IT_MASK | A32_PSR_IL | A32_PSR_SS);
	if (sctlr & SCTLR_TE)
		cpsr |= A32_PSR_T;
	if (sctlr & SCTLR_EE)
		cpsr |= A32_PSR_E;
	if (((read_sysreg(id_aa64mmfr1_el1) >> ID_AA64MMFR1_PAN_SHIFT) & 0xf) &&
	    !(sctlr & SCTLR_SPAN))
		cpsr |= A32_PSR_PAN;
	base = (sctlr & SCTLR_V) ? HIVECS_BASE : read_sysreg(vbar_el1) & 0xffffffe0u;
	frame->elr = base + vector[kind];
	frame->spsr = cpsr;
}
