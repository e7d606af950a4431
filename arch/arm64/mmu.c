/*
 * mmu.c - skiff's EL2 stage-1 identity map: the image with W^X permissions, the DTB, RAM
 * (normal, write-back) and the devices skiff drives (device-nGnRE), with tables from a
 * fixed pool in .bss. Touches TTBR0/TCR/MAIR/SCTLR_EL2 and nothing of the platform.
 */
#include "arch/arm64/mmu.h"
#include "arch/arm64/cache.h"
#include "arch/arm64/layout.h"
#include "arch/arm64/pgtable.h"
#include "arch/arm64/sysreg.h"

#include <stddef.h>

#define MMU_POOL_PAGES 48
#define MMU_VA_BITS 48
#define MMU_MAX_PARANGE 5 /* 48 bits: the largest TCR_EL2.PS a 4K, 4-level map needs */

#define ATTR_COMMON (PTE_AF | PTE_SH_INNER)
#define ATTR_NORMAL_RW (ATTR_COMMON | PTE_ATTRINDX(MAIR_IDX_NORMAL) | PTE_XN)
#define ATTR_NORMAL_RX (ATTR_COMMON | PTE_ATTRINDX(MAIR_IDX_NORMAL) | PTE_AP_RO)
#define ATTR_NORMAL_RO (ATTR_COMMON | PTE_ATTRINDX(MAIR_IDX_NORMAL) | PTE_AP_RO | PTE_XN)
#define ATTR_DEVICE (PTE_AF | PTE_ATTRINDX(MAIR_IDX_DEVICE) | PTE_XN)

extern char _start_image[], _text_end[], _rodata_end[], _end[];

struct mmu_boot_regs mmu_boot_regs;

static uint64_t tables[MMU_POOL_PAGES][PT_ENTRIES] __attribute__((aligned(PT_PAGE_SIZE)));
static struct pt_pool pool = { .pages = tables, .count = MMU_POOL_PAGES };
static struct mmu_reserved reserved;

static struct pgtable el2_map = {
	.alloc = pt_pool_alloc,
	.ctx = &pool,
	.start_level = 0,
};

static uint64_t page_down(uint64_t x)
{
	return x & ~(PT_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t x)
{
	return page_down(x + PT_PAGE_SIZE - 1);
}

static int map_image(uint64_t base)
{
	uint64_t text_end = (uint64_t)(uintptr_t)_text_end;
	uint64_t ro_end = (uint64_t)(uintptr_t)_rodata_end;
	uint64_t end = (uint64_t)(uintptr_t)_end;
	int ret;

	ret = pt_map(&el2_map, base, base, text_end - base, ATTR_NORMAL_RX);
	if (!ret)
		ret = pt_map(&el2_map, text_end, text_end, ro_end - text_end, ATTR_NORMAL_RO);
	if (!ret)
		ret = pt_map(&el2_map, ro_end, ro_end, end - ro_end, ATTR_NORMAL_RW);
	return ret;
}

static uint64_t tcr_value(void)
{
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & ID_AA64MMFR0_PARANGE_MASK;

	if (parange > MMU_MAX_PARANGE)
		parange = MMU_MAX_PARANGE;
	return TCR_EL2_RES1 | TCR_EL2_T0SZ(MMU_VA_BITS) | TCR_EL2_IRGN0_WBWA | TCR_EL2_ORGN0_WBWA |
	       TCR_EL2_SH0_INNER | TCR_EL2_TG0_4K | (parange << TCR_EL2_PS_SHIFT);
}

int mmu_enable_boot(uint64_t image_base, uint64_t dtb, uint64_t dtb_size, uint64_t early_uart)
{
	uint64_t end = (uint64_t)(uintptr_t)_end;
	int ret;

	reserved.base = image_base;
	reserved.end = (end + SKIFF_BLOCK_SIZE - 1) & ~(uint64_t)(SKIFF_BLOCK_SIZE - 1);
	el2_map.root = pt_pool_alloc(&pool);
	ret = map_image(image_base);
	if (!ret && dtb && dtb_size)
		ret = pt_map(&el2_map, page_down(dtb), page_down(dtb),
			     page_up(dtb + dtb_size) - page_down(dtb), ATTR_NORMAL_RW);
	if (!ret && early_uart)
		ret = mmu_map_device(page_down(early_uart), PT_PAGE_SIZE);
	if (ret)
		return ret;

	mmu_boot_regs.mair = MAIR_EL2_VALUE;
	mmu_boot_regs.tcr = tcr_value();
	mmu_boot_regs.ttbr0 = (uint64_t)(uintptr_t)el2_map.root;
	mmu_boot_regs.sctlr = SCTLR_EL2_RES1 | SCTLR_EL2_M | SCTLR_EL2_C | SCTLR_EL2_SA |
			      SCTLR_EL2_I | SCTLR_EL2_WXN;

	/* Everything so far was written with the caches off: drop stale lines first. */
	cache_inval_range(image_base, end);
	write_sysreg(mair_el2, mmu_boot_regs.mair);
	write_sysreg(tcr_el2, mmu_boot_regs.tcr);
	write_sysreg(ttbr0_el2, mmu_boot_regs.ttbr0);
	isb();
	__asm__ volatile("tlbi alle2" ::: "memory");
	dsb_ish();
	isb();
	write_sysreg(sctlr_el2, mmu_boot_regs.sctlr);
	isb();
	/* Secondaries read these with their caches off. */
	cache_clean_range((uint64_t)(uintptr_t)&mmu_boot_regs,
			  (uint64_t)(uintptr_t)(&mmu_boot_regs + 1));
	return 0;
}

static int map_live(uint64_t base, uint64_t size, uint64_t attrs)
{
	int ret;

	if (!size)
		return 0;
	ret = pt_map(&el2_map, page_down(base), page_down(base),
		     page_up(base + size) - page_down(base), attrs);
	dsb_ish();
	isb();
	return ret;
}

int mmu_map_ram(uint64_t base, uint64_t size)
{
	uint64_t end = base + size;
	int ret = 0;

	if (base < reserved.base)
		ret = map_live(base, (end < reserved.base ? end : reserved.base) - base,
			       ATTR_NORMAL_RW);
	if (!ret && end > reserved.end) {
		uint64_t from = base > reserved.end ? base : reserved.end;

		ret = map_live(from, end - from, ATTR_NORMAL_RW);
	}
	return ret;
}

int mmu_map_device(uint64_t base, uint64_t size)
{
	return map_live(base, size, ATTR_DEVICE);
}

struct mmu_reserved mmu_reserved(void)
{
	return reserved;
}

void mmu_set_reserved(struct mmu_reserved r)
{
	reserved = r;
}

unsigned int mmu_tables_used(void)
{
	return pool.used;
}
