/*
 * layout.h - sizes and offsets the test guests' assembly and C share: per-CPU stacks, the
 * exception frame, the arm64 Image header flags. Constants only; no code.
 */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#define GUEST_MAX_CPUS 8
#define GUEST_STACK_SIZE 0x4000

/* arm64 Image header (Documentation/arch/arm64/booting.rst) */
#define IMAGE_FLAGS_PAGE_4K (1 << 1)	   /* bits 2:1 = 1: 4 KiB pages */
#define IMAGE_FLAGS_PHYS_ANYWHERE (1 << 3) /* may be placed anywhere in RAM */
#define IMAGE_MAGIC 0x644d5241		   /* "ARM\x64" */

/* struct exc_frame: x0..x30, elr, spsr; 16-byte aligned */
#define FRAME_X(n) ((n)*8)
#define FRAME_ELR (31 * 8)
#define FRAME_SPSR (32 * 8)
#define FRAME_SIZE (34 * 8)

/* Which vector an exception came through (the order of the table) */
#define EXC_SYNC_SP0 0
#define EXC_IRQ_SP0 1
#define EXC_FIQ_SP0 2
#define EXC_SERROR_SP0 3
#define EXC_SYNC_SPX 4
#define EXC_IRQ_SPX 5
#define EXC_FIQ_SPX 6
#define EXC_SERROR_SPX 7
#define EXC_SYNC_LOWER64 8
#define EXC_IRQ_LOWER64 9
#define EXC_FIQ_LOWER64 10
#define EXC_SERROR_LOWER64 11
#define EXC_SYNC_LOWER32 12
#define EXC_IRQ_LOWER32 13
#define EXC_FIQ_LOWER32 14
#define EXC_SERROR_LOWER32 15

/* struct mmu_boot_regs: what a secondary CPU loads to turn its MMU on */
#define MMU_REGS_MAIR 0
#define MMU_REGS_TCR 8
#define MMU_REGS_TTBR0 16

/* SCTLR_EL1 bits the boot code sets or clears */
#define SCTLR_M (1 << 0)
#define SCTLR_A (1 << 1)
#define SCTLR_C (1 << 2)
#define SCTLR_I (1 << 12)

/* MPIDR_EL1 affinity fields: Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0] */
#define MPIDR_AFF_MASK 0xff00ffffffUL
#define MPIDR_AFF0_MASK 0xffUL

#define R_AARCH64_RELATIVE 1027

/* EL2 as start.S leaves it when it drops to EL1 */
#define HCR_EL2_RW (1 << 31)
#define CNTHCTL_EL1PCTEN (1 << 0)
#define CNTHCTL_EL1PCEN (1 << 1)
#define CPTR_EL2_RES1 0x33ff
#define ID_AA64PFR0_GIC_SHIFT 24
#define ICC_SRE_EL2 S3_4_C12_C9_5
#define ICC_SRE_EL2_SRE (1 << 0)
#define ICC_SRE_EL2_ENABLE (1 << 3)
#define SPSR_EL1H_DAIF 0x3c5 /* EL1h, D, A, I and F masked */

#endif
