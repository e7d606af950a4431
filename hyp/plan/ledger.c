/*
 * ledger.c - the ownership ledger: a flat list of claims (MMIO ranges, SPIs, CPUs), each
 * checked against every other before it is added, and first-fit allocation of MMIO ranges
 * and SPIs for the devices skiff places itself. Plain data and arithmetic: knows nothing of
 * device trees, configs or hardware, and never removes a claim.
 */
#include <string.h>

#include "hyp/plan/ledger.h"
#include "lib/printf.h"

#define LEDGER_SPI_FIRST 32u /* INTIDs 32..1019 are SPIs */
#define LEDGER_SPI_END 1020u /* one past the last SPI INTID */
#define LEDGER_NO_CONFLICT (-1)
#define LEDGER_NO_OWNER (-2)
#define PAGE_MASK (~(LEDGER_PAGE - 1))

void ledger_init(struct ledger *l)
{
	memset(l, 0, sizeof(*l));
}

static const char *owner_str(const struct ledger *l, int owner)
{
	if (owner == LEDGER_OWNER_SKIFF)
		return "skiff";
	if (owner >= 0 && owner < (int)(sizeof(l->owner_name) / sizeof(l->owner_name[0])) &&
	    l->owner_name[owner])
		return l->owner_name[owner];
	return "an unnamed owner";
}

static uint64_t last_of(uint64_t base, uint64_t size)
{
	return base + (size ? size - 1 : 0);
}

static bool overlaps(const struct ledger_entry *e, uint64_t base, uint64_t last)
{
	return e->base <= last && base <= last_of(e->base, e->size);
}

/* A range that does not cover whole pages shares its first or last page with its neighbours. */
static bool sub_page(uint64_t base, uint64_t size)
{
	return (base | size) & (LEDGER_PAGE - 1);
}

/*
 * The claim that [base, base + size) of kind by owner would conflict with, or
 * LEDGER_NO_CONFLICT: one it overlaps, or, for MMIO, one of another owner in a page that a
 * sub-page range touches (stage 2 maps whole pages, so that page would be given to both).
 */
static int find_conflict(const struct ledger *l, enum ledger_kind kind, int owner, uint64_t base,
			 uint64_t size)
{
	uint64_t last = last_of(base, size);
	bool partial = kind == LEDGER_MMIO && sub_page(base, size);
	unsigned int i;

	for (i = 0; i < l->count; i++) {
		const struct ledger_entry *e = &l->e[i];

		if (e->kind != kind)
			continue;
		if (overlaps(e, base, last))
			return (int)i;
		if (partial && e->owner != owner &&
		    overlaps(e, base & PAGE_MASK, last | (LEDGER_PAGE - 1)))
			return (int)i;
	}
	return LEDGER_NO_CONFLICT;
}

static void describe(char *buf, size_t size, enum ledger_kind kind, uint64_t base, uint64_t len)
{
	if (kind == LEDGER_MMIO)
		fmt_snprintf(buf, size, "MMIO 0x%llx+0x%llx", (unsigned long long)base,
			     (unsigned long long)len);
	else if (kind == LEDGER_SPI)
		fmt_snprintf(buf, size, "SPI %llu (INTID %llu)",
			     (unsigned long long)(base - LEDGER_SPI_FIRST),
			     (unsigned long long)base);
	else
		fmt_snprintf(buf, size, "CPU 0x%llx", (unsigned long long)base);
}

static void add(struct ledger *l, enum ledger_kind kind, int owner, uint64_t base, uint64_t size,
		const char *what)
{
	struct ledger_entry *e = &l->e[l->count++];

	e->kind = kind;
	e->base = base;
	e->size = size;
	e->owner = owner;
	e->what = what;
}

static int claim(struct ledger *l, enum ledger_kind kind, int owner, uint64_t base, uint64_t size,
		 const char *what, char *err, size_t err_size)
{
	const char *who = owner_str(l, owner);
	char res[48];
	int i;

	describe(res, sizeof(res), kind, base, size);
	if (kind == LEDGER_MMIO && !size) {
		fmt_snprintf(err, err_size, "%s: %s: %s is empty", who, what, res);
		return -1;
	}
	if (base + (size - 1) < base) {
		fmt_snprintf(err, err_size, "%s: %s: %s wraps around", who, what, res);
		return -1;
	}
	i = find_conflict(l, kind, owner, base, size);
	if (i != LEDGER_NO_CONFLICT) {
		const struct ledger_entry *e = &l->e[i];

		if (overlaps(e, base, last_of(base, size)))
			fmt_snprintf(err, err_size, "%s: %s: %s already assigned to %s (%s)", who,
				     what, res, owner_str(l, e->owner), e->what);
		else
			fmt_snprintf(
				err, err_size,
				"%s: %s: %s is not page-aligned and shares page 0x%llx with "
				"%s (%s)",
				who, what, res,
				(unsigned long long)((base > e->base ? base : e->base) & PAGE_MASK),
				owner_str(l, e->owner), e->what);
		return -1;
	}
	if (l->count == LEDGER_MAX) {
		fmt_snprintf(err, err_size, "%s: %s: %s: the ledger is full (%d claims)", who, what,
			     res, LEDGER_MAX);
		return -1;
	}
	add(l, kind, owner, base, size, what);
	return 0;
}

