/*
 * test_ledger.c - host tests of hyp/plan/ledger.c: claims of each kind and their conflicts with the
 * exact messages, the sub-page rule, limits, allocation around existing claims, ledger_owner.
 * Needs no fixtures; writes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hyp/plan/ledger.h"

#define G0 0
#define G1 1
#define NOBODY (-2)
#define WIN_LO 0xb000000ull
#define WIN_HI 0xc000000ull

static struct ledger l;
static char err[256];

static int setup(void **state)
{
	(void)state;
	ledger_init(&l);
	l.owner_name[G0] = "guest@0";
	l.owner_name[G1] = "guest@1";
	memset(err, 0, sizeof(err));
	return 0;
}

static void mmio_ok(int owner, uint64_t base, uint64_t size, const char *what)
{
	assert_int_equal(ledger_claim_mmio(&l, owner, base, size, what, err, sizeof(err)), 0);
}

static void mmio_refused(int owner, uint64_t base, uint64_t size, const char *what, const char *msg)
{
	unsigned int count = l.count;

	assert_int_equal(ledger_claim_mmio(&l, owner, base, size, what, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_int_equal(l.count, count); /* a refused claim leaves no trace */
}

static void test_init(void **state)
{
	(void)state;
	memset(&l, 0xa5, sizeof(l));
	ledger_init(&l);
	assert_int_equal(l.count, 0);
	assert_null(l.owner_name[0]);
	assert_int_equal(ledger_owner(&l, LEDGER_MMIO, 0, 1), NOBODY);
}

static void test_mmio_overlap(void **state)
{
	(void)state;
	mmio_ok(G0, 0x9000000, 0x1000, "/pl011@9000000");
	mmio_refused(G1, 0x9000000, 0x1000, "/pl011@9000000",
		     "guest@1: /pl011@9000000: MMIO 0x9000000+0x1000 already assigned to guest@0 "
		     "(/pl011@9000000)");
	/* Overlapping by one byte at either end, and inside. */
	mmio_refused(G1, 0x8fff000, 0x1001, "/x",
		     "guest@1: /x: MMIO 0x8fff000+0x1001 already assigned to guest@0 "
		     "(/pl011@9000000)");
	mmio_refused(
		G1, 0x9000fff, 0x1, "/x",
		"guest@1: /x: MMIO 0x9000fff+0x1 already assigned to guest@0 (/pl011@9000000)");
	/* The same owner may not claim a range twice either. */
	mmio_refused(G0, 0x9000000, 0x1000, "/again",
		     "guest@0: /again: MMIO 0x9000000+0x1000 already assigned to guest@0 "
		     "(/pl011@9000000)");
	/* Neighbours on both sides are fine. */
	mmio_ok(G1, 0x8fff000, 0x1000, "/below");
	mmio_ok(G1, 0x9001000, 0x1000, "/above");
	assert_int_equal(l.count, 3);
	assert_int_equal(l.e[0].kind, LEDGER_MMIO);
	assert_int_equal(l.e[0].base, 0x9000000);
	assert_int_equal(l.e[0].size, 0x1000);
	assert_int_equal(l.e[0].owner, G0);
	assert_string_equal(l.e[0].what, "/pl011@9000000");
}

static void test_mmio_skiff(void **state)
{
	(void)state;
	mmio_ok(LEDGER_OWNER_SKIFF, 0x8000000, 0x10000, "the GIC");
	mmio_refused(G0, 0x8000000, 0x1000, "/intc@8000000",
		     "guest@0: /intc@8000000: MMIO 0x8000000+0x1000 already assigned to skiff "
		     "(the GIC)");
	mmio_refused(LEDGER_OWNER_SKIFF, 0x800f000, 0x2000, "skiff's memory",
		     "skiff: skiff's memory: MMIO 0x800f000+0x2000 already assigned to skiff "
		     "(the GIC)");
}

static void test_mmio_bad(void **state)
{
	(void)state;
	mmio_refused(G0, 0x1000, 0, "/empty", "guest@0: /empty: MMIO 0x1000+0x0 is empty");
	mmio_refused(G0, 0xfffffffffffff000ull, 0x2000, "/wrap",
		     "guest@0: /wrap: MMIO 0xfffffffffffff000+0x2000 wraps around");
	/* The range that ends at the last byte is fine. */
	mmio_ok(G0, 0xfffffffffffff000ull, 0x1000, "/top");
	/* Owners without a name. */
	mmio_refused(5, 0xfffffffffffff000ull, 0x1000, "/x",
		     "an unnamed owner: /x: MMIO 0xfffffffffffff000+0x1000 already assigned to "
		     "guest@0 (/top)");
}

