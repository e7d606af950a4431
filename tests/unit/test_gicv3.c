/*
 * test_gicv3.c - host unit tests for the MMIO half of drivers/gicv3.c. The driver's accessors
 * are plain volatile loads and stores, so each test hands it heap memory laid out like the
 * device: redistributor regions of RD + SGI frames with GICR_TYPER filled in, a 64 KiB
 * distributor with PIDR2 and TYPER set. Buffers are sized exactly, so AddressSanitizer
 * reports any access outside the frames; the rest is checked by comparing the whole buffer
 * with an image of what the driver must have written. The CPU interface (system registers)
 * is not built here.
 */
#define _POSIX_C_SOURCE 200809L /* alarm() */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "drivers/gicv3.h"
#include "drivers/gicv3_regs.h"

#define SZ_64K 0x10000UL
#define RD_V3 0x20000UL /* RD + SGI frames */
#define RD_V4 0x40000UL /* + VLPI + reserved */
#define GICD_SIZE 0x10000UL

#define SENTINEL 0x5a /* fill byte: never a value the driver writes */
#define MAX_BUFS 4
#define POLL_TIMEOUT_S 30 /* a poll that never ends kills the test run */

/* MPIDR_EL1 as a CPU reads it: bit 31 is RES1; bit 24 (MT) and bit 30 (U) are not affinity. */
#define MPIDR_RES1 0x80000000ULL
#define MPIDR_MT 0x01000000ULL

struct fixture {
	uint8_t *buf[MAX_BUFS];
	size_t size[MAX_BUFS];
	uint8_t *expect; /* the image a test compares against */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	for (i = 0; i < MAX_BUFS; i++)
		free(f->buf[i]);
	free(f->expect);
	free(f);
	return 0;
}

/* Buffer i of exactly size bytes, 64 KiB-aligned like the frames, filled with fill. */
static uint8_t *fake_mem(struct fixture *f, unsigned int i, size_t size, int fill)
{
	assert_true(i < MAX_BUFS && !f->buf[i]);
	f->buf[i] = aligned_alloc(SZ_64K, size);
	assert_non_null(f->buf[i]);
	memset(f->buf[i], fill, size);
	f->size[i] = size;
	return f->buf[i];
}

static uintptr_t addr(const uint8_t *p)
{
	return (uintptr_t)p;
}

static uint32_t get32(const uint8_t *mem, size_t off)
{
	uint32_t v;

	memcpy(&v, mem + off, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *mem, size_t off)
{
	uint64_t v;

	memcpy(&v, mem + off, sizeof(v));
	return v;
}

static void put32(uint8_t *mem, size_t off, uint32_t v)
{
	memcpy(mem + off, &v, sizeof(v));
}

static void put64(uint8_t *mem, size_t off, uint64_t v)
{
	memcpy(mem + off, &v, sizeof(v));
}

/* A copy of buffer i to build the expected image on. */
static uint8_t *expect_from(struct fixture *f, unsigned int i)
{
	free(f->expect);
	f->expect = malloc(f->size[i]);
	assert_non_null(f->expect);
	memcpy(f->expect, f->buf[i], f->size[i]);
	return f->expect;
}

/* Buffer i must equal the expected image; the first difference is reported. */
static void check_image(const struct fixture *f, unsigned int i)
{
	size_t off;

	for (off = 0; off < f->size[i]; off += 4)
		if (get32(f->buf[i], off) != get32(f->expect, off))
			fail_msg("offset 0x%zx: 0x%08x, expected 0x%08x", off,
				 get32(f->buf[i], off), get32(f->expect, off));
}

/* ---- redistributor discovery */

/* GICR_TYPER of the redistributor at mem + off: affinity Aff3.Aff2.Aff1.Aff0 and flags. */
static void set_typer(uint8_t *mem, size_t off, uint32_t aff, unsigned int procnum, uint64_t flags)
{
	put64(mem, off + GICR_TYPER, (uint64_t)aff << 32 | (uint64_t)procnum << 8 | flags);
}

/* n GICv3 redistributors with the given affinities, Last on the final one. */
static uint8_t *fake_gicr(struct fixture *f, unsigned int buf, const uint32_t *aff, unsigned int n)
{
	uint8_t *mem = fake_mem(f, buf, n * RD_V3, 0);
	unsigned int i;

	for (i = 0; i < n; i++)
		set_typer(mem, i * RD_V3, aff[i], i, i == n - 1 ? GICR_TYPER_LAST : 0);
	return mem;
}

static void test_find_each_cpu(void **state)
{
	static const uint32_t aff[] = { 0, 1, 2, 3 };
	struct fixture *f = *state;
	uint8_t *mem = fake_gicr(f, 0, aff, 4);
	struct plat_range r = { addr(mem), 4 * RD_V3 };
	uint64_t i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(gicv3_redist_find(&r, 1, 0, i), addr(mem) + i * RD_V3);
		assert_int_equal(gicv3_redist_find(&r, 1, 0, MPIDR_RES1 | i),
				 addr(mem) + i * RD_V3);
	}
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 4), 0);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x100), 0);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x100000000ULL), 0);
	assert_int_equal(gicv3_redist_find(&r, 0, 0, 0), 0); /* no regions */
}