int ledger_claim_mmio(struct ledger *l, int owner, uint64_t base, uint64_t size, const char *what,
		      char *err, size_t err_size)
{
	return claim(l, LEDGER_MMIO, owner, base, size, what, err, err_size);
}

int ledger_claim_spi(struct ledger *l, int owner, uint32_t intid, const char *what, char *err,
		     size_t err_size)
{
	if (intid < LEDGER_SPI_FIRST || intid >= LEDGER_SPI_END) {
		fmt_snprintf(err, err_size, "%s: %s: INTID %u is not an SPI (%u..%u)",
			     owner_str(l, owner), what, intid, LEDGER_SPI_FIRST,
			     LEDGER_SPI_END - 1);
		return -1;
	}
	return claim(l, LEDGER_SPI, owner, intid, 1, what, err, err_size);
}

int ledger_claim_cpu(struct ledger *l, int owner, uint64_t mpidr, const char *what, char *err,
		     size_t err_size)
{
	return claim(l, LEDGER_CPU, owner, mpidr, 1, what, err, err_size);
}

/* The lowest multiple of align at or above v; 0 when there is none below 2^64. */
static uint64_t align_up(uint64_t v, uint64_t align)
{
	uint64_t r = v % align;

	if (!r)
		return v;
	return v + (align - r) < v ? 0 : v + (align - r);
}

uint64_t ledger_alloc_mmio(struct ledger *l, int owner, uint64_t size, uint64_t lo, uint64_t hi,
			   const char *what)
{
	uint64_t at;

	if (!size || l->count == LEDGER_MAX)
		return 0;
	/* 0 means "none" to the caller, so a window at 0 starts one slot up. */
	at = align_up(lo ? lo : size, size);
	while (at && at >= lo && hi >= size && at <= hi - size) {
		int i = find_conflict(l, LEDGER_MMIO, owner, at, size);
		const struct ledger_entry *e;
		uint64_t next;

		if (i == LEDGER_NO_CONFLICT) {
			add(l, LEDGER_MMIO, owner, at, size, what);
			return at;
		}
		/* Past the claim in the way, or past its last page if it only shares one. */
		e = &l->e[i];
		next = last_of(e->base, e->size);
		if (!overlaps(e, at, last_of(at, size)))
			next |= LEDGER_PAGE - 1;
		at = align_up(next + 1, size); /* 0 past the top: the loop ends */
	}
	return 0;
}

uint32_t ledger_alloc_spi(struct ledger *l, int owner, uint32_t lo, uint32_t hi, const char *what)
{
	uint32_t intid;

	if (l->count == LEDGER_MAX)
		return 0;
	if (lo < LEDGER_SPI_FIRST)
		lo = LEDGER_SPI_FIRST;
	if (hi > LEDGER_SPI_END)
		hi = LEDGER_SPI_END;
	for (intid = lo; intid < hi; intid++) {
		if (find_conflict(l, LEDGER_SPI, owner, intid, 1) == LEDGER_NO_CONFLICT) {
			add(l, LEDGER_SPI, owner, intid, 1, what);
			return intid;
		}
	}
	return 0;
}

int ledger_owner(const struct ledger *l, enum ledger_kind kind, uint64_t base, uint64_t size)
{
	uint64_t last = last_of(base, size);
	unsigned int i;

	for (i = 0; i < l->count; i++) {
		const struct ledger_entry *e = &l->e[i];

		if (e->kind == kind && e->base <= base && last <= last_of(e->base, e->size))
			return e->owner;
	}
	return LEDGER_NO_OWNER;
}

uint64_t ledger_page_gap(const struct ledger *l, int owner, uint64_t page, uint64_t *gap)
{
	uint64_t cur = page & PAGE_MASK, end = cur + LEDGER_PAGE;

	while (cur < end) {
		uint64_t next = end;
		bool covered = false;
		unsigned int i;

		for (i = 0; i < l->count && !covered; i++) {
			const struct ledger_entry *e = &l->e[i];

			if (e->kind != LEDGER_MMIO || e->owner != owner)
				continue;
			if (e->base <= cur && cur <= last_of(e->base, e->size)) {
				if (last_of(e->base, e->size) >= end - 1)
					return 0; /* covered to the end of the page */
				covered = true;
				cur = last_of(e->base, e->size) + 1;
			} else if (e->base > cur && e->base < next) {
				next = e->base;
			}
		}
		if (!covered) {
			*gap = cur;
			return next - cur;
		}
	}
	return 0;
}
