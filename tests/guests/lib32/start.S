/*
 * start.S - entry of the AArch32 test guests (A32, armv7-a, EL1): the zImage header boot
 * loaders and skiff look for, relocation of the position-independent image (R_ARM_RELATIVE),
 * .bss, a Supervisor-mode stack per CPU (by MPIDR Aff0), secondary entries for PSCI CPU_ON in
 * ARM and in Thumb state, and the exception vectors, which run the C handler in Supervisor
 * mode on the interrupted context's stack (SRS/RFE). Touches no device.
 */
	.syntax unified
	.arch	armv7-a
	.arm

#define MODE_SVC 0x13
#define STACK_SIZE 8192
#define MAX_CPUS 4
#define ZIMAGE_MAGIC 0x016f2818
#define R_ARM_RELATIVE 23
#define THUMB_MARK 0x7432	/* boot32_entry_mark after a Thumb-state entry at _start */

	.section .text.head, "ax"
	.global _start
_start:
	/* the zImage header (Linux Documentation/arch/arm/booting.rst): entered here in ARM
	 * state, the magic at 0x24, start (0: position-independent) and end at 0x28 and 0x2c.
	 * Built with THUMB_ENTRY (tests/guests/rt32_thumb.c), the first bytes are Thumb code
	 * instead, for a guest entered in Thumb state (skiff's arch = "aarch32-thumb"). */
#ifdef THUMB_ENTRY
	.thumb
	mrs	r3, cpsr		/* the state it was entered in, for the test (T reads 0) */
	movw	r10, #THUMB_MARK	/* a T32-only encoding: in r10 only if run as Thumb */
	adr	r12, entry_arm
	bx	r12
	.arm
	.balign	0x20
#else
	.rept	8
	mov	r0, r0
	.endr
#endif
	b	entry			/* 0x20 */
	.word	ZIMAGE_MAGIC		/* 0x24 */
	.word	0			/* 0x28 */
	.word	_image_file_end - _start /* 0x2c */
	.word	0x04030201		/* 0x30: little-endian */

entry:
	mrs	r3, cpsr		/* the state it was entered in, for the test */
	mov	r10, #0
entry_arm:
	cpsid	aif
	mov	r4, r0
	mov	r5, r1
	mov	r6, r2
	mov	r7, r3
	adr	r8, _start		/* run-time base: linked at 0 */
	/* relocate: *(base + offset) += base for every R_ARM_RELATIVE in .rel.dyn */
	adr	r9, 1f
	ldr	r0, [r9]
	ldr	r1, [r9, #4]
	add	r0, r0, r9
	add	r1, r1, r9
2:	cmp	r0, r1
	bhs	3f
	ldr	r2, [r0], #4		/* r_offset */
	ldr	r3, [r0], #4		/* r_info */
	and	r3, r3, #0xff
	cmp	r3, #R_ARM_RELATIVE
	bne	2b
	ldr	r3, [r8, r2]
	add	r3, r3, r8
	str	r3, [r8, r2]
	b	2b
	/* clear .bss */
3:	ldr	r0, [r9, #8]
	ldr	r1, [r9, #12]
	add	r0, r0, r9
	add	r1, r1, r9
	mov	r2, #0
4:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	4b
	ldr	r0, =boot32_entry_mark	/* (relocated by now) */
	str	r10, [r0]
	dsb
	isb
	bl	set_stack_vbar
	mov	r0, r4
	mov	r1, r5
	mov	r2, r6
	mov	r3, r7
	bl	boot32_main		/* does not return */
	b	.
	.align	2
1:	.word	__rel_start - 1b
	.word	__rel_end - 1b
	.word	__bss_start - 1b
	.word	__bss_end - 1b

/* sp = the top of this CPU's stack (MPIDR Aff0), VBAR = the vectors; clobbers r0-r2 */
set_stack_vbar:
	mrc	p15, 0, r0, c0, c0, 5	/* MPIDR */
	and	r0, r0, #0xff
	cmp	r0, #MAX_CPUS
	bhs	.
	add	r0, r0, #1
	ldr	r1, =boot32_stacks
	mov	r2, #STACK_SIZE
	mla	sp, r0, r2, r1
	ldr	r0, =vectors32
	mcr	p15, 0, r0, c12, c0, 0	/* VBAR */
	isb
	bx	lr

	.text
/* PSCI CPU_ON entries: r0 = context id. ARM state here, Thumb state at the one below. */
	.global secondary32_entry
secondary32_entry:
	mov	r4, #0
secondary32_common:
	cpsid	aif
	mov	r5, r0
	bl	set_stack_vbar
	mov	r0, r5
	mov	r1, r4
	bl	secondary32_main	/* (context, entered in Thumb state) */
	b	.

	.thumb
	.thumb_func
	.global secondary32_entry_thumb
secondary32_entry_thumb:
	movs	r4, #1
	ldr	r5, =secondary32_common
	bx	r5
	.ltorg
	.arm

/* ---- vectors: each saves LR and SPSR of its mode on the Supervisor stack (SRSDB), goes to
 * Supervisor mode and calls exc32_handle(frame, kind) with struct frame32 (r0-r12, lr_svc, pc,
 * cpsr); the frame's pc is the exception's LR as taken (IRQ: minus 4), C decides where to
 * return; RFE returns. */
	.align	5
	.global vectors32
vectors32:
	b	.			/* reset */
	b	vec_undef
	b	vec_svc
	b	vec_pabt
	b	vec_dabt
	b	.
	b	vec_irq
	b	vec_fiq

.macro VEC name, kind, adjust
\name:
	.if \adjust
	sub	lr, lr, #\adjust
	.endif
	srsdb	sp!, #MODE_SVC
	cps	#MODE_SVC
	push	{r0-r12, lr}
	mov	r0, sp
	mov	r1, #\kind
	bl	exc32_handle
	pop	{r0-r12, lr}
	rfeia	sp!
.endm

	VEC	vec_undef, 1, 0
	VEC	vec_svc, 2, 0
	VEC	vec_pabt, 3, 0
	VEC	vec_dabt, 4, 0
	VEC	vec_irq, 6, 4
	VEC	vec_fiq, 7, 4

	.bss
	.align	3
	.global boot32_stacks
boot32_stacks:
	.space	STACK_SIZE * MAX_CPUS