/* Every affinity level, packed into 32 bits by GICR_TYPER. */
static void test_find_multi_cluster(void **state)
{
	static const uint32_t aff[] = { 0x01000000, 0x00000000, 0x00000100,
					0x00010000, 0x01020304, 0xff000001 };
	struct fixture *f = *state;
	uint8_t *mem = fake_gicr(f, 0, aff, 6);
	struct plat_range r = { addr(mem), 6 * RD_V3 };
	uintptr_t base = addr(mem);

	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x100000000ULL), base);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0), base + RD_V3);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x100), base + 2 * RD_V3);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x10000), base + 3 * RD_V3);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x100020304ULL), base + 4 * RD_V3);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0xff00000001ULL), base + 5 * RD_V3);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, MPIDR_RES1 | 0x10000), base + 3 * RD_V3);

	/* MT and bit 31 are not Aff3: 0x81000000 is affinity 0, not 0x01000000 */
	assert_int_equal(gicv3_redist_find(&r, 1, 0, MPIDR_RES1 | MPIDR_MT), base + RD_V3);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, MPIDR_RES1 | MPIDR_MT | 0x100),
			 base + 2 * RD_V3);

	/* absent */
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x1), 0);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x101), 0);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x200000000ULL), 0);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x100000100ULL), 0);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x00020304), 0);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x01000001), 0);
}

/* Last ends the walk of a region: an entry after it is not a redistributor. */
static void test_find_stops_at_last(void **state)
{
	struct fixture *f = *state;
	uint8_t *a = fake_mem(f, 0, 3 * RD_V3, 0);
	uint8_t *b;
	struct plat_range r[2];

	set_typer(a, 0, 0, 0, 0);
	set_typer(a, RD_V3, 1, 1, GICR_TYPER_LAST);
	set_typer(a, 2 * RD_V3, 2, 2, 0); /* beyond Last */
	r[0].base = addr(a);
	r[0].size = 3 * RD_V3;

	assert_int_equal(gicv3_redist_find(r, 1, 0, 1), addr(a) + RD_V3);
	assert_int_equal(gicv3_redist_find(r, 1, 0, 2), 0);

	/* ...but only that region's walk: the next region is still searched */
	b = fake_mem(f, 1, RD_V3, 0);
	set_typer(b, 0, 2, 3, GICR_TYPER_LAST);
	r[1].base = addr(b);
	r[1].size = RD_V3;
	assert_int_equal(gicv3_redist_find(r, 2, 0, 2), addr(b));
	assert_int_equal(gicv3_redist_find(r, 2, 0, 0), addr(a));
}

/* Without Last the walk ends at the region's end (ASan catches reads past it). */
static void test_find_no_last(void **state)
{
	struct fixture *f = *state;
	uint8_t *mem = fake_mem(f, 0, 3 * RD_V3, 0);
	struct plat_range r = { addr(mem), 3 * RD_V3 };
	unsigned int i;

	for (i = 0; i < 3; i++)
		set_typer(mem, i * RD_V3, 0x10 + i, i, 0);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x12), addr(mem) + 2 * RD_V3);
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x13), 0);
}

