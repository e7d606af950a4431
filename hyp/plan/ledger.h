/*
 * ledger.h - the ownership ledger: who owns which MMIO range, SPI and CPU (a guest, or skiff
 * itself), and allocation of addresses and SPIs for what skiff places (virtual devices).
 * Every claim is checked against every other; a conflict is refused with a message that
 * names the claimant, the node and the resource and its owner. Plain C.
 */
#ifndef SKIFF_HYP_LEDGER_H
#define SKIFF_HYP_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LEDGER_MAX 512 /* claims: RK3399 with devices = "all" makes 199 */
#define LEDGER_OWNER_SKIFF (-1)
#define LEDGER_PAGE 0x1000ull

enum ledger_kind {
	LEDGER_MMIO,
	LEDGER_SPI,
	LEDGER_CPU,
};

struct ledger_entry {
	enum ledger_kind kind;
	uint64_t base;	  /* address, INTID or MPIDR */
	uint64_t size;	  /* bytes; 1 for SPIs and CPUs */
	int owner;	  /* guest index, or LEDGER_OWNER_SKIFF */
	const char *what; /* node path or a description, for messages (not copied) */
};

struct ledger {
	unsigned int count;
	struct ledger_entry e[LEDGER_MAX];
	const char *owner_name[8]; /* owner_name[i] for guest i ("guest@0"); skiff is "skiff" */
};

void ledger_init(struct ledger *l);

/*
 * Claims. 0 on success, -1 with err, for example
 * "guest@0: /pl011@9000000: MMIO 0x9000000+0x1000 already assigned to guest@1 (/pl011@9000000)".
 * MMIO: a range must not overlap another claim. A range that does not fill whole pages
 * (virtio-mmio transports are 0x200) is accepted only when every other claim in those pages
 * has the same owner; otherwise "not page-aligned and shares page 0x... with ...".
 */
int ledger_claim_mmio(struct ledger *l, int owner, uint64_t base, uint64_t size, const char *what,
		      char *err, size_t err_size);
int ledger_claim_spi(struct ledger *l, int owner, uint32_t intid, const char *what, char *err,
		     size_t err_size);
int ledger_claim_cpu(struct ledger *l, int owner, uint64_t mpidr, const char *what, char *err,
		     size_t err_size);

/* Allocation for skiff-placed devices: the lowest size-aligned range of size bytes inside
 * [lo, hi) that overlaps no claim, claimed for owner; 0 when there is none. */
uint64_t ledger_alloc_mmio(struct ledger *l, int owner, uint64_t size, uint64_t lo, uint64_t hi,
			   const char *what);
/* The lowest free SPI INTID in [lo, hi) (INTIDs, not SPI numbers) claimed for owner; 0 when
 * there is none. */
uint32_t ledger_alloc_spi(struct ledger *l, int owner, uint32_t lo, uint32_t hi, const char *what);

/* The first part of the 4 KiB page at page that no MMIO claim of owner covers: its size, 0
 * when owner's claims cover the whole page; *gap gets its address. */
uint64_t ledger_page_gap(const struct ledger *l, int owner, uint64_t page, uint64_t *gap);

/* Take back every claim made after the ledger held count (a device tried and left out). */
static inline void ledger_undo(struct ledger *l, unsigned int count)
{
	if (count < l->count)
		l->count = count;
}

/* Owner of the claim containing [base, base + size) of kind, or -2 when none. */
int ledger_owner(const struct ledger *l, enum ledger_kind kind, uint64_t base, uint64_t size);

#endif