/* The sub-page rule: a range that does not fill its pages shares them only with its owner. */
static void test_sub_page(void **state)
{
	(void)state;
	/* Eight virtio-mmio transports in a page, all one guest's. */
	mmio_ok(G0, 0xa000000, 0x200, "/virtio_mmio@a000000");
	mmio_ok(G0, 0xa000200, 0x200, "/virtio_mmio@a000200");
	mmio_ok(G0, 0xa000e00, 0x200, "/virtio_mmio@a000e00");
	/* Another guest's transport in the same page. */
	mmio_refused(G1, 0xa000400, 0x200, "/virtio_mmio@a000400",
		     "guest@1: /virtio_mmio@a000400: MMIO 0xa000400+0x200 is not page-aligned and "
		     "shares page 0xa000000 with guest@0 (/virtio_mmio@a000000)");
	/* Another guest's whole page over them overlaps. */
	mmio_refused(G1, 0xa000000, 0x1000, "/page",
		     "guest@1: /page: MMIO 0xa000000+0x1000 already assigned to guest@0 "
		     "(/virtio_mmio@a000000)");
	/* The next page is another guest's to take, in part or whole. */
	mmio_ok(G1, 0xa001000, 0x200, "/virtio_mmio@a001000");
	mmio_ok(G1, 0xa002000, 0x1000, "/next");

	/* skiff's fw_cfg (0x18 bytes) keeps its page to itself too. */
	mmio_ok(LEDGER_OWNER_SKIFF, 0x9020000, 0x18, "fw_cfg");
	mmio_refused(G0, 0x9020100, 0x100, "/near",
		     "guest@0: /near: MMIO 0x9020100+0x100 is not page-aligned and shares page "
		     "0x9020000 with skiff (fw_cfg)");
	mmio_refused(G0, 0x9020800, 0x1000, "/straddle",
		     "guest@0: /straddle: MMIO 0x9020800+0x1000 is not page-aligned and shares "
		     "page 0x9020000 with skiff (fw_cfg)");

	/* The last page shared: page-aligned base, size not a page multiple. */
	mmio_ok(G0, 0x1000000, 0x1800, "/tail");
	mmio_refused(G1, 0x1001800, 0x800, "/after-tail",
		     "guest@1: /after-tail: MMIO 0x1001800+0x800 is not page-aligned and shares "
		     "page 0x1001000 with guest@0 (/tail)");
	mmio_ok(G0, 0x1001800, 0x800, "/own-tail");
	mmio_ok(G1, 0x1002000, 0x1000, "/whole-after");
}

static void test_spi(void **state)
{
	(void)state;
	assert_int_equal(ledger_claim_spi(&l, G0, 33, "/pl011@9000000", err, sizeof(err)), 0);
	assert_int_equal(ledger_claim_spi(&l, G1, 33, "/other", err, sizeof(err)), -1);
	assert_string_equal(err, "guest@1: /other: SPI 1 (INTID 33) already assigned to guest@0 "
				 "(/pl011@9000000)");
	assert_int_equal(ledger_claim_spi(&l, G0, 31, "/ppi", err, sizeof(err)), -1);
	assert_string_equal(err, "guest@0: /ppi: INTID 31 is not an SPI (32..1019)");
	assert_int_equal(ledger_claim_spi(&l, G0, 1020, "/special", err, sizeof(err)), -1);
	assert_string_equal(err, "guest@0: /special: INTID 1020 is not an SPI (32..1019)");
	assert_int_equal(ledger_claim_spi(&l, G0, 32, "/first", err, sizeof(err)), 0);
	assert_int_equal(ledger_claim_spi(&l, G1, 1019, "/last", err, sizeof(err)), 0);
	/* Kinds are separate spaces: MMIO at 33 and CPU 33 do not collide with SPI 33. */
	mmio_ok(G1, 33, 1, "/low");
	assert_int_equal(ledger_claim_cpu(&l, G1, 33, "cpus", err, sizeof(err)), 0);
	assert_int_equal(l.count, 5);
}