/* A DT redistributor-stride replaces the TYPER-derived one. */
static void test_find_dt_stride(void **state)
{
	struct fixture *f = *state;
	uint8_t *mem = fake_mem(f, 0, 4 * RD_V4, 0);
	struct plat_range r = { addr(mem), 4 * RD_V4 };
	unsigned int i;

	/* 256 KiB stride, VLPIS clear; decoys in the gaps where a 128 KiB walk would look */
	for (i = 0; i < 4; i++) {
		set_typer(mem, i * RD_V4, i, i, i == 3 ? GICR_TYPER_LAST : 0);
		set_typer(mem, i * RD_V4 + RD_V3, 0x10 + i, 0, 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(gicv3_redist_find(&r, 1, RD_V4, i), addr(mem) + i * RD_V4);
		assert_int_equal(gicv3_redist_find(&r, 1, RD_V4, 0x10 + i), 0);
	}

	/* 128 KiB stride although VLPIS is set: the DT wins */
	memset(mem, 0, 4 * RD_V4);
	for (i = 0; i < 8; i++)
		set_typer(mem, i * RD_V3, i, i, GICR_TYPER_VLPIS | (i == 7 ? GICR_TYPER_LAST : 0));
	for (i = 0; i < 8; i++)
		assert_int_equal(gicv3_redist_find(&r, 1, RD_V3, i), addr(mem) + i * RD_V3);
	assert_int_equal(gicv3_redist_find(&r, 1, RD_V3, 8), 0);
}

/* GICv4 redistributors (VLPIS) are 256 KiB apart when no stride is given. */
static void test_find_vlpis(void **state)
{
	struct fixture *f = *state;
	uint8_t *mem = fake_mem(f, 0, 4 * RD_V4, 0);
	struct plat_range r = { addr(mem), 4 * RD_V4 };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		set_typer(mem, i * RD_V4, 0x100 * i, i,
			  GICR_TYPER_VLPIS | (i == 3 ? GICR_TYPER_LAST : 0));
		set_typer(mem, i * RD_V4 + RD_V3, 0x20 + i, 0, 0); /* the VLPI frame */
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x100 * i), addr(mem) + i * RD_V4);
		assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x20 + i), 0);
	}
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0x400), 0);
}

static void test_find_multiple_regions(void **state)
{
	static const uint32_t aff_a[] = { 0x0, 0x1 };
	static const uint32_t aff_b[] = { 0x100, 0x101, 0x102 };
	static const uint32_t aff_c[] = { 0x1000000 };
	struct fixture *f = *state;
	uint8_t *a = fake_gicr(f, 0, aff_a, 2);
	uint8_t *b = fake_gicr(f, 1, aff_b, 3);
	uint8_t *c = fake_gicr(f, 2, aff_c, 1);
	const struct plat_range r[3] = {
		{ addr(a), 2 * RD_V3 },
		{ addr(b), 3 * RD_V3 },
		{ addr(c), RD_V3 },
	};

	assert_int_equal(gicv3_redist_find(r, 3, 0, 0x0), addr(a));
	assert_int_equal(gicv3_redist_find(r, 3, 0, 0x1), addr(a) + RD_V3);
	assert_int_equal(gicv3_redist_find(r, 3, 0, 0x100), addr(b));
	assert_int_equal(gicv3_redist_find(r, 3, 0, 0x102), addr(b) + 2 * RD_V3);
	assert_int_equal(gicv3_redist_find(r, 3, 0, 0x100000000ULL), addr(c));
	assert_int_equal(gicv3_redist_find(r, 3, 0, 0x103), 0);
	/* count is honoured */
	assert_int_equal(gicv3_redist_find(r, 2, 0, 0x100000000ULL), 0);
	assert_int_equal(gicv3_redist_find(r, 1, 0, 0x100), 0);
	/* and a stride applies to every region */
	assert_int_equal(gicv3_redist_find(r, 3, RD_V3, 0x102), addr(b) + 2 * RD_V3);
}

