/*
 * stage2.h - a VM's stage-2 translation (IPA -> PA): VTCR_EL2 for this CPU's physical
 * address size, and mappings of RAM (normal write-back) and device pages (device-nGnRE).
 * Tables come from a pool in .bss. Nothing is mapped that the caller does not ask for.
 */
#ifndef SKIFF_ARCH_STAGE2_H
#define SKIFF_ARCH_STAGE2_H

#include <stdint.h>

#include "arch/arm64/pgtable.h"

/* Stage-2 descriptor bits (Arm ARM D8.3.2): MemAttr[5:2], S2AP[7:6], XN[54:53] */
#define S2_MEMATTR_DEVICE_nGnRE (0x1ull << 2)
#define S2_MEMATTR_NORMAL_WB (0xfull << 2)
#define S2_AP_RW (0x3ull << 6)
#define S2_XN (0x2ull << 53)

/* VTCR_EL2 */
#define VTCR_T0SZ(bits) (64ull - (bits))
#define VTCR_SL0_SHIFT 6
#define VTCR_SL0_L0 (2ull << VTCR_SL0_SHIFT) /* 4K granule: start at level 0 */
#define VTCR_SL0_L1 (1ull << VTCR_SL0_SHIFT)
#define VTCR_IRGN0_WBWA (1ull << 8)
#define VTCR_ORGN0_WBWA (1ull << 10)
#define VTCR_SH0_INNER (3ull << 12)
#define VTCR_TG0_4K (0ull << 14)
#define VTCR_PS_SHIFT 16
#define VTCR_RES1 (1ull << 31)

#define VTTBR_VMID_SHIFT 48

/* Translation tables for every guest's stage 2 together (hyp/plan/assign.c checks a configuration
 * fits, with pt_tables_needed()). */
#define STAGE2_POOL_TABLES 64

struct stage2 {
	struct pgtable pt;
	uint64_t vtcr;
	unsigned int ipa_bits;
	bool ram_pages; /* RAM and shared memory page by page (stage2-4k-pages), devices as before
			 */
};

/* More tables for every guest's stage 2, once the static pool is used up: count tables at
 * pages, 4 KiB-aligned memory only skiff maps (its reservation, hyp/guests/guests.c). */
void stage2_add_pool(uint64_t (*pages)[PT_ENTRIES], unsigned int count);

/* Set up an empty stage-2 for this CPU's PARange (IPA size = PA size, at most 48 bits).
 * Returns 0 or PT_ERR_NOMEM. */
int stage2_init(struct stage2 *s2);
int stage2_map_ram(struct stage2 *s2, uint64_t ipa, uint64_t size);
int stage2_map_device(struct stage2 *s2, uint64_t ipa, uint64_t size);
/* Memory two guests share (a channel's): as RAM, but never executable. */
int stage2_map_shared(struct stage2 *s2, uint64_t ipa, uint64_t size);
/* Device memory at ipa backed by pa (a GICv2's GICV pages where the guest's GICC is). */
int stage2_map_device_at(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size);
uint64_t stage2_vttbr(const struct stage2 *s2, unsigned int vmid);

#endif
