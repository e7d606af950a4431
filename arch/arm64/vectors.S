/*
 * vectors.S - the EL2 exception vector table, at the image's start with the arm64 Image header
 * in its first slot (below). Every entry saves the general registers,
 * ELR/SPSR/ESR/FAR into a struct exc_frame on the current stack and calls exc_handle() with
 * the vector slot, which leaves through exc_leave (a guest exit: its instructions added to its
 * counter) or exc_resume: the frame restored, ERET. Policy lives in C (hyp/run/exception.c).
 */
#include "arch/arm64/exception.h"
#include "arch/arm64/fastirq.h"
#include "arch/arm64/layout.h"

#define ICH_HCR_OVERFLOW 0xe /* UIE | LRENPIE | NPIE: the LRs do not hold everything */

/*
 * Added to the difference of a general exit's two PMCCNTR_EL0 reads (ventry's and
 * exc_leave's) to get its instructions from the vector to the ERET without the 3 of the
 * measurement itself (the two reads and the store of the first), as the fast path counts them
 * (FAST_UNCOUNTED_INSNS): the difference holds the first read and its store but not the SUB
 * and STP before them, which makes up; what it misses is what follows the second read, the 3
 * instructions up to exc_return and its 21 (restore and ERET).
 */
#define EXIT_UNCOUNTED_INSNS (3 + 21)