/* A region smaller than RD + SGI frames holds no redistributor. */
static void test_find_region_too_small(void **state)
{
	struct fixture *f = *state;
	uint8_t *small = fake_mem(f, 0, SZ_64K, 0);
	uint8_t *odd = fake_mem(f, 1, 3 * SZ_64K, 0);
	uint8_t *full = fake_mem(f, 2, RD_V3, 0);
	struct plat_range r;

	set_typer(small, 0, 0, 0, GICR_TYPER_LAST);
	r.base = addr(small);
	r.size = SZ_64K;
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0), 0);
	r.size = 0;
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0), 0);

	/* one and a half redistributors: the half does not count */
	set_typer(odd, 0, 0, 0, 0);
	set_typer(odd, RD_V3, 1, 1, GICR_TYPER_LAST);
	r.base = addr(odd);
	r.size = 3 * SZ_64K;
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0), addr(odd));
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 1), 0);

	/* a page short of RD + SGI */
	set_typer(full, 0, 0, 0, GICR_TYPER_LAST);
	r.base = addr(full);
	r.size = RD_V3 - 0x1000;
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0), 0);
	r.size = RD_V3;
	assert_int_equal(gicv3_redist_find(&r, 1, 0, 0), addr(full));
}

/* ---- redistributor wake-up and SGI/PPI reset */

static uint8_t *fake_rd(struct fixture *f, uint32_t waker)
{
	uint8_t *rd = fake_mem(f, 0, RD_V3, SENTINEL);

	put32(rd, GICR_CTLR, 0); /* RWP clear */
	put32(rd, GICR_WAKER, waker);
	set_typer(rd, 0, 0, 0, GICR_TYPER_LAST);
	return rd;
}

static void test_redist_init(void **state)
{
	struct fixture *f = *state;
	uint8_t *rd = fake_rd(f, GICR_WAKER_PROCESSOR_SLEEP);
	uint8_t *exp;
	unsigned int i;

	put32(rd, GICR_ICFGR1, 0xffffffff); /* must become level */
	exp = expect_from(f, 0);

	assert_true(gicv3_redist_init(addr(rd)));

	put32(exp, GICR_WAKER, 0);
	put32(exp, GICR_IGROUPR0, 0xffffffff);
	put32(exp, GICR_ICENABLER0, 0xffffffff);
	put32(exp, GICR_ICPENDR0, 0xffffffff);
	put32(exp, GICR_ICACTIVER0, 0xffffffff);
	for (i = 0; i < 32; i++)
		exp[GICR_IPRIORITYR0 + i] = GIC_PRIORITY_DEFAULT;
	put32(exp, GICR_ICFGR1, 0);
	check_image(f, 0);
	assert_int_equal(get32(rd, GICR_SGI_BASE + 0x80), 0xffffffff);
	assert_int_equal(rd[GICR_SGI_BASE + 0x400 + 31], 0xa0);
}

/* The other WAKER bits are written back as read. */
static void test_redist_init_keeps_waker_bits(void **state)
{
	struct fixture *f = *state;
	const uint32_t impdef = 0x80000001; /* bits 31 and 0 are IMPLEMENTATION DEFINED */
	uint8_t *rd = fake_rd(f, impdef | GICR_WAKER_PROCESSOR_SLEEP);

	assert_true(gicv3_redist_init(addr(rd)));
	assert_int_equal(get32(rd, GICR_WAKER), impdef);

	/* already awake: still fine */
	assert_true(gicv3_redist_init(addr(rd)));
	assert_int_equal(get32(rd, GICR_WAKER), impdef);
}

/* ChildrenAsleep never clears: false after a bounded poll, and the SGI frame untouched. */
static void test_redist_init_stuck_asleep(void **state)
{
	struct fixture *f = *state;
	uint8_t *rd = fake_rd(f, GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP);
	uint8_t *exp = expect_from(f, 0);

	alarm(POLL_TIMEOUT_S);
	assert_false(gicv3_redist_init(addr(rd)));
	alarm(0);

	put32(exp, GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP);
	check_image(f, 0);
}