static void test_cpu(void **state)
{
	(void)state;
	assert_int_equal(ledger_claim_cpu(&l, G0, 0x1, "cpus", err, sizeof(err)), 0);
	assert_int_equal(ledger_claim_cpu(&l, G0, 0x100, "cpus", err, sizeof(err)), 0);
	assert_int_equal(ledger_claim_cpu(&l, G1, 0x1, "cpus", err, sizeof(err)), -1);
	assert_string_equal(err, "guest@1: cpus: CPU 0x1 already assigned to guest@0 (cpus)");
	assert_int_equal(ledger_claim_cpu(&l, G1, 0x2, "cpus", err, sizeof(err)), 0);
}

static void test_full(void **state)
{
	char small[8];
	unsigned int i;

	(void)state;
	for (i = 0; i < LEDGER_MAX; i++)
		mmio_ok(G0, 0x100000000ull + i * 0x1000ull, 0x1000, "/many");
	mmio_refused(G0, 0x1000, 0x1000, "/one-more",
		     "guest@0: /one-more: MMIO 0x1000+0x1000: the ledger is full (512 claims)");
	assert_int_equal(ledger_claim_spi(&l, G0, 40, "/s", err, sizeof(err)), -1);
	assert_string_equal(err, "guest@0: /s: SPI 8 (INTID 40): the ledger is full (512 claims)");
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0x1000, WIN_LO, WIN_HI, "doorbell"), 0);
	assert_int_equal(ledger_alloc_spi(&l, G0, 132, 164, "doorbell"), 0);
	/* Messages are cut to the buffer; a NULL buffer of size 0 is fine. */
	assert_int_equal(ledger_claim_cpu(&l, G0, 0, "cpus", small, sizeof(small)), -1);
	assert_string_equal(small, "guest@0");
	assert_int_equal(ledger_claim_cpu(&l, G0, 0, "cpus", NULL, 0), -1);
	assert_int_equal(l.count, LEDGER_MAX);
}

static void test_alloc_mmio(void **state)
{
	(void)state;
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0x1000, WIN_LO, WIN_HI, "doorbell"), WIN_LO);
	assert_int_equal(ledger_alloc_mmio(&l, G1, 0x1000, WIN_LO, WIN_HI, "doorbell"),
			 WIN_LO + 0x1000);
	assert_int_equal(ledger_owner(&l, LEDGER_MMIO, WIN_LO + 0x1000, 0x1000), G1);
	/* Around a claim of another owner. */
	mmio_ok(G1, WIN_LO + 0x2000, 0x1000, "/dev");
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0x1000, WIN_LO, WIN_HI, "doorbell"),
			 WIN_LO + 0x3000);
	/* Past a page that another owner's sub-page device holds part of. */
	mmio_ok(G1, WIN_LO + 0x4100, 0x100, "/small");
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0x1000, WIN_LO, WIN_HI, "doorbell"),
			 WIN_LO + 0x5000);
	/* A sub-page allocation beside the owner's own sub-page claim shares its page... */
	assert_int_equal(ledger_alloc_mmio(&l, G1, 0x100, WIN_LO + 0x4000, WIN_HI, "small2"),
			 WIN_LO + 0x4000);
	/* ...but not another owner's. */
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0x100, WIN_LO + 0x4000, WIN_HI, "small3"),
			 WIN_LO + 0x6000);
	/* Size-aligned. */
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0x10000, WIN_LO, WIN_HI, "big"),
			 WIN_LO + 0x10000);
	/* The window's end is respected; a full window gives 0. */
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0x1000, WIN_LO + 0x7000, WIN_LO + 0x8000, "x"),
			 WIN_LO + 0x7000);
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0x1000, WIN_LO + 0x7000, WIN_LO + 0x8000, "x"),
			 0);
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0x1000, WIN_LO, WIN_LO + 0x800, "x"), 0);
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0, WIN_LO, WIN_HI, "x"), 0);
	/* 0 means none, so a window at 0 starts one slot up. */
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0x1000, 0, 0x3000, "low"), 0x1000);
	/* Near the top of the address space: no wrap around. */
	mmio_ok(G1, 0xffffffffffffe000ull, 0x2000, "/top");
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0x1000, 0xffffffffffffd000ull,
					   0xffffffffffffffffull, "x"),
			 0xffffffffffffd000ull);
	assert_int_equal(ledger_alloc_mmio(&l, G0, 0x1000, 0xffffffffffffd000ull,
					   0xffffffffffffffffull, "x"),
			 0);
	assert_string_equal(l.e[l.count - 1].what, "x");
}

