/*
 * debug_bp_regs.S - MRS/MSR of DBG{B,W}{V,C}R<n>_EL1, n 0..15, by index: one two-instruction
 * stub per register (the register is in the instruction, so C would need a case for each).
 * Touches only those registers, x0 and x1.
 *
 * Encoding (Arm ARM D19, "Debug registers"): op0 2, op1 0, CRn 0, CRm n, op2 4 (BVR), 5 (BCR),
 * 6 (WVR), 7 (WCR). The stub of register (n, op2 - 4) is at 8 * (4 * n + op2 - 4).
 */
	.section .text.debug_bp_regs, "ax"

	.macro	stubs insn
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.irp	op2, 4, 5, 6, 7
	\insn	\n, \op2
	ret
	.endr
	.endr
	.endm

	.macro	rd n, op2
	mrs	x0, S2_0_C0_C\n\()_\op2
	.endm

	.macro	wr n, op2
	msr	S2_0_C0_C\n\()_\op2, x1
	.endm

/* uint64_t debug_bp_read(unsigned int index): index = 4 * n + (op2 - 4), below 64 */
	.globl	debug_bp_read
debug_bp_read:
	adr	x1, 1f
	add	x1, x1, x0, lsl #3
	br	x1
	.p2align 3
1:	stubs	rd

/* void debug_bp_write(unsigned int index, uint64_t val) */
	.globl	debug_bp_write
debug_bp_write:
	adr	x2, 1f
	add	x2, x2, x0, lsl #3
	br	x2
	.p2align 3
1:	stubs	wr