static void test_ppi_enable(void **state)
{
	static const unsigned int intids[] = { 0, 15, 16, 25, 27, 31 };
	struct fixture *f = *state;
	uint8_t *rd = fake_mem(f, 0, RD_V3, 0);
	unsigned int i;

	for (i = 0; i < sizeof(intids) / sizeof(intids[0]); i++) {
		unsigned int id = intids[i];
		uint8_t *exp;

		/* the registers read as "all enabled": a read-modify-write would show */
		put32(rd, GICR_ISENABLER0, 0xffffffff);
		put32(rd, GICR_ICENABLER0, 0xffffffff);
		exp = expect_from(f, 0);
		gicv3_ppi_enable(addr(rd), id, true);
		put32(exp, GICR_ISENABLER0, 1u << id);
		check_image(f, 0);

		put32(rd, GICR_ISENABLER0, 0xffffffff);
		exp = expect_from(f, 0);
		gicv3_ppi_enable(addr(rd), id, false);
		put32(exp, GICR_ICENABLER0, 1u << id);
		check_image(f, 0);
	}
	assert_int_equal(get32(rd, GICR_SGI_BASE + 0x180), 1u << 31);
}

/* ---- distributor */

static uint8_t *fake_gicd(struct fixture *f, uint32_t pidr2, uint32_t typer)
{
	uint8_t *d = fake_mem(f, 0, GICD_SIZE, SENTINEL);

	put32(d, GICD_CTLR, 0); /* disabled, RWP clear */
	put32(d, GICD_TYPER, typer);
	put32(d, GICD_PIDR2, pidr2);
	return d;
}

/*
 * What dist_init must leave for nr INTIDs: every SPI register word that covers an SPI below
 * nr written whole, a priority byte and a route per SPI, group 1 with affinity routing on.
 */
static void expect_dist(uint8_t *exp, unsigned int nr, uint64_t mpidr)
{
	unsigned int n;

	for (n = 32; n < nr; n++) {
		put32(exp, GICD_IGROUPR + n / 32 * 4, 0xffffffff);
		put32(exp, GICD_ICENABLER + n / 32 * 4, 0xffffffff);
		put32(exp, GICD_ICPENDR + n / 32 * 4, 0xffffffff);
		put32(exp, GICD_ICACTIVER + n / 32 * 4, 0xffffffff);
		exp[GICD_IPRIORITYR + n] = 0xa0;
		put32(exp, GICD_ICFGR + n / 16 * 4, 0);
		put64(exp, 0x6000 + 8 * n, mpidr);
	}
	put32(exp, GICD_CTLR, (1u << 4) | (1u << 1)); /* ARE_NS | EnableGrp1NS */
}

static void test_dist_init_v3(void **state)
{
	struct fixture *f = *state;
	const uint64_t mpidr = 0x100020304ULL;
	uint8_t *d = fake_gicd(f, 0x3b, 2); /* ArchRev 3, ITLinesNumber 2 */
	uint8_t *exp = expect_from(f, 0);

	assert_int_equal(gicv3_dist_init(addr(d), mpidr), 96);
	expect_dist(exp, 96, mpidr);
	check_image(f, 0);
	/* spot checks of the image itself */
	assert_int_equal(get32(d, GICD_IGROUPR + 4), 0xffffffff);
	assert_int_equal(get32(d, GICD_IGROUPR), 0x5a5a5a5a); /* SGIs/PPIs: not the GICD's */
	assert_int_equal(get64(d, 0x6000 + 8 * 95), mpidr);
	assert_int_equal(get64(d, 0x6000 + 8 * 96), 0x5a5a5a5a5a5a5a5aULL);
	assert_int_equal(get32(d, GICD_CTLR), 0x12);
}

static void test_dist_init_v4_no_spis(void **state)
{
	struct fixture *f = *state;
	uint8_t *d = fake_gicd(f, 0x4b, 0); /* ArchRev 4, 32 INTIDs: no SPI */
	uint8_t *exp = expect_from(f, 0);

	assert_int_equal(gicv3_dist_init(addr(d), 0), 32);
	expect_dist(exp, 32, 0);
	check_image(f, 0);
}

