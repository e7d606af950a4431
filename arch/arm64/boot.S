/*
 * boot.S - the entry of skiff.bin (the arm64 Image header before it is the first slot of
 * vectors.S's table, at the image's first byte), one path for both ways in.
 *
 * Payload (booti, QEMU -kernel): entered at EL2, MMU off, x0 = DTB, at a 2 MiB-aligned
 * address; runs in place. Firmware (QEMU -bios): entered from the reset vector in flash
 * with x0 = 0; copies itself to RAM just above the DTB that QEMU put at FW_DTB_ADDR and
 * continues there. Either way it then unpacks what follows its text (tools/pack-image.py),
 * moves its read-only and read-write data from their places in the dense file to their
 * pages (skiff.ld), applies its own relocations (RELR, packed at build), clears .bss, takes
 * the boot stack and calls boot_primary() in C.
 * Secondary CPUs enter at secondary_entry, from PSCI CPU_ON or released from a spin-table,
 * and find their logical index by MPIDR in boot_cpu_ids (boot.h).
 * The top EXC_FRAME_SIZE bytes of each CPU's stack are kept free for the guest's register
 * frame (see guest_enter in vectors.S); C code runs below them.
 * Touches only registers, the image and its .bss; knows nothing of the platform.
 */
#include "arch/arm64/regs.h"
#include "arch/arm64/layout.h"
#include "arch/arm64/exception.h"


	.section .text.boot, "ax"
	.globl	primary_entry
primary_entry:
	mov	x19, x0				/* DTB from the loader, or 0 */
	mrs	x20, CurrentEL
	lsr	x20, x20, #CURRENTEL_EL_SHIFT
	cmp	x20, #2
	b.ne	1f
	bl	el2_setup
