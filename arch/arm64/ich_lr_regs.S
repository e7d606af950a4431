/*
 * ich_lr_regs.S - MRS/MSR of ICH_LR<n>_EL2, n 0..15 (IHI 0069 12.4.6), by number for
 * drivers/gicv3_lr.c: the register is in the instruction, so a number picks one of sixteen
 * two-instruction stubs through a computed branch (a switch in C took a table load more, and
 * runs several times on every exit with interrupts in flight). A number past 15 reads 0 and
 * writes nothing. Touches only those registers, x0 to x2.
 *
 * Encoding: op0 3, op1 4, CRn 12, CRm 12 + n / 8, op2 n % 8.
 */
	.section .text.ich_lr_regs, "ax"

	.macro	stubs insn
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	\insn	12, \n
	ret
	.endr
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	\insn	13, \n
	ret
	.endr
	.endm

	.macro	rd crm, op2
	mrs	x0, S3_4_C12_C\crm\()_\op2
	.endm

	.macro	wr crm, op2
	msr	S3_4_C12_C\crm\()_\op2, x1
	.endm

/* uint64_t ich_lr_read(unsigned int n) */
	.globl	ich_lr_read
	.type	ich_lr_read, %function
ich_lr_read:
	cmp	w0, #15
	b.hi	2f
	adr	x1, 1f
	add	x1, x1, w0, uxtw #3
	br	x1
2:	mov	x0, #0
	ret
	.p2align 3
1:	stubs	rd
	.size	ich_lr_read, . - ich_lr_read

/* void ich_lr_write(unsigned int n, uint64_t val) */
	.globl	ich_lr_write
	.type	ich_lr_write, %function
ich_lr_write:
	cmp	w0, #15
	b.hi	2f
	adr	x2, 1f
	add	x2, x2, w0, uxtw #3
	br	x2
2:	ret
	.p2align 3
1:	stubs	wr
	.size	ich_lr_write, . - ich_lr_write