/* x4..x17 to (stp) or from (ldp) their slots of the exc_frame at sp */
.macro frame_x4_x17 op
	\op	x4, x5, [sp, #16 * 2]
	\op	x6, x7, [sp, #16 * 3]
	\op	x8, x9, [sp, #16 * 4]
	\op	x10, x11, [sp, #16 * 5]
	\op	x12, x13, [sp, #16 * 6]
	\op	x14, x15, [sp, #16 * 7]
	\op	x16, x17, [sp, #16 * 8]
.endm

/* the guest's caller-saved registers but x0..x3 to the exc_frame at sp, for a call to C */
.macro fast_irq_c_save
	frame_x4_x17 stp
	str	x18, [sp, #16 * 9]
	stp	x29, x30, [sp, #16 * 14 + 8]
.endm

.macro ventry slot
	.balign	128
	sub	sp, sp, #EXC_FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	mrs	x0, pmccntr_el0			/* for skiff's own cost figures */
	str	x0, [sp, #EXC_FRAME_ENTRY_CYCLES]
	mov	x1, #\slot
.if \slot >= EXC_LOWER64_SYNC
	b	exc_common_lower		/* from a guest */
.else
	b	exc_common
.endif
.endm

/*
 * The table is the image's first 2 KiB. Its first slot (synchronous exception at EL2 with
 * SP_EL0) can never be taken - skiff runs on SP_EL2 from its first instruction (boot.S's
 * el2_setup) - so it holds the arm64 Image header (Documentation/arch/arm64/booting.rst), which
 * must be the image's first 64 bytes; the table needs 2 KiB alignment, and anywhere else it
 * would cost up to 2 KiB of padding.
 */
	.section .text.head, "ax"
	.balign	2048				/* VBAR_EL2 bits [10:0] are RES0 */
	.globl	_start
	.globl	el2_vectors
el2_vectors:
_start:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0				/* text_offset */
	.quad	__image_size			/* image_size, .bss included */
	.quad	IMAGE_FLAGS_PAGE_4K | IMAGE_FLAGS_PHYS_ANYWHERE
	.quad	0, 0, 0				/* res2..res4 */
	.long	IMAGE_MAGIC
	.long	0				/* res5: no PE header */
	ventry	1
	ventry	2
	ventry	3
	ventry	4
	ventry	5
	ventry	6
	ventry	7
	ventry	8
	.balign	128				/* 9: IRQ from a guest: the fast path first */
	sub	sp, sp, #EXC_FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	mrs	x0, pmccntr_el0
	str	x0, [sp, #EXC_FRAME_ENTRY_CYCLES]
	b	fast_irq
	ventry	10
	ventry	11
	ventry	12
	.balign	128				/* 13: IRQ from an AArch32 guest: the same */
	sub	sp, sp, #EXC_FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	mrs	x0, pmccntr_el0
	str	x0, [sp, #EXC_FRAME_ENTRY_CYCLES]
	b	fast_irq
	ventry	14
	ventry	15

/*
 * The hw-mode fast path (docs/interrupts.md, "The hw fast path"): a physical interrupt that hyp/core/fastirq.c has
 * an LR value for on this CPU is acknowledged, its priority dropped (EOImode 1: it stays
 * active until the guest's deactivation, through the LR's HW bit), and written pending into
 * an empty list register; then straight back to the guest. Four registers, no lock, no call.
 * Anything else goes to exc_common as slot 9, handing over an interrupt it acknowledged
 * already (fast_cpu.acked). It also leaves when the LRs are in overflow (a maintenance
 * enable is set): then entries wait outside the LRs and only the general path may choose.
 */
fast_irq:
	stp	x2, x3, [sp, #16 * 1]
	mrs	x1, tpidr_el2
	ldr	x2, [x1, #FAST_CPU_TABLE]
	cbz	x2, fast_irq_v2
	mrs	x0, S3_0_C12_C12_0		/* ICC_IAR1_EL1 */
	cmp	x0, #FAST_MAX_INTIDS
	b.hs	fast_irq_bail_acked		/* spurious 1023 too */
	add	x2, x2, x0, lsl #FAST_IRQ_SHIFT
	ldar	x3, [x2]			/* FAST_IRQ_LR, 0: acquire, before the entry's virq */
	cbz	x3, fast_irq_bail_acked
	tbnz	x3, #FAST_IRQ_C_BIT, fast_irq_c
	tbnz	x3, #FAST_IRQ_PT_BIT, fast_irq_pt
fast_irq_lr:					/* x3 = the LR value to write */
	mrs	x1, S3_4_C12_C11_0		/* ICH_HCR_EL2 */
	tst	x1, #ICH_HCR_OVERFLOW
	b.ne	fast_irq_bail_acked
	mrs	x1, S3_4_C12_C11_5		/* ICH_ELRSR_EL2: empty LRs */
	cbz	x1, fast_irq_bail_acked
	msr	S3_0_C12_C12_1, x0		/* ICC_EOIR1_EL1: priority drop */
	rbit	x1, x1
	clz	x1, x1				/* the lowest empty LR */
	adr	x0, fast_lr_write
	add	x0, x0, x1, lsl #3
	br	x0
fast_lr_write:					/* ICH_LR<n>_EL2 = x3, 2 instructions each */
	msr	S3_4_C12_C12_0, x3
	b	fast_irq_written
	msr	S3_4_C12_C12_1, x3
	b	fast_irq_written
	msr	S3_4_C12_C12_2, x3
	b	fast_irq_written
	msr	S3_4_C12_C12_3, x3
	b	fast_irq_written
	msr	S3_4_C12_C12_4, x3
	b	fast_irq_written
	msr	S3_4_C12_C12_5, x3
	b	fast_irq_written
	msr	S3_4_C12_C12_6, x3
	b	fast_irq_written
	msr	S3_4_C12_C12_7, x3
	b	fast_irq_written
	msr	S3_4_C12_C13_0, x3
	b	fast_irq_written
	msr	S3_4_C12_C13_1, x3
	b	fast_irq_written
	msr	S3_4_C12_C13_2, x3
	b	fast_irq_written
	msr	S3_4_C12_C13_3, x3
	b	fast_irq_written
	msr	S3_4_C12_C13_4, x3
	b	fast_irq_written
	msr	S3_4_C12_C13_5, x3
	b	fast_irq_written
	msr	S3_4_C12_C13_6, x3
	b	fast_irq_written
	msr	S3_4_C12_C13_7, x3
fast_irq_written:				/* x1 = LR number, x2 = the fast_irq entry */
	ldr	x3, [x2, #FAST_IRQ_COUNT]
	add	x3, x3, #1
	str	x3, [x2, #FAST_IRQ_COUNT]
	mrs	x2, tpidr_el2
	mov	x3, #1
	lsl	x1, x3, x1
	ldr	x3, [x2, #FAST_CPU_LR_FAST]	/* tell lr_fold this LR is ours */
	ldr	x0, [x3]
	orr	x0, x0, x1
	str	x0, [x3]
fast_irq_count:					/* x2 = this CPU's struct cpu */
	ldr	x3, [x2, #FAST_CPU_EXITS]
	ldr	x0, [x3]
	add	x0, x0, #1
	str	x0, [x3]
	ldr	x3, [x2, #FAST_CPU_COST]
	ldr	x0, [x3]
	ldr	x1, [sp, #EXC_FRAME_ENTRY_CYCLES]
	sub	x0, x0, x1
	mrs	x1, pmccntr_el0
	add	x0, x0, x1
	add	x0, x0, #FAST_UNCOUNTED_INSNS
	str	x0, [x3]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x0, x1, [sp, #16 * 0]
	add	sp, sp, #EXC_FRAME_SIZE
	eret

/*
 * An eoi/oneshot SPI on a GICv3 (docs/interrupts.md, "The eoi and oneshot fast path"): as a hw
 * one, but its LR value has the EOI bit instead of HW=1, so the guest's EOI raises the
 * maintenance interrupt, at which skiff deactivates the SPI (fastirq_c, maint_v3); and a
 * oneshot line is disabled here (GICD_ICENABLER), held so until the device is serviced. The
 * line's state in C learns of the fire then, or at the vCPU's next fold (lr_fold_fast); until
 * then the SPI is active (EOImode 1) and cannot fire again. A bail after the mask is harmless:
 * the general path masks a oneshot fire too. x0 = INTID, x1 = this CPU's struct cpu, x2 = the
 * entry, x3 = its value.
 */
fast_irq_pt:
	tbz	x3, #FAST_IRQ_ONESHOT_BIT, 1f
	ldr	x1, [x1, #FAST_CPU_GICD]	/* x1 = this CPU's struct cpu still */
	lsr	w0, w0, #5
	add	x1, x1, x0, lsl #2		/* GICD_ICENABLER<n>, n = INTID / 32 */
	mov	w0, #1
	lsl	w0, w0, w3			/* bit INTID % 32 (the vINTID is the INTID) */
	str	w0, [x1, #FAST_GICD_ICENABLER]
	mov	w0, w3				/* the INTID again */
1:	and	x3, x3, #~FAST_IRQ_PT_FLAGS	/* RES0 in ICH_LR<n>_EL2 */
	b	fast_irq_lr

/*
 * The same on a GICv2 (IHI 0048B): GICC_IAR and GICC_EOIR, GICH_HCR, GICH_ELRSR0 and
 * GICH_LR<n> by MMIO, the table's values in the GICH_LR layout. Two more registers.
 */
fast_irq_v2:					/* x1 = this CPU's struct cpu */
	ldr	x2, [x1, #FAST_CPU_TABLE_V2]
	cbz	x2, fast_irq_bail
	stp	x4, x5, [sp, #16 * 2]
	ldr	x4, [x1, #FAST_CPU_GICC]
	ldr	w0, [x4, #FAST_GICC_IAR]
	and	w0, w0, #FAST_GICC_IAR_ID_MASK
	cmp	x0, #FAST_MAX_INTIDS
	b.hs	fast_irq_v2_bail_acked		/* spurious 1023, SGIs with a CPUID too */
	add	x2, x2, x0, lsl #FAST_IRQ_SHIFT
	ldar	x3, [x2]			/* FAST_IRQ_LR, 0: acquire, before the entry's virq */
	cbz	x3, fast_irq_v2_bail_acked
	tbnz	x3, #FAST_IRQ_C_BIT, fast_irq_v2_c
	ldr	x5, [x1, #FAST_CPU_GICH]
	ldr	w1, [x5, #FAST_GICH_HCR]
	tst	w1, #ICH_HCR_OVERFLOW		/* GICH_HCR has ICH_HCR_EL2's bits here */
	b.ne	fast_irq_v2_bail_acked
	ldr	w1, [x5, #FAST_GICH_ELRSR0]	/* empty LRs */
	and	w1, w1, #FAST_LR_MASK
	cbz	w1, fast_irq_v2_bail_acked
	str	w0, [x4, #FAST_GICC_EOIR]	/* priority drop */
	rbit	w1, w1
	clz	w1, w1				/* the lowest empty LR */
	add	x5, x5, #FAST_GICH_LR0
	str	w3, [x5, x1, lsl #2]
	ldp	x4, x5, [sp, #16 * 2]
	b	fast_irq_written
fast_irq_v2_c:
	ldp	x4, x5, [sp, #16 * 2]
	fast_irq_c_save
	mov	x1, x0
	mrs	x0, tpidr_el2
	bl	fastirq_c_v2			/* as fastirq_c, through struct lr_hw */
	b	fast_irq_c_done
/*
 * An entry that asks for C (FAST_IRQ_C_BIT): an eoi/oneshot SPI or the maintenance interrupt,
 * which fastirq_c() (hyp/run/irq_fast.c; fastirq_c_v2() on a GICv2) handles with the guest's
 * caller-saved registers saved here and the callee-saved ones preserved by the procedure call
 * standard: no full frame, no general exit. x0 = the INTID acknowledged. fastirq_c() returns 0
 * when done (and its priority dropped); otherwise it has handed the INTID over in
 * fast_cpu.acked, and the general path takes it.
 */
fast_irq_c:
	fast_irq_c_save
	mov	x1, x0				/* x2 = the entry */
	mrs	x0, tpidr_el2
	bl	fastirq_c
fast_irq_c_done:
	frame_x4_x17 ldp
	ldr	x18, [sp, #16 * 9]
	ldp	x29, x30, [sp, #16 * 14 + 8]
	cbnz	w0, fast_irq_bail
	mrs	x2, tpidr_el2
	b	fast_irq_count
fast_irq_v2_bail_acked:
	ldp	x4, x5, [sp, #16 * 2]
fast_irq_bail_acked:				/* x0 = the INTID acknowledged */
	add	x0, x0, #1
	mrs	x1, tpidr_el2
	str	x0, [x1, #FAST_CPU_ACKED]
fast_irq_bail:
	ldp	x2, x3, [sp, #16 * 1]		/* the guest's, for exc_common to save */
	mov	x1, #EXC_LOWER64_IRQ
	b	exc_common_lower

/* The rest of the frame (x0, x1 and the entry count are saved by the vector): x2..x30, ELR,
 * SPSR, ESR, FAR; x0 = the frame. */
.macro frame_save_rest
	stp	x2, x3, [sp, #16 * 1]
	frame_x4_x17 stp
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
.endm

exc_common:				/* an exception taken at EL2 */
	frame_save_rest
	bl	exc_handle			/* does not return: leaves by exc_resume */

exc_common_lower:			/* a guest exit: a path of its own, no slot tests in C */
	frame_save_rest
	bl	exc_lower			/* does not return: leaves by exc_leave */

/*
 * void exc_leave(struct exc_frame *frame, uint64_t *cost): how exc_handle() ends a guest exit.
 * sp goes back to the frame (what C left on the stack below it is dropped, so C need not
 * restore its registers: the frame holds the ones that matter), the exit's instructions are
 * added to *cost, then the frame is restored. Never returns. Any other exception ends with
 * exc_resume (guest_enter, below), which counts nothing.
 */
	.globl	exc_leave
exc_leave:
	mov	sp, x0
	ldr	x2, [sp, #EXC_FRAME_ENTRY_CYCLES]
	ldr	x3, [x1]
	sub	x3, x3, x2
	mrs	x2, pmccntr_el0
	add	x3, x3, x2
	add	x3, x3, #EXIT_UNCOUNTED_INSNS
	str	x3, [x1]
	.globl	exc_return
exc_return:				/* restore the frame at sp and ERET */
	ldp	x2, x3, [sp, #EXC_FRAME_ELR]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	frame_x4_x17 ldp
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
 * void exc_resume(struct exc_frame *frame): the same for the frame of an exception taken at
 * EL2, which exc_handle() has handled: sp back to it, restore, ERET.
 */
	.globl	guest_enter
	.globl	exc_resume
guest_enter:
exc_resume:
	mov	sp, x0
	b	exc_return