static void test_alloc_spi(void **state)
{
	(void)state;
	assert_int_equal(ledger_alloc_spi(&l, G0, 132, 164, "doorbell"), 132);
	assert_int_equal(ledger_alloc_spi(&l, G1, 132, 164, "doorbell"), 133);
	assert_int_equal(ledger_claim_spi(&l, G1, 134, "/dev", err, sizeof(err)), 0);
	assert_int_equal(ledger_alloc_spi(&l, G0, 132, 164, "doorbell"), 135);
	assert_int_equal(ledger_owner(&l, LEDGER_SPI, 135, 1), G0);
	/* A window of one taken SPI is full; a window below 32 starts at 32. */
	assert_int_equal(ledger_alloc_spi(&l, G0, 132, 133, "doorbell"), 0);
	assert_int_equal(ledger_alloc_spi(&l, G0, 0, 40, "low"), 32);
	assert_int_equal(ledger_alloc_spi(&l, G0, 1019, 2000, "high"), 1019);
	assert_int_equal(ledger_alloc_spi(&l, G0, 1019, 2000, "high"), 0);
	assert_int_equal(ledger_alloc_spi(&l, G0, 164, 132, "empty"), 0);
}

static void test_owner(void **state)
{
	(void)state;
	mmio_ok(G1, 0x9000000, 0x1000, "/uart");
	mmio_ok(LEDGER_OWNER_SKIFF, 0x40200000, 0x200000, "skiff's memory");
	assert_int_equal(ledger_owner(&l, LEDGER_MMIO, 0x9000000, 0x1000), G1);
	assert_int_equal(ledger_owner(&l, LEDGER_MMIO, 0x9000800, 0x10), G1);
	assert_int_equal(ledger_owner(&l, LEDGER_MMIO, 0x9000800, 0x1000), NOBODY);
	assert_int_equal(ledger_owner(&l, LEDGER_MMIO, 0x8fff000, 0x1000), NOBODY);
	assert_int_equal(ledger_owner(&l, LEDGER_MMIO, 0x40300000, 0), LEDGER_OWNER_SKIFF);
	assert_int_equal(ledger_owner(&l, LEDGER_SPI, 0x9000000, 1), NOBODY);
	assert_int_equal(ledger_owner(&l, LEDGER_CPU, 0x9000000, 1), NOBODY);
}

/* One past each edge (tools/mutants/assign.txt): a claim whose base is page-aligned but whose
 * size is not still shares its page; an allocation never ends past its window; a page gap of
 * one byte at the page's end is a gap. */
static void test_edges(void **state)
{
	uint64_t gap = 0;

	(void)state;
	mmio_ok(G0, 0x9000800, 0x800, "a");
	mmio_refused(G1, 0x9000000, 0x800, "b",
		     "guest@1: b: MMIO 0x9000000+0x800 is not page-aligned and shares page "
		     "0x9000000 with guest@0 (a)");
	mmio_ok(G0, 0x9001000, 0x800, "c"); /* the same owner may */

	assert_int_equal(ledger_alloc_mmio(&l, G0, 1, 0x20, 0x22, "x"), 0x20);
	assert_int_equal(ledger_alloc_mmio(&l, G0, 1, 0x20, 0x22, "x"), 0x21);
	assert_int_equal(ledger_alloc_mmio(&l, G0, 1, 0x20, 0x22, "x"), 0); /* full */

	mmio_ok(G1, 0xa000000, 0xfff, "d");
	assert_int_equal(ledger_page_gap(&l, G1, 0xa000000, &gap), 1);
	assert_int_equal(gap, 0xa000fff);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init, setup),
		cmocka_unit_test_setup(test_mmio_overlap, setup),
		cmocka_unit_test_setup(test_mmio_skiff, setup),
		cmocka_unit_test_setup(test_mmio_bad, setup),
		cmocka_unit_test_setup(test_sub_page, setup),
		cmocka_unit_test_setup(test_spi, setup),
		cmocka_unit_test_setup(test_cpu, setup),
		cmocka_unit_test_setup(test_full, setup),
		cmocka_unit_test_setup(test_alloc_mmio, setup),
		cmocka_unit_test_setup(test_alloc_spi, setup),
		cmocka_unit_test_setup(test_owner, setup),
		cmocka_unit_test_setup(test_edges, setup),
	};

	return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
