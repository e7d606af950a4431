/*
 * aarch32.h - what an AArch32 EL1 guest needs of EL2 beyond what an AArch64 one does: its
 * entry state, its registers in the exit frame, skipping a trapped instruction (2 or 4 bytes,
 * the IT state stepped), the condition check of a trapped conditional instruction, and
 * exceptions taken into it the AArch32 way. Knows nothing of why a trap happened.
 *
 * Exceptions from AArch32 to AArch64 EL2 leave the AArch32 registers of every mode in fixed
 * X registers (Arm ARM, "Mapping of the general-purpose registers between the Execution
 * states"): R0-R12 in X0-X12 (FIQ mode's R8-R12 in X24-X28), SP and LR of User/System in X13,
 * X14, of IRQ in X17, X16, of Supervisor in X19, X18, of Abort in X21, X20, of Undefined in
 * X23, X22 and of FIQ in X29, X30. The frame (arch/arm64/exception.h) holds them all.
 */
#ifndef SKIFF_ARCH_AARCH32_H
#define SKIFF_ARCH_AARCH32_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arm64/exception.h"

/* SPSR_EL2 of an exception from AArch32 holds the CPSR (Arm ARM, SPSR_EL2 AArch32 format) */
#define A32_PSR_AARCH32 (1u << 4) /* M[4]: the state was AArch32 */
#define A32_PSR_MODE_MASK 0x1fu
#define A32_MODE_USR 0x10u
#define A32_MODE_FIQ 0x11u
#define A32_MODE_IRQ 0x12u
#define A32_MODE_SVC 0x13u
#define A32_MODE_ABT 0x17u
#define A32_MODE_UND 0x1bu
#define A32_MODE_SYS 0x1fu
#define A32_PSR_T (1u << 5)
#define A32_PSR_F (1u << 6)
#define A32_PSR_I (1u << 7)
#define A32_PSR_A (1u << 8)
#define A32_PSR_E (1u << 9)
#define A32_PSR_IT_LOW_MASK (0x3fu << 10) /* IT[7:2] */
#define A32_PSR_IL (1u << 20)
#define A32_PSR_SS (1u << 21)
#define A32_PSR_PAN (1u << 22)
#define A32_PSR_IT_HIGH_MASK (0x3u << 25) /* IT[1:0] */
#define A32_PSR_IT_MASK (A32_PSR_IT_LOW_MASK | A32_PSR_IT_HIGH_MASK)

/* ESR_EL2.IL: the trapped instruction is 32 bits (else a 16-bit T32 one) */
#define A32_ESR_IL (1ull << 25)
/* ISS of EC 0x03, 0x04, 0x13 (and WFx): COND valid, the condition, SMC32's CCKNOWNPASS */
#define A32_ISS_CV (1u << 24)
#define A32_ISS_COND_SHIFT 20
#define A32_ISS_CCKNOWNPASS (1u << 19)

/* Past the trapped instruction: 4 bytes, or 2 for a 16-bit T32 one (IL 0, which only an
 * AArch32 state can report); in a T32 IT block the IT state moves on, as the CPU would. */
uint64_t a32_it_advance(uint64_t spsr);
static inline __attribute__((always_inline)) void exc_skip_insn(struct exc_frame *f)
{
	if (__builtin_expect(!(f->spsr & A32_PSR_AARCH32), 1)) { /* A64: always 4 bytes */
		f->elr += 4;
		return;
	}
	f->elr += (f->esr & A32_ESR_IL) ? 4 : 2;
	if (f->spsr & A32_PSR_IT_MASK)
		f->spsr = a32_it_advance(f->spsr);
}

/* The frame index (X register) of AArch32 register n (0..14) in the mode of spsr; n >= 15
 * unchanged (already an X register number). */
unsigned int a32_reg(uint64_t spsr, unsigned int n);

/* Whether a trapped AArch32 instruction passes its condition: from the syndrome's COND
 * (CV 1), else from the IT state of spsr; the flags from spsr. */
bool a32_cond_passed(uint64_t esr, uint64_t spsr);

/* An AArch32 EL1 guest's entry frame: Supervisor mode, A, I, F masked, ARM state or Thumb
 * when bit 0 of pc is set. kernel: Linux's 32-bit boot protocol (r0 0, r1 ~0, r2 = arg0, the
 * device tree); else a PSCI CPU_ON entry (r0 = arg0, its context id). */
void a32_reset_frame(struct exc_frame *f, uint64_t pc, uint64_t arg0, bool kernel);
/* The EL1 registers only an AArch32 EL1 uses, at reset (SCTLR's AArch32 reset value). */
void a32_reset_el1(void);

enum a32_exception {
	A32_UNDEF,	    /* Undefined mode, vector 0x04 */
	A32_PREFETCH_ABORT, /* Abort mode, vector 0x0c, IFSR and IFAR */
	A32_DATA_ABORT,	    /* Abort mode, vector 0x10, DFSR and DFAR */
};

/* Take an exception into the guest's AArch32 EL1 as AArch32.EnterMode() does (Arm ARM):
 * SPSR of the new mode = the CPSR, its LR = the preferred return (frame->elr) + the offset,
 * T and E from SCTLR.TE and EE, A and I (UNDEF: I) masked, IT cleared, PC = the vector
 * (SCTLR.V: 0xffff0000, else VBAR). Aborts are synchronous external aborts, in the
 * short-descriptor or long-descriptor (TTBCR.EAE) fault status format. */
void a32_take(struct exc_frame *frame, enum a32_exception kind, uint64_t far, bool is_write);

#endif