1:	mov	x21, #BOOT_MODE_PAYLOAD
	bl	fdt_at_x19
	cbnz	x0, relocate			/* payload: the loader handed us a DTB */
	cmp	x20, #2
	b.ne	relocate			/* wrong EL: C reports it */
	bl	started_from_reset
	cbz	x0, relocate			/* payload without a DTB: C reports it */

	/* Firmware: the DTB is at the start of RAM; copy ourselves above it. */
	mov	x21, #BOOT_MODE_FIRMWARE
	ldr	x19, =FW_DTB_ADDR
	bl	fdt_at_x19
	mov	x2, x19
	cbz	x0, 2f
	ldr	w3, [x19, #4]			/* totalsize, big-endian */
	rev	w3, w3
	add	x2, x2, x3
	b	3f
2:	mov	x19, #0				/* no DTB there either */
3:	ldr	x3, =SKIFF_BLOCK_SIZE - 1
	add	x2, x2, x3
	bic	x2, x2, x3
	ldr	x3, =FW_DTB_ADDR
	cmp	x2, x3
	b.hi	4f
	add	x2, x3, #SKIFF_BLOCK_SIZE	/* no DTB there: leave its 2 MiB alone */
4:	adr	x3, _start			/* copy [_start, _image_file_end) to x2 */
	adrp	x4, _image_file_end
	add	x4, x4, :lo12:_image_file_end
	mov	x5, x2
5:	ldp	x6, x7, [x3], #16
	stp	x6, x7, [x5], #16
	cmp	x3, x4
	b.lo	5b
	dsb	sy
	ic	iallu
	dsb	sy
	isb
	adr	x3, _start
	adr	x4, relocate
	sub	x4, x4, x3
	add	x4, x4, x2
	br	x4				/* continue in the RAM copy */

relocate:
	/*
	 * Everything after the text is packed (tools/pack-image.py): at _ro_load a u32 with the
	 * packed bytes' count, a u32 with the count they unpack to, then commands. Copy them out
	 * of the way to .bss (not cleared yet, above all the file's places and pages), then unpack
	 * them to _ro_load: a command byte c < 0x80 is c + 1 literal bytes, c >= 0x80 copies
	 * (c & 0x7f) + 3 bytes from a 16-bit little-endian distance back in the output.
	 */
	adrp	x1, _ro_load
	add	x1, x1, :lo12:_ro_load
	adrp	x3, __bss_start
	add	x3, x3, :lo12:__bss_start
	ldp	w2, w4, [x1]			/* packed bytes, unpacked bytes */
	add	x2, x2, #8
	mov	x5, x1
	mov	x6, x3
1:	ldp	x7, x8, [x5], #16
	stp	x7, x8, [x6], #16
	subs	x2, x2, #16
	b.gt	1b
	add	x3, x3, #8			/* the first command */
	add	x4, x1, x4			/* where the unpacked data ends */
2:	cmp	x1, x4
	b.hs	6f
	ldrb	w5, [x3], #1
	tbnz	w5, #7, 4f
	add	w5, w5, #1			/* literals */
3:	ldrb	w6, [x3], #1
	strb	w6, [x1], #1
	subs	w5, w5, #1
	b.ne	3b
	b	2b
4:	and	w5, w5, #0x7f			/* a match */
	add	w5, w5, #3
	ldrb	w6, [x3], #1
	ldrb	w7, [x3], #1
	orr	w6, w6, w7, lsl #8
	sub	x6, x1, x6
5:	ldrb	w7, [x6], #1
	strb	w7, [x1], #1
	subs	w5, w5, #1
	b.ne	5b
	b	2b
6:	/*
	 * skiff.bin is dense (skiff.ld): move the read-write data (with the RELR table), then
	 * the read-only data, up from their places in the file to their own pages. Each moves
	 * up, so backwards; the data first, as the read-only data's pages may hold its copy.
	 */
	adrp	x1, _data_load
	add	x1, x1, :lo12:_data_load
	adrp	x2, _image_file_end
	add	x2, x2, :lo12:_image_file_end
	adrp	x3, _rodata_end
	add	x3, x3, :lo12:_rodata_end
	bl	move_up
	adrp	x1, _ro_load
	add	x1, x1, :lo12:_ro_load
	adrp	x2, _data_load
	add	x2, x2, :lo12:_data_load
	adrp	x3, _text_end
	add	x3, x3, :lo12:_text_end
	bl	move_up
	/*
	 * Apply the RELR table tools/pack-image.py left at __rela_start: a count, then words;
	 * an even word is an offset to relocate (and the next ones follow it), an odd word a
	 * bitmap of the 63 words after the last offset. Relocating adds the run-time base.
	 */
	adr	x22, _start			/* run-time base = link address 0 + x22 */
	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	ldr	x2, [x1], #8			/* count */
	add	x2, x1, x2, lsl #3		/* end of the words */
	mov	x3, #0				/* where the next bitmap starts */
1:	cmp	x1, x2
	b.hs	2f
	ldr	x4, [x1], #8
	tbnz	x4, #0, 5f
	ldr	x6, [x22, x4]			/* an offset */
	add	x6, x6, x22
	str	x6, [x22, x4]
	add	x3, x4, #8
	b	1b
5:	lsr	x4, x4, #1			/* a bitmap */
	mov	x5, x3
6:	cbz	x4, 8f
	tbz	x4, #0, 7f
	ldr	x6, [x22, x5]
	add	x6, x6, x22
	str	x6, [x22, x5]
7:	lsr	x4, x4, #1
	add	x5, x5, #8
	b	6b
8:	add	x3, x3, #(63 * 8)
	b	1b
2:	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
3:	cmp	x1, x2
	b.hs	4f
	stp	xzr, xzr, [x1], #16
	b	3b
4:	adrp	x1, boot_stacks
	add	x1, x1, :lo12:boot_stacks		/* logical CPU 0 is the boot CPU */
	add	sp, x1, #SKIFF_STACK_SIZE
	sub	sp, sp, #EXC_FRAME_SIZE
	cmp	x20, #2
	b.ne	5f
	adr	x1, el2_vectors
	msr	vbar_el2, x1
	isb
5:	mov	x0, x19
	mov	x1, x22
	mov	x2, x21
	mov	x3, x20
	bl	boot_primary
	b	cpu_halt

/*
 * Moves [x1, x2) up to x3 (x3 >= x1, all 16-byte aligned), last bytes first, so that the
 * two ranges may overlap. Uses x1-x6.
 */
move_up:
	sub	x4, x2, x1
	add	x3, x3, x4
1:	cmp	x2, x1
	b.ls	2f
	ldp	x5, x6, [x2, #-16]!
	stp	x5, x6, [x3, #-16]!
	b	1b
2:	ret

/* x0 = 1 if x19 points at an 8-byte aligned FDT header, else 0. */
fdt_at_x19:
	mov	x0, #0
	cbz	x19, 1f
	tst	x19, #7
	b.ne	1f
	ldr	w1, [x19]
	ldr	w2, =FDT_MAGIC_LE
	cmp	w1, w2
	cset	x0, eq
1:	ret

/*
 * x0 = 1 if this CPU came here from its reset vector: no EL3 (so EL2 is the highest EL and
 * RVBAR_EL2 exists) and RVBAR_EL2 is our own entry.
 */
started_from_reset:
	mov	x0, #0
	mrs	x1, id_aa64pfr0_el1
	ubfx	x1, x1, #ID_AA64PFR0_EL3_SHIFT, #4
	cbnz	x1, 1f
	mrs	x1, rvbar_el2
	adr	x2, _start
	cmp	x1, x2
	cset	x0, eq
1:	ret

/*
 * EL2 state before any C: AArch64 EL1, physical IRQ/FIQ/SError taken to EL2, MMU and
 * caches off, FP/SIMD not trapped.
 */
el2_setup:
	msr	spsel, #1			/* SP_EL2: vectors.S's SP_EL0 slots are never taken */
	ldr	x0, =HCR_EL2_RW | HCR_EL2_IMO | HCR_EL2_FMO | HCR_EL2_AMO
	msr	hcr_el2, x0
	ldr	x0, =SCTLR_EL2_RES1
	msr	sctlr_el2, x0
	ldr	x0, =CPTR_EL2_RES1
	msr	cptr_el2, x0
	msr	cntvoff_el2, xzr
	msr	tpidr_el2, xzr			/* no struct cpu yet */
	isb
	ret

/*
 * Secondary CPUs, at EL2 with the MMU off and no register to trust (a spin-table passes
 * nothing; Linux's booting.rst): x19 = the logical index of this CPU's MPIDR in boot_cpu_ids,
 * which the boot CPU cleaned to the point of coherency; not there, halt. Then turn the MMU on
 * with the tables the boot CPU built (mmu_boot_regs, cleaned likewise).
 */
	.globl	secondary_entry
secondary_entry:
	msr	daifset, #0xf
	bl	el2_setup
	mrs	x0, mpidr_el1
	ldr	x1, =MPIDR_AFF_MASK
	and	x0, x0, x1
	adrp	x1, boot_cpu_ids
	add	x1, x1, :lo12:boot_cpu_ids
	ldr	x2, [x1], #8			/* count, then the MPIDRs */
	mov	x19, #0
1:	cmp	x19, x2
	b.hs	cpu_halt			/* not one of skiff's CPUs */
	ldr	x3, [x1, x19, lsl #3]
	cmp	x3, x0
	b.eq	2f
	add	x19, x19, #1
	b	1b
2:	adrp	x1, mmu_boot_regs
	add	x1, x1, :lo12:mmu_boot_regs
	ldp	x2, x3, [x1]			/* mair, tcr */
	ldp	x4, x5, [x1, #16]		/* ttbr0, sctlr */
	msr	mair_el2, x2
	msr	tcr_el2, x3
	msr	ttbr0_el2, x4
	isb
	tlbi	alle2
	dsb	ish
	isb
	msr	sctlr_el2, x5
	isb
	adrp	x1, boot_stacks
	add	x1, x1, :lo12:boot_stacks
	mov	x2, #SKIFF_STACK_SIZE
	madd	x1, x19, x2, x1
	add	sp, x1, #SKIFF_STACK_SIZE
	sub	sp, sp, #EXC_FRAME_SIZE
	adr	x1, el2_vectors
	msr	vbar_el2, x1
	isb
	mov	x0, x19
	bl	boot_secondary
	b	cpu_halt

	.globl	cpu_halt
cpu_halt:
	msr	daifset, #0xf
1:	wfi
	b	1b

	.ltorg

	.bss
	.balign	16
	.globl	boot_stacks
boot_stacks:
	.skip	SKIFF_MAX_CPUS * SKIFF_STACK_SIZE

	.balign	8
	.globl	boot_cpu_ids
boot_cpu_ids:
	.skip	(1 + SKIFF_MAX_CPUS) * 8
