/*
 * start.S - entry of every test guest: the arm64 Image header, the boot CPU's path (apply
 * our own R_AARCH64_RELATIVE relocations, clear .bss, take a stack, call C), the secondary
 * CPUs' path from PSCI CPU_ON (MMU on from the boot CPU's tables, then C), and the EL1
 * exception vectors, which save the interrupted registers in a struct exc_frame and call
 * exc_handler() in C. Entered at EL2 (a native run on a machine with virtualization=on and
 * no hypervisor), both paths first drop to EL1 with EL2 set up to stay out of the way.
 * Knows nothing of the GIC or the device tree.
 */
#include "tests/guests/lib/layout.h"

	.section .text.head, "ax"
	.globl	_start
_start:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0				/* text_offset */
	.quad	__image_size			/* image_size, .bss and stacks included */
	.quad	IMAGE_FLAGS_PAGE_4K | IMAGE_FLAGS_PHYS_ANYWHERE
	.quad	0, 0, 0				/* res2..res4 */
	.long	IMAGE_MAGIC
	.long	0				/* res5: no PE header */

	.text
/* Boot CPU: EL1h (or EL2h), MMU off, x0 = DTB. */
primary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	mrs	x21, CurrentEL
	lsr	x21, x21, #2
	bl	el2_to_el1
	adr	x20, _start			/* load address; we are linked at 0 */
	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	adrp	x2, __rela_end
	add	x2, x2, :lo12:__rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1], #24		/* r_offset, r_info */
	ldr	x5, [x1, #-8]			/* r_addend */
	cmp	w4, #R_AARCH64_RELATIVE
	b.ne	1b				/* guests.mk rejects any other kind */
	add	x5, x5, x20
	str	x5, [x3, x20]
	b	1b
2:	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
3:	cmp	x1, x2
	b.hs	4f
	stp	xzr, xzr, [x1], #16
	b	3b
4:	bl	stack_for_this_cpu
	mov	sp, x0
	adrp	x1, exc_vectors
	add	x1, x1, :lo12:exc_vectors
	msr	vbar_el1, x1
	isb
	mov	x0, x19
	mov	x1, x20
	mrs	x2, CurrentEL
	lsr	x2, x2, #2
	mov	x3, x21
	bl	guest_boot_primary
	b	park

/*
 * Secondary CPU from PSCI CPU_ON: EL1h, MMU off, x0 = context id. The boot CPU cleaned the
 * image to the point of coherency before CPU_ON, so mmu_boot_regs and the tables are in
 * memory; turn the MMU on before the first store so that nothing is written uncached.
 */
	.globl	secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	bl	el2_to_el1
	adrp	x1, mmu_boot_regs
	add	x1, x1, :lo12:mmu_boot_regs
	ldr	x2, [x1, #MMU_REGS_MAIR]
	msr	mair_el1, x2
	ldr	x2, [x1, #MMU_REGS_TCR]
	msr	tcr_el1, x2
	ldr	x2, [x1, #MMU_REGS_TTBR0]
	msr	ttbr0_el1, x2
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mrs	x2, sctlr_el1
	mov	x3, #(SCTLR_M | SCTLR_C | SCTLR_I)
	orr	x2, x2, x3
	bic	x2, x2, #SCTLR_A
	msr	sctlr_el1, x2
	isb
	ic	iallu
	dsb	nsh
	isb
	bl	stack_for_this_cpu
	mov	sp, x0
	adrp	x1, exc_vectors
	add	x1, x1, :lo12:exc_vectors
	msr	vbar_el1, x1
	isb
	mov	x0, x19
	bl	guest_boot_secondary
	b	park

/*
 * At EL2: returns at EL1h to the caller, with EL1 in AArch64, its timer and counter
 * accessible (CNTVOFF 0), the virtual MPIDR/MIDR the real ones, no EL2 traps of FP or the
 * GICv3 system registers. Elsewhere a plain return. Clobbers x9 only.
 */
el2_to_el1:
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.ne	1f
	mov	x9, #HCR_EL2_RW
	msr	hcr_el2, x9
	mov	x9, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr
	mov	x9, #CPTR_EL2_RES1
	msr	cptr_el2, x9
	mrs	x9, midr_el1
	msr	vpidr_el2, x9
	mrs	x9, mpidr_el1
	msr	vmpidr_el2, x9
	mrs	x9, id_aa64pfr0_el1
	ubfx	x9, x9, #ID_AA64PFR0_GIC_SHIFT, #4
	cbz	x9, 2f
	mrs	x9, ICC_SRE_EL2
	orr	x9, x9, #ICC_SRE_EL2_SRE
	orr	x9, x9, #ICC_SRE_EL2_ENABLE
	msr	ICC_SRE_EL2, x9
2:	mov	x9, #SPSR_EL1H_DAIF
	msr	spsr_el2, x9
	msr	elr_el2, x30
	isb
	eret
1:	ret

/* x0 = top of the stack for this CPU, chosen by MPIDR_EL1.Aff0 (QEMU virt: 0..n-1). */
stack_for_this_cpu:
	mrs	x0, mpidr_el1
	ldr	x1, =(MPIDR_AFF_MASK & ~MPIDR_AFF0_MASK)
	tst	x0, x1
	b.ne	park				/* only Aff0 numbering is supported */
	and	x0, x0, #MPIDR_AFF0_MASK
	cmp	x0, #GUEST_MAX_CPUS
	b.hs	park
	add	x0, x0, #1
	mov	x1, #GUEST_STACK_SIZE
	adrp	x2, guest_stacks
	add	x2, x2, :lo12:guest_stacks
	madd	x0, x0, x1, x2
	ret

	.globl	park
park:
	msr	daifset, #0xf
1:	wfe
	b	1b

/* ---- exception vectors: 16 entries of 128 bytes, 2 KiB aligned */
.macro	ventry kind
	.align	7
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X(0)]
	mov	x1, #\kind
	b	exc_entry
.endm

	.align	11
	.globl	exc_vectors
exc_vectors:
	ventry	EXC_SYNC_SP0
	ventry	EXC_IRQ_SP0
	ventry	EXC_FIQ_SP0
	ventry	EXC_SERROR_SP0
	ventry	EXC_SYNC_SPX
	ventry	EXC_IRQ_SPX
	ventry	EXC_FIQ_SPX
	ventry	EXC_SERROR_SPX
	ventry	EXC_SYNC_LOWER64
	ventry	EXC_IRQ_LOWER64
	ventry	EXC_FIQ_LOWER64
	ventry	EXC_SERROR_LOWER64
	ventry	EXC_SYNC_LOWER32
	ventry	EXC_IRQ_LOWER32
	ventry	EXC_FIQ_LOWER32
	ventry	EXC_SERROR_LOWER32

/*
 * x1 = kind, x0/x1 already saved. ELR and SPSR are saved before C runs, so a handler may
 * unmask IRQs and be preempted (nesting); they are restored with IRQs masked again.
 */
exc_entry:
	stp	x2, x3, [sp, #FRAME_X(2)]
	stp	x4, x5, [sp, #FRAME_X(4)]
	stp	x6, x7, [sp, #FRAME_X(6)]
	stp	x8, x9, [sp, #FRAME_X(8)]
	stp	x10, x11, [sp, #FRAME_X(10)]
	stp	x12, x13, [sp, #FRAME_X(12)]
	stp	x14, x15, [sp, #FRAME_X(14)]
	stp	x16, x17, [sp, #FRAME_X(16)]
	stp	x18, x19, [sp, #FRAME_X(18)]
	stp	x20, x21, [sp, #FRAME_X(20)]
	stp	x22, x23, [sp, #FRAME_X(22)]
	stp	x24, x25, [sp, #FRAME_X(24)]
	stp	x26, x27, [sp, #FRAME_X(26)]
	stp	x28, x29, [sp, #FRAME_X(28)]
	mrs	x2, elr_el1
	stp	x30, x2, [sp, #FRAME_X(30)]
	mrs	x3, spsr_el1
	str	x3, [sp, #FRAME_SPSR]
	mov	x0, sp
	bl	exc_handler
	msr	daifset, #0x3
	ldr	x3, [sp, #FRAME_SPSR]
	msr	spsr_el1, x3
	ldp	x30, x2, [sp, #FRAME_X(30)]
	msr	elr_el1, x2
	ldp	x2, x3, [sp, #FRAME_X(2)]
	ldp	x4, x5, [sp, #FRAME_X(4)]
	ldp	x6, x7, [sp, #FRAME_X(6)]
	ldp	x8, x9, [sp, #FRAME_X(8)]
	ldp	x10, x11, [sp, #FRAME_X(10)]
	ldp	x12, x13, [sp, #FRAME_X(12)]
	ldp	x14, x15, [sp, #FRAME_X(14)]
	ldp	x16, x17, [sp, #FRAME_X(16)]
	ldp	x18, x19, [sp, #FRAME_X(18)]
	ldp	x20, x21, [sp, #FRAME_X(20)]
	ldp	x22, x23, [sp, #FRAME_X(22)]
	ldp	x24, x25, [sp, #FRAME_X(24)]
	ldp	x26, x27, [sp, #FRAME_X(26)]
	ldp	x28, x29, [sp, #FRAME_X(28)]
	ldp	x0, x1, [sp, #FRAME_X(0)]
	add	sp, sp, #FRAME_SIZE
	eret

/* ---- SMCCC calls: x0 = function id, x1..x3 = arguments; returns x0. */
	.globl	smccc_hvc
smccc_hvc:
	hvc	#0
	ret

	.globl	smccc_smc
smccc_smc:
	smc	#0
	ret

	.section .bss.stacks, "aw", %nobits
	.align	12
	.globl	guest_stacks
guest_stacks:
	.space	GUEST_STACK_SIZE * GUEST_MAX_CPUS
