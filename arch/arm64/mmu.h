/*
 * mmu.h - skiff's own EL2 stage-1 address space: an identity map of its image (W^X), the
 * DTB, RAM and the devices it drives. Built once at boot, shared by every CPU.
 */
#ifndef SKIFF_ARCH_MMU_H
#define SKIFF_ARCH_MMU_H

#include <stdint.h>

/* Read by boot.S for secondary CPUs before their MMU is on; cleaned to PoC. */
struct mmu_boot_regs {
	uint64_t mair;
	uint64_t tcr;
	uint64_t ttbr0;
	uint64_t sctlr;
};
extern struct mmu_boot_regs mmu_boot_regs;

/* [base, end) of the memory skiff keeps for itself: the image rounded up to 2 MiB. */
struct mmu_reserved {
	uint64_t base;
	uint64_t end;
};

/*
 * Build the boot map (image, the DTB's pages, the early console page) and turn on the MMU
 * and caches on the boot CPU. Returns 0, or a PT_ERR_* if the tables cannot be built.
 */
int mmu_enable_boot(uint64_t image_base, uint64_t dtb, uint64_t dtb_size, uint64_t early_uart);

/* Map normal memory (RAM) leaving skiff's own image out; returns 0 or a PT_ERR_*. */
int mmu_map_ram(uint64_t base, uint64_t size);
/* Map a device region (device-nGnRE, never executable); returns 0 or a PT_ERR_*. */
int mmu_map_device(uint64_t base, uint64_t size);

struct mmu_reserved mmu_reserved(void);
/* skiff keeps more: r holds what it keeps and RAM next to it that mmu_map_ram() mapped
 * read-write (stage2-4k-pages's tables, hyp/guests/guests.c), which no guest is given. */
void mmu_set_reserved(struct mmu_reserved r);
unsigned int mmu_tables_used(void);

#endif
