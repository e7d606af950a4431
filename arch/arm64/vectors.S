/*
 * vectors.S - the EL2 exception vector table. Every entry saves the general registers,
 * ELR/SPSR/ESR/FAR into a struct exc_frame on the current stack, calls exc_handle() with
 * the vector slot, and returns with ERET. Policy lives in C (hyp/exception.c).
 */
#include "arch/arm64/exception.h"

.macro ventry slot
	.balign	128
	sub	sp, sp, #EXC_FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	mrs	x0, pmccntr_el0			/* for skiff's own cost figures */
	str	x0, [sp, #EXC_FRAME_ENTRY_CYCLES]
	mov	x1, #\slot
	b	exc_common
.endm

	.section .text, "ax"
	.balign	2048
	.globl	el2_vectors
el2_vectors:
	ventry	0
	ventry	1
	ventry	2
	ventry	3
	ventry	4
	ventry	5
	ventry	6
	ventry	7
	ventry	8
	ventry	9
	ventry	10
	ventry	11
	ventry	12
	ventry	13
	ventry	14
	ventry	15

exc_common:
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	str	x30, [sp, #16 * 15]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #EXC_FRAME_ELR]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [sp, #EXC_FRAME_ESR]
	mov	x0, sp
	bl	exc_handle
	.globl	exc_return
exc_return:				/* restore the frame at sp and ERET */
	ldp	x2, x3, [sp, #EXC_FRAME_ELR]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #EXC_FRAME_SIZE
	eret

/*
 * void guest_enter(struct exc_frame *frame): enter a guest from the frame, which sits at
 * the top of this CPU's stack, so that the stack is empty while the guest runs and the next
 * exception from it lands at the same place. Never returns.
 */
	.globl	guest_enter
guest_enter:
	mov	sp, x0
	b	exc_return