/* ITLinesNumber 31 would be 1024 INTIDs: capped at 1020, IROUTER(1019) the last route. */
static void test_dist_init_max(void **state)
{
	struct fixture *f = *state;
	const uint64_t mpidr = 0x3;
	/* other TYPER fields set too: IDbits, LPIS, MBIS, CPUNumber */
	uint8_t *d = fake_gicd(f, 0x3b, (0xfu << 19) | (1u << 17) | (1u << 16) | (7u << 5) | 31);
	uint8_t *exp = expect_from(f, 0);

	assert_int_equal(gicv3_dist_init(addr(d), mpidr), 1020);
	expect_dist(exp, 1020, mpidr);
	check_image(f, 0);
	assert_int_equal(get64(d, 0x7fd8), mpidr);
	assert_int_equal(get64(d, 0x7fe0), 0x5a5a5a5a5a5a5a5aULL); /* IROUTER(1020) */
	assert_int_equal(get32(d, GICD_IPRIORITYR + 1020), 0x5a5a5a5a);
}

/* Not a GICv3/v4 distributor: 0 and no write at all. */
static void test_dist_init_wrong_arch(void **state)
{
	static const uint32_t pidr2[] = { 0x2b, 0x0b, 0x1b, 0x5b, 0xfb, 0x0 };
	struct fixture *f = *state;
	uint8_t *d = fake_gicd(f, 0, 31);
	unsigned int i;

	expect_from(f, 0);
	for (i = 0; i < sizeof(pidr2) / sizeof(pidr2[0]); i++) {
		put32(d, GICD_PIDR2, pidr2[i]);
		put32(f->expect, GICD_PIDR2, pidr2[i]);
		assert_int_equal(gicv3_dist_init(addr(d), 1), 0);
		check_image(f, 0);
	}
}

static void test_spi_enable(void **state)
{
	static const unsigned int intids[] = { 32, 33, 63, 64, 100, 991, 992, 1019 };
	struct fixture *f = *state;
	uint8_t *d = fake_mem(f, 0, GICD_SIZE, 0);
	unsigned int i;

	/* the registers read as "all enabled": a read-modify-write would show */
	for (i = 0; i < 32; i++) {
		put32(d, GICD_ISENABLER + 4 * i, 0xffffffff);
		put32(d, GICD_ICENABLER + 4 * i, 0xffffffff);
	}
	for (i = 0; i < sizeof(intids) / sizeof(intids[0]); i++) {
		unsigned int id = intids[i];
		uint8_t *exp = expect_from(f, 0);

		gicv3_spi_enable(addr(d), id, true);
		put32(exp, 0x100 + id / 32 * 4, 1u << (id % 32));
		check_image(f, 0);

		gicv3_spi_enable(addr(d), id, false);
		put32(exp, 0x180 + id / 32 * 4, 1u << (id % 32));
		check_image(f, 0);
	}
	assert_int_equal(get32(d, 0x17c), 1u << 27); /* ISENABLER31, INTID 1019 */
}

static void test_spi_route(void **state)
{
	static const unsigned int intids[] = { 32, 33, 79, 512, 1019 };
	struct fixture *f = *state;
	uint8_t *d = fake_mem(f, 0, GICD_SIZE, SENTINEL);
	unsigned int i;

	for (i = 0; i < sizeof(intids) / sizeof(intids[0]); i++) {
		const uint64_t mpidr = 0xab00000000ULL | (uint64_t)i << 8 | i;
		uint8_t *exp = expect_from(f, 0);

		gicv3_spi_route(addr(d), intids[i], mpidr);
		put64(exp, 0x6000 + 8 * intids[i], mpidr);
		check_image(f, 0);
	}
	assert_int_equal(get64(d, 0x6100), 0xab00000000ULL);
	assert_int_equal(get64(d, 0x7fd8), 0xab00000404ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_find_each_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_multi_cluster, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_stops_at_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_no_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_dt_stride, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_vlpis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_multiple_regions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_region_too_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redist_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redist_init_keeps_waker_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redist_init_stuck_asleep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ppi_enable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dist_init_v3, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dist_init_v4_no_spis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dist_init_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dist_init_wrong_arch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spi_enable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spi_route, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
