/*
 * stage2.c - builds stage-2 tables for VMs (identity IPA == PA, docs/isolation.md "Stage 2",
 * but for a GICv2's virtual CPU interface, which the guest finds where GICC is) and computes
 * VTCR_EL2. Reads ID_AA64MMFR0_EL1; writes only tables.
 */
#include "arch/arm64/stage2.h"
#include "arch/arm64/sysreg.h"

#include <stddef.h>

#define S2_MAX_IPA_BITS 48
/* A walk that starts at level 0 needs a PA size above 42 bits with 4 KiB pages (Arm ARM
 * D8.2.5, AArch64.S2InvalidSL): a Cortex-A53 or A55 (40 bits) starts at level 1, whose one
 * table covers 39 bits of IPA; skiff does not concatenate tables for the last bit or three. */
#define S2_MIN_L0_IPA_BITS 43
#define S2_L1_MAX_IPA_BITS 39

#define S2_ATTR_COMMON (PTE_AF | PTE_SH_INNER | S2_AP_RW)
#define S2_ATTR_RAM (S2_ATTR_COMMON | S2_MEMATTR_NORMAL_WB)
#define S2_ATTR_DEVICE (PTE_AF | S2_AP_RW | S2_MEMATTR_DEVICE_nGnRE | S2_XN)

static const unsigned int parange_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

static uint64_t tables[STAGE2_POOL_TABLES][PT_ENTRIES] __attribute__((aligned(PT_PAGE_SIZE)));
static struct pt_pool pool = { .pages = tables, .count = STAGE2_POOL_TABLES };
static struct pt_pool more; /* stage2_add_pool() */

void stage2_add_pool(uint64_t (*pages)[PT_ENTRIES], unsigned int count)
{
	more = (struct pt_pool){ .pages = pages, .count = count };
}

/* the static pool first, then the added one */
static uint64_t *s2_alloc(void *ctx)
{
	uint64_t *t = pt_pool_alloc(ctx);

	return t ? t : pt_pool_alloc(&more);
}

int stage2_init(struct stage2 *s2)
{
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & ID_AA64MMFR0_PARANGE_MASK;
	unsigned int bits;

	if (parange >= sizeof(parange_bits) / sizeof(parange_bits[0]))
		parange = 5;
	bits = parange_bits[parange];
	if (bits > S2_MAX_IPA_BITS) {
		bits = S2_MAX_IPA_BITS;
		parange = 5;
	}
	if (bits < S2_MIN_L0_IPA_BITS && bits > S2_L1_MAX_IPA_BITS)
		bits = S2_L1_MAX_IPA_BITS;
	s2->ipa_bits = bits;
	s2->ram_pages = false; /* blocks where they fit, unless the caller says otherwise */
	s2->pt.alloc = s2_alloc;
	s2->pt.ctx = &pool;
	s2->pt.start_level = bits >= S2_MIN_L0_IPA_BITS ? 0 : 1;
	s2->pt.root = s2_alloc(&pool); /* a root too may come from the added pool */
	if (!s2->pt.root)
		return PT_ERR_NOMEM;
	s2->vtcr = VTCR_RES1 | VTCR_T0SZ(bits) |
		   (s2->pt.start_level == 0 ? VTCR_SL0_L0 : VTCR_SL0_L1) | VTCR_IRGN0_WBWA |
		   VTCR_ORGN0_WBWA | VTCR_SH0_INNER | VTCR_TG0_4K | (parange << VTCR_PS_SHIFT);
	return 0;
}

/* RAM, paged if s2->ram_pages: a block at stage 2 makes QEMU's TCG hold every guest TLB entry
 * in it as a large page, and flush the vCPU's whole TLB for a TLBI of any page in one
 * (docs/config.md, stage2-4k-pages). */
static int map_ram(struct stage2 *s2, uint64_t ipa, uint64_t size, uint64_t attrs)
{
	int ret;

	s2->pt.no_blocks = s2->ram_pages;
	ret = pt_map(&s2->pt, ipa, ipa, size, attrs);
	s2->pt.no_blocks = false;
	return ret;
}

int stage2_map_ram(struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	return map_ram(s2, ipa, size, S2_ATTR_RAM);
}

int stage2_map_shared(struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	return map_ram(s2, ipa, size, S2_ATTR_RAM | S2_XN);
}

int stage2_map_device(struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	return pt_map(&s2->pt, ipa, ipa, size, S2_ATTR_DEVICE);
}

int stage2_map_device_at(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size)
{
	return pt_map(&s2->pt, ipa, pa, size, S2_ATTR_DEVICE);
}

uint64_t stage2_vttbr(const struct stage2 *s2, unsigned int vmid)
{
	return ((uint64_t)vmid << VTTBR_VMID_SHIFT) | (uint64_t)(uintptr_t)s2->pt.root;
}
