/*
 * test_gicv2.c - host unit tests for the physical GICv2 driver: drivers/gicv2.c (distributor,
 * banked per-CPU part, routing, SGIs, the CPU interface's acknowledge, EOI and deactivation)
 * and drivers/gicv2_lr.c (GICH list registers through struct lr_hw), and the list-register
 * translation of drivers/gicv2_lr.h. As in test_gicv3.c, the driver gets heap memory laid out
 * like the frames (a 4 KiB GICD with ICPIDR2 and TYPER set, an 8 KiB or 64 KiB-aliased 128 KiB
 * GICC, a 4 KiB GICH), sized exactly so AddressSanitizer reports any access outside them, and
 * each test compares the whole frame with an image of what the driver must have written.
 * tests/unit/mmio_trace.h also logs the writes, for the checks that need their order.
 *
 * The driver's table of CPU interfaces lives as long as the process: each test brings up
 * CPUs of its own MPIDRs (cpu_up), and test_cpu_slots, which fills the table, runs last.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/gicv2.h"
#include "drivers/gicv3.h"
#include "drivers/gicv2_lr.h"
#include "drivers/gicv2_regs.h"
#include "drivers/gicv3_regs.h"
#include "drivers/lr_hw.h"
#include "tests/unit/fake_cpu.h"

#define SZ_4K 0x1000UL
#define SZ_8K 0x2000UL
#define SZ_64K 0x10000UL
#define SZ_128K 0x20000UL
#define GICD_SIZE SZ_4K
#define GICH_SIZE SZ_4K

#define SENTINEL 0x5a /* fill byte: never a value the driver writes */
#define PRIO4 0xa0a0a0a0u
#define ALL_ONES 0xffffffffu

enum { BUF_GICD, BUF_GICC, BUF_GICH, MAX_BUFS };

struct fixture {
	uint8_t *buf[MAX_BUFS];
	size_t size[MAX_BUFS];
	uint8_t *expect[MAX_BUFS]; /* the images the frames are compared against */
	struct gicv2_frames frames;
};

/* ---- the write log (tests/unit/mmio_trace.h) */

#define MAX_WRITES 4096

struct mmio_write {
	uintptr_t addr;
	unsigned int width;
	uint64_t val;
	unsigned int dsb_ish; /* "dsb ish" operations before this write */
};

static struct mmio_write writes[MAX_WRITES];
static unsigned int nr_writes;

void mmio_trace_write(uintptr_t addr, unsigned int width, uint64_t val)
{
	assert_true(nr_writes < MAX_WRITES);
	writes[nr_writes].addr = addr;
	writes[nr_writes].width = width;
	writes[nr_writes].val = val;
	writes[nr_writes].dsb_ish = fake_cpu_ops("dsb ish");
	nr_writes++;
}

static void log_clear(void)
{
	nr_writes = 0;
}

/* Write i of the log is a width-byte write of val at addr. */
static void check_write(unsigned int i, uintptr_t addr, unsigned int width, uint64_t val)
{
	if (i >= nr_writes)
		fail_msg("write %u: none (%u in the log), expected 0x%llx at 0x%lx", i, nr_writes,
			 (unsigned long long)val, (unsigned long)addr);
	if (writes[i].addr != addr || writes[i].width != width || writes[i].val != val)
		fail_msg("write %u: %u bytes 0x%llx at 0x%lx, expected %u bytes 0x%llx at 0x%lx", i,
			 writes[i].width, (unsigned long long)writes[i].val,
			 (unsigned long)writes[i].addr, width, (unsigned long long)val,
			 (unsigned long)addr);
}

/* ---- frames */

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	fake_cpu_reset();
	log_clear();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	for (i = 0; i < MAX_BUFS; i++) {
		free(f->buf[i]);
		free(f->expect[i]);
	}
	free(f);
	return 0;
}

/* Buffer i of exactly size bytes (a power of two), aligned like the frames (to its size, at
 * most 64 KiB), filled with fill. */
static uint8_t *fake_mem(struct fixture *f, unsigned int i, size_t size, int fill)
{
	assert_true(i < MAX_BUFS && !f->buf[i]);
	f->buf[i] = aligned_alloc(size < SZ_64K ? size : SZ_64K, size);
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

static void put32(uint8_t *mem, size_t off, uint32_t v)
{
	memcpy(mem + off, &v, sizeof(v));
}

/* A copy of frame i as it is now, to build the expected image on. */
static uint8_t *expect_from(struct fixture *f, unsigned int i)
{
	free(f->expect[i]);
	f->expect[i] = malloc(f->size[i]);
	assert_non_null(f->expect[i]);
	memcpy(f->expect[i], f->buf[i], f->size[i]);
	return f->expect[i];
}

/* Frame i must equal its expected image; the first difference is reported. */
static void check_image(const struct fixture *f, unsigned int i)
{
	size_t off;

	for (off = 0; off < f->size[i]; off += 4)
		if (get32(f->buf[i], off) != get32(f->expect[i], off))
			fail_msg("frame %u offset 0x%zx: 0x%08x, expected 0x%08x", i, off,
				 get32(f->buf[i], off), get32(f->expect[i], off));
}

/* A GICv2 distributor: ArchRev rev, ITLinesNumber itlines, and this CPU's interface bit in
 * the (banked) GICD_ITARGETSR0..7, as a GIC-400 reads them. */
static uint8_t *fake_gicd(struct fixture *f, unsigned int rev, unsigned int itlines,
			  uint8_t cpu_mask)
{
	uint8_t *d = fake_mem(f, BUF_GICD, GICD_SIZE, SENTINEL);

	put32(d, GICD_ICPIDR2, rev << GIC_PIDR2_ARCHREV_SHIFT | 0xb);
	put32(d, GICD_TYPER, 0xfc00u | itlines); /* SecurityExtn, LSPI, CPUNumber: ignored */
	memset(d + GICD_ITARGETSR, cpu_mask, 32);
	return d;
}

/* The frames of a GIC-400 with a GICC of gicc_size bytes (8 KiB, or 128 KiB of 64 KiB
 * aliases), set up by gicv2_dist_init as the boot CPU with interface bit boot_mask. */
static void bring_up(struct fixture *f, size_t gicc_size, uint8_t boot_mask)
{
	uint8_t *d = fake_gicd(f, GIC_ARCHREV_GICV2, 2, boot_mask);
	uint8_t *c = fake_mem(f, BUF_GICC, gicc_size, SENTINEL);
	uint8_t *h = fake_mem(f, BUF_GICH, GICH_SIZE, SENTINEL);

	f->frames.gicd = addr(d);
	f->frames.gicc = addr(c);
	f->frames.gicc_page1 = (uintptr_t)gicv2_gicc_page1(addr(c), gicc_size);
	f->frames.gich = addr(h);
	assert_int_equal(gicv2_dist_init(&f->frames), 96);
	log_clear();
}

/* bring_up on QEMU's GICv2 model, known by its GICD_IIDR */
static void bring_up_qemu(struct fixture *f)
{
	uint8_t *d = fake_gicd(f, GIC_ARCHREV_GICV2, 2, 0x01);
	uint8_t *c = fake_mem(f, BUF_GICC, SZ_8K, SENTINEL);
	uint8_t *h = fake_mem(f, BUF_GICH, GICH_SIZE, SENTINEL);

	put32(d, GICD_IIDR, GICD_IIDR_QEMU);
	f->frames.gicd = addr(d);
	f->frames.gicc = addr(c);
	f->frames.gicc_page1 = addr(c) + 0x1000;
	f->frames.gich = addr(h);
	assert_int_equal(gicv2_dist_init(&f->frames), 96);
	assert_true(gicv2_hw_deact_unsignalled());
	log_clear();
}

/* ---- CPU interfaces: the driver keeps at most GICV2_MAX_CPUS, for the life of the process */

static unsigned int cpus_recorded;

/* gicv2_cpu_init as the CPU mpidr, never brought up before, whose interface bit is mask. */
static void cpu_up(struct fixture *f, uint64_t mpidr, uint8_t mask)
{
	memset(f->buf[BUF_GICD] + GICD_ITARGETSR, mask, 32);
	assert_true(gicv2_cpu_init(mpidr));
	cpus_recorded++;
}

/* ---- distributor */

/* ArchRev 1 and 2 are a GICv2 distributor; 3 and 4 (a GICv3's, seen through GICD_ICPIDR2's
 * offset) and the rest are refused with nothing written. */
static void test_dist_init_archrev(void **state)
{
	static const struct {
		unsigned int rev;
		unsigned int want;
	} cases[] = { { 0, 0 }, { 1, 64 }, { 2, 64 }, { 3, 0 }, { 4, 0 }, { 0xf, 0 } };
	struct fixture *f = *state;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *d = fake_gicd(f, cases[i].rev, 1, 0x01);
		struct gicv2_frames fr = { .gicd = addr(d) };

		expect_from(f, BUF_GICD);
		log_clear();
		assert_int_equal(gicv2_dist_init(&fr), cases[i].want);
		if (!cases[i].want) {
			check_image(f, BUF_GICD);
			assert_int_equal(nr_writes, 0);
		} else {
			assert_int_equal(get32(d, GICD_CTLR), GICD_CTLR_ENABLE);
		}
		free(f->buf[BUF_GICD]);
		f->buf[BUF_GICD] = NULL;
	}
	/* the register's other bits do not change what ArchRev says */
	{
		uint8_t *d = fake_gicd(f, GIC_ARCHREV_GICV2, 1, 0x01);
		struct gicv2_frames fr = { .gicd = addr(d) };

		put32(d, GICD_ICPIDR2, 0xffffff00u | GIC_ARCHREV_GICV2 << GIC_PIDR2_ARCHREV_SHIFT);
		assert_int_equal(gicv2_dist_init(&fr), 64);
	}
}

/* The expected distributor after gicv2_dist_init with nr INTIDs and boot interface mask:
 * every SPI disabled, not pending, not active, priority 0xa0, level, targeted at the boot
 * CPU; SGIs and PPIs (banked, reset by gicv2_cpu_init) untouched; enabled. */
static void expect_dist_init(uint8_t *exp, unsigned int nr, uint8_t mask)
{
	unsigned int i;

	put32(exp, GICD_CTLR, GICD_CTLR_ENABLE);
	for (i = GIC_INTID_SPI_BASE; i < nr; i += 32) {
		put32(exp, GICD_ICENABLER + i / 8, ALL_ONES);
		put32(exp, GICD_ICPENDR + i / 8, ALL_ONES);
		put32(exp, GICD_ICACTIVER + i / 8, ALL_ONES);
	}
	for (i = GIC_INTID_SPI_BASE; i < nr; i++) {
		exp[GICD_IPRIORITYR + i] = GIC_PRIORITY_DEFAULT;
		exp[GICD_ITARGETSR + i] = mask;
	}
	for (i = GIC_INTID_SPI_BASE; i < nr; i += 16)
		put32(exp, GICD_ICFGR + i / 4, 0);
}

static void test_dist_init_spis(void **state)
{
	struct fixture *f = *state;
	uint8_t *d = fake_gicd(f, GIC_ARCHREV_GICV2, 3, 0x04); /* 128 INTIDs, boot CPU 2 */
	struct gicv2_frames fr = { .gicd = addr(d) };
	uint8_t *exp = expect_from(f, BUF_GICD);

	put32(d, GICD_CTLR, GICD_CTLR_ENABLE); /* left on by firmware */
	assert_int_equal(gicv2_dist_init(&fr), 128);
	expect_dist_init(exp, 128, 0x04);
	check_image(f, BUF_GICD);
	assert_int_equal(d[GICD_ITARGETSR + 32], 0x04);
	assert_int_equal(d[GICD_ITARGETSR + 127], 0x04);
	assert_int_equal(d[GICD_ITARGETSR + 128], SENTINEL);

	/* off while the SPIs are reset, on once they are */
	check_write(0, addr(d) + GICD_CTLR, 4, 0);
	check_write(nr_writes - 1, addr(d) + GICD_CTLR, 4, GICD_CTLR_ENABLE);
	/* the frames are kept for the CPU interface and list registers */
	assert_int_equal(gicv2.gicd, addr(d));
}

/* A uniprocessor GIC reads GICD_ITARGETSR0..7 as 0: SPIs go to interface 0. */
static void test_dist_init_uniprocessor(void **state)
{
	struct fixture *f = *state;
	uint8_t *d = fake_gicd(f, GIC_ARCHREV_GICV1, 1, 0x00);
	struct gicv2_frames fr = { .gicd = addr(d) };
	uint8_t *exp = expect_from(f, BUF_GICD);

	assert_int_equal(gicv2_dist_init(&fr), 64);
	expect_dist_init(exp, 64, 0x01);
	check_image(f, BUF_GICD);
}

/* ITLinesNumber 0: no SPI at all; 31: 1024 lines, of which INTIDs 1020-1023 are special. */
static void test_dist_init_itlines(void **state)
{
	struct fixture *f = *state;
	uint8_t *d = fake_gicd(f, GIC_ARCHREV_GICV2, 0, 0x01);
	struct gicv2_frames fr = { .gicd = addr(d) };
	uint8_t *exp = expect_from(f, BUF_GICD);

	assert_int_equal(gicv2_dist_init(&fr), 32);
	put32(exp, GICD_CTLR, GICD_CTLR_ENABLE);
	check_image(f, BUF_GICD);
	free(f->buf[BUF_GICD]);
	f->buf[BUF_GICD] = NULL;

	d = fake_gicd(f, GIC_ARCHREV_GICV2, 31, 0x80);
	fr.gicd = addr(d);
	exp = expect_from(f, BUF_GICD);
	assert_int_equal(gicv2_dist_init(&fr), 1020);
	expect_dist_init(exp, 1020, 0x80); /* ICENABLER31 and ICFGR63 whole, 1020-1023 too */
	check_image(f, BUF_GICD);
	assert_int_equal(get32(d, GICD_IPRIORITYR + 1020), 0x5a5a5a5a);
	assert_int_equal(get32(d, GICD_ITARGETSR + 1020), 0x5a5a5a5a);
}

/* ---- the banked per-CPU part and routing */

static void test_cpu_init(void **state)
{
	struct fixture *f = *state;
	uint8_t *d, *c, *expd, *expc;
	unsigned int i;

	bring_up(f, SZ_8K, 0x01);
	d = f->buf[BUF_GICD];
	c = f->buf[BUF_GICC];
	memset(d + GICD_ITARGETSR, 0x02, 32);
	expd = expect_from(f, BUF_GICD);
	expc = expect_from(f, BUF_GICC);

	cpu_up(f, 0x0100, 0x02);
	put32(expd, GICD_ICENABLER, ALL_ONES);
	put32(expd, GICD_ICPENDR, ALL_ONES);
	put32(expd, GICD_ICACTIVER, ALL_ONES);
	for (i = 0; i < GIC_INTID_SPI_BASE; i += 4)
		put32(expd, GICD_IPRIORITYR + i, PRIO4);
	check_image(f, BUF_GICD); /* SPIs untouched */
	put32(expc, GICC_PMR, GICC_PMR_LOWEST);
	put32(expc, GICC_BPR, 0);
	put32(expc, GICC_CTLR, GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE);
	check_image(f, BUF_GICC);
	assert_int_equal(get32(c, GICC_CTLR), 0x201);

	/* a CPU is known by its MPIDR: its interface bit routes SPIs and SGIs to it */
	cpu_up(f, 0x0101, 0x08);
	gicv2_spi_route(addr(d), 40, 0x0100);
	gicv2_spi_route(addr(d), 41, 0x0101);
	assert_int_equal(d[GICD_ITARGETSR + 40], 0x02);
	assert_int_equal(d[GICD_ITARGETSR + 41], 0x08);

	/* brought up again (CPU_OFF, CPU_ON): the same interface, no new slot */
	memset(d + GICD_ITARGETSR, 0x02, 32);
	assert_true(gicv2_cpu_init(0x0100));
	gicv2_spi_route(addr(d), 42, 0x0100);
	assert_int_equal(d[GICD_ITARGETSR + 42], 0x02);
}

/* A uniprocessor GIC reads ITARGETSR0 as 0: the CPU is interface 0. */
static void test_cpu_init_uniprocessor(void **state)
{
	struct fixture *f = *state;
	uint8_t *d;

	bring_up(f, SZ_8K, 0x00);
	d = f->buf[BUF_GICD];
	cpu_up(f, 0x0200, 0x00);
	d[GICD_ITARGETSR + 33] = 0x00;
	gicv2_spi_route(addr(d), 33, 0x0200);
	assert_int_equal(d[GICD_ITARGETSR + 33], 0x01);
}

/* One byte of GICD_ITARGETSR, the SPI's; an MPIDR the driver never saw leaves it. */
static void test_spi_route(void **state)
{
	static const unsigned int intids[] = { 32, 33, 35, 36, 63, 95 };
	struct fixture *f = *state;
	uint8_t *d;
	unsigned int i;

	bring_up(f, SZ_8K, 0x01);
	d = f->buf[BUF_GICD];
	cpu_up(f, 0x0300, 0x40);
	memset(d + GICD_ITARGETSR + 32, 0x11, 64);
	for (i = 0; i < sizeof(intids) / sizeof(intids[0]); i++) {
		uint8_t *exp = expect_from(f, BUF_GICD);

		gicv2_spi_route(addr(d), intids[i], 0x0300);
		exp[GICD_ITARGETSR + intids[i]] = 0x40;
		check_image(f, BUF_GICD);
	}
	expect_from(f, BUF_GICD); /* unchanged from here */
	log_clear();
	gicv2_spi_route(addr(d), 1020, 0x0300);	     /* a special INTID, no SPI */
	gicv2_spi_route(addr(d), 34, 0x0301);	     /* never brought up */
	gicv2_spi_route(addr(d), 34, 0x80000300ull); /* not an MPIDR the driver keeps */
	check_image(f, BUF_GICD);
	assert_int_equal(nr_writes, 0);
}

/* GICD_ICFGR changes with the line disabled (IHI 0048B 4.3.13), its enable put back: the GICv3
 * accessor gicv2_ops uses (GICD_CTLR.RWP, which it waits on, is RES0 on a GICv2). */
static void test_spi_set_edge(void **state)
{
	struct fixture *f = *state;
	const unsigned int intid = 45; /* ICFGR2 bits 27:26, ISENABLER1 bit 13 */
	uintptr_t gicd;
	uint8_t *d;

	bring_up(f, SZ_8K, 0x01);
	d = f->buf[BUF_GICD];
	gicd = addr(d);

	/* enabled, level -> edge: disable, configure, enable */
	put32(d, GICD_ISENABLER + 4, 1u << 13 | 1u << 2);
	put32(d, GICD_ICFGR + 8, 0x55555555u & ~(3u << 26));
	gicv3_spi_set_edge(gicd, intid, true);
	assert_int_equal(nr_writes, 3);
	check_write(0, gicd + GICD_ICENABLER + 4, 4, 1u << 13);
	check_write(1, gicd + GICD_ICFGR + 8, 4, (0x55555555u & ~(3u << 26)) | 2u << 26);
	check_write(2, gicd + GICD_ISENABLER + 4, 4, 1u << 13);

	/* edge -> level, disabled: it stays disabled */
	log_clear();
	put32(d, GICD_ISENABLER + 4, 1u << 2);
	gicv3_spi_set_edge(gicd, intid, false);
	assert_int_equal(nr_writes, 2);
	check_write(0, gicd + GICD_ICENABLER + 4, 4, 1u << 13);
	check_write(1, gicd + GICD_ICFGR + 8, 4, 0x55555555u & ~(3u << 26));

	/* already as asked: nothing written */
	log_clear();
	gicv3_spi_set_edge(gicd, intid, false);
	put32(d, GICD_ICFGR + 8, 2u << 26);
	gicv3_spi_set_edge(gicd, intid, true);
	assert_int_equal(nr_writes, 0);
}

/* GICD_SGIR: the target list is the CPU's interface bit, the filter 0 (use the list). */
static void test_send_sgi(void **state)
{
	struct fixture *f = *state;
	uintptr_t gicd;

	bring_up(f, SZ_8K, 0x01);
	gicd = addr(f->buf[BUF_GICD]);
	cpu_up(f, 0x0400, 0x10);
	cpu_up(f, 0x0401, 0x80);
	log_clear();
	gicv2_send_sgi(0x0400, 16 + 3); /* the SGI's number only: SGIINTID is 4 bits */
	gicv2_send_sgi(0x0401, 15);
	assert_int_equal(nr_writes, 2);
	check_write(0, gicd + GICD_SGIR, 4, 0x10u << 16 | 3);
	check_write(1, gicd + GICD_SGIR, 4, 0x80u << 16 | 15);
	/* the writes that raised it are seen first by the target */
	assert_true(writes[0].dsb_ish >= 1);
	assert_true(writes[1].dsb_ish >= 2);
}

/* ---- the CPU interface: IAR keeps the CPUID of an SGI; EOIR, then DIR on the second page */

static void check_ack_eoi_dir(struct fixture *f, size_t gicc_size, size_t dir_off)
{
	uint8_t *c, *exp;

	bring_up(f, gicc_size, 0x01);
	c = f->buf[BUF_GICC];
	assert_int_equal(f->frames.gicc_page1, addr(c) + dir_off);
	put32(c, GICC_IAR, 0xffffe000u | 5u << 10 | 7); /* SGI 7 from CPU 5; RES0 bits set */
	exp = expect_from(f, BUF_GICC);

	assert_int_equal(gicv2_ack(), 5u << 10 | 7);
	gicv2_eoi(5u << 10 | 7);
	gicv2_deactivate(5u << 10 | 7);
	put32(exp, GICC_EOIR, 5u << 10 | 7);
	put32(exp, dir_off, 5u << 10 | 7);
	check_image(f, BUF_GICC);
	assert_int_equal(nr_writes, 2);
	check_write(0, addr(c) + GICC_EOIR, 4, 0x1407);
	check_write(1, addr(c) + dir_off, 4, 0x1407);

	/* a peripheral: the INTID alone */
	put32(c, GICC_IAR, 40);
	assert_int_equal(gicv2_ack(), 40);
	put32(c, GICC_IAR, GIC_INTID_SPURIOUS);
	assert_int_equal(gicv2_ack(), GIC_INTID_SPURIOUS);
}

/* An SPI is deactivated in the distributor (GICD_ICACTIVER), from whichever CPU: nothing is
 * written to the CPU interface. */
static void test_deactivate_spi_in_distributor(void **state)
{
	struct fixture *f = *state;
	uint8_t *d, *dexp;

	bring_up(f, SZ_8K, 0x01);
	d = f->buf[BUF_GICD];
	dexp = expect_from(f, BUF_GICD);
	(void)expect_from(f, BUF_GICC); /* the CPU interface stays as it is */
	gicv2_deactivate(40);
	gicv2_deactivate(GIC_INTID_SPI_BASE + 31);
	gicv2_deactivate(GIC_INTID_SPI_BASE);
	put32(dexp, GICD_ICACTIVER + 4, 1u << 0);
	check_image(f, BUF_GICD);
	check_image(f, BUF_GICC);
	assert_int_equal(nr_writes, 3);
	check_write(0, addr(d) + GICD_ICACTIVER + 4, 4, 1u << 8);
	check_write(1, addr(d) + GICD_ICACTIVER + 4, 4, 1u << 31);
	check_write(2, addr(d) + GICD_ICACTIVER + 4, 4, 1u << 0);
	/* INTID 1020 is none of the distributor's: the CPU interface's GICC_DIR */
	log_clear();
	gicv2_deactivate(1020);
	assert_int_equal(nr_writes, 1);
	check_write(0, f->frames.gicc_page1 + (GICC_DIR - GICC_PAGE), 4, 1020);
}

/* On a GIC-400 an SPI's active state is global: an active SPI moves at once. */
static void test_route_active_spi(void **state)
{
	struct fixture *f = *state;
	uint8_t *d;

	bring_up(f, SZ_8K, 0x01);
	assert_false(gicv2_hw_deact_unsignalled());
	cpu_up(f, 0x7700, 0x02);
	d = f->buf[BUF_GICD];
	put32(d, GICD_ISACTIVER + 4, 1u << 8); /* SPI 40 active */
	gicv2_spi_route(addr(d), 40, 0x7700);
	assert_int_equal(d[GICD_ITARGETSR + 40], 0x02);
}

/* On QEMU's model (active state per CPU) an active SPI moves to its new target at its
 * deactivation, once; an inactive one at once. */
static void test_route_active_spi_qemu(void **state)
{
	struct fixture *f = *state;
	uint8_t *d;

	bring_up_qemu(f);
	cpu_up(f, 0x7701, 0x02);
	d = f->buf[BUF_GICD];
	put32(d, GICD_ISACTIVER + 4, 1u << 8);
	gicv2_spi_route(addr(d), 40, 0x7701);
	assert_int_equal(d[GICD_ITARGETSR + 40], 0x01); /* still the boot CPU's */
	nr_writes = 0;
	gicv2_deactivate(40);
	assert_int_equal(nr_writes, 2);
	check_write(0, addr(d) + GICD_ICACTIVER + 4, 4, 1u << 8);
	check_write(1, addr(d) + GICD_ITARGETSR + 40, 1, 0x02);
	nr_writes = 0;
	gicv2_deactivate(40); /* moved once: nothing more */
	assert_int_equal(nr_writes, 1);
	put32(d, GICD_ISACTIVER + 4, 0); /* not active: moves at once */
	d[GICD_ITARGETSR + 40] = 0x01;
	gicv2_spi_route(addr(d), 40, 0x7701);
	assert_int_equal(d[GICD_ITARGETSR + 40], 0x02);
	/* a move waiting for the deactivation is dropped by a later one made at once */
	put32(d, GICD_ISACTIVER + 4, 1u << 8);
	d[GICD_ITARGETSR + 40] = 0x01;
	gicv2_spi_route(addr(d), 40, 0x7701); /* waits */
	put32(d, GICD_ISACTIVER + 4, 0);
	gicv2_spi_route(addr(d), 40, 0x0401); /* at once (interface 0x80, from test_send_sgi) */
	assert_int_equal(d[GICD_ITARGETSR + 40], 0x80);
	nr_writes = 0;
	gicv2_deactivate(40);
	assert_int_equal(nr_writes, 1);
	assert_int_equal(d[GICD_ITARGETSR + 40], 0x80);
}

static void test_ack_eoi_deactivate_8k(void **state)
{
	check_ack_eoi_dir(*state, SZ_8K, GICC_DIR); /* 0x1000 */
}

/* A GIC-400 wired with 64 KiB aliases (ZynqMP, Layerscape): page 1 is at +0x10000, and +0x1000
 * is page 0 again, where a write of an IAR value would land on GICC_CTLR. */
static void test_ack_eoi_deactivate_64k_aliased(void **state)
{
	check_ack_eoi_dir(*state, SZ_128K, SZ_64K);
}

static void test_gicc_page1(void **state)
{
	const uint64_t base = 0xf9020000ull;

	(void)state;
	assert_int_equal(gicv2_gicc_page1(base, SZ_8K), base + 0x1000);
	assert_int_equal(gicv2_gicc_page1(base, SZ_64K), base + 0x1000);
	assert_int_equal(gicv2_gicc_page1(base, SZ_128K - SZ_4K), base + 0x1000);
	assert_int_equal(gicv2_gicc_page1(base, SZ_128K), base + 0x10000);
	assert_int_equal(gicv2_gicc_page1(base, 2 * SZ_128K), base + 0x10000);
}

/* ---- GICH: list registers and the virtual interface's reset */

/* GICH_LR<n> as the hardware holds it, from an ICH_LR value written through lr_hw, and back. */
static void test_lr_hw_translates(void **state)
{
	struct fixture *f = *state;
	uint8_t *h;
	uint64_t ich;

	bring_up(f, SZ_8K, 0x01);
	h = f->buf[BUF_GICH];
	put32(h, GICH_VTR, 0x90000003u); /* PRIbits 5, PREbits 5, 4 LRs */
	gicv2_lr_hw_init(16);
	assert_int_equal(gicv2_lr_hw.nr_lrs, 4);

	/* vINTID 27, pending, group 1, priority 0xa0 */
	ich = 27 | ICH_LR_PENDING | ICH_LR_GROUP | 0xa0ull << ICH_LR_PRIORITY_SHIFT;
	gicv2_lr_hw.write_lr(2, ich);
	assert_int_equal(get32(h, GICH_LR0 + 8), 0x5a00001bu);
	assert_int_equal(get32(h, GICH_LR0 + 4), 0x5a5a5a5au); /* neighbours untouched */
	assert_int_equal(get32(h, GICH_LR0 + 12), 0x5a5a5a5au);
	assert_int_equal(gicv2_lr_hw.read_lr(2), ich);

	/* hardware: vINTID 45 is physical 45, active, priority 0xf8 */
	put32(h, GICH_LR0 + 12, 0xef80b42du);
	assert_int_equal(gicv2_lr_hw.read_lr(3), 45 | 45ull << ICH_LR_PINTID_SHIFT | ICH_LR_HW |
							 ICH_LR_ACTIVE | ICH_LR_GROUP |
							 0xf8ull << ICH_LR_PRIORITY_SHIFT);

	/* ELRSR0, EISR0 and MISR, each from its own register */
	put32(h, GICH_ELRSR0, 0x5);
	put32(h, GICH_EISR0, 0xa);
	put32(h, GICH_MISR, ICH_MISR_EOI);
	assert_int_equal(gicv2_lr_hw.read_elrsr(), 0x5);
	assert_int_equal(gicv2_lr_hw.read_eisr(), 0xa);
	assert_int_equal(gicv2_lr_hw.read_misr(), ICH_MISR_EOI);

	/* GICH_HCR has ICH_HCR_EL2's layout for the bits skiff uses */
	gicv2_lr_hw.write_hcr(ICH_HCR_EN | ICH_HCR_UIE | ICH_HCR_NPIE);
	assert_int_equal(get32(h, GICH_HCR), 0xb);
	put32(h, GICH_HCR, ICH_HCR_EN | 3u << ICH_HCR_EOICOUNT_SHIFT);
	assert_int_equal(gicv2_lr_hw.read_hcr(), ICH_HCR_EN | 3u << ICH_HCR_EOICOUNT_SHIFT);
}

/* nr_lrs is GICH_VTR.ListRegs + 1 (up to 64), at most what the caller can hold. */
static void test_lr_hw_nr_lrs(void **state)
{
	static const struct {
		uint32_t vtr;
		unsigned int max, want;
	} cases[] = {
		{ 0x00000000u, 16, 1 },	 { 0x90000003u, 16, 4 },  { 0x9000003fu, 64, 64 },
		{ 0x9000003fu, 16, 16 }, { 0xffffffffu, 64, 64 }, { 0x90000007u, 4, 4 },
		{ 0x90000004u, 4, 4 },
	};
	struct fixture *f = *state;
	unsigned int i;

	bring_up(f, SZ_8K, 0x01);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put32(f->buf[BUF_GICH], GICH_VTR, cases[i].vtr);
		gicv2_lr_hw_init(cases[i].max);
		assert_int_equal(gicv2_lr_hw.nr_lrs, cases[i].want);
	}
}

/* Every LR the driver uses empty, no active priorities, GICV_CTLR and GICV_PMR 0 (VMCR),
 * the virtual interface on (HCR.En); nothing else of GICH. */
static void test_vcpu_if_reset(void **state)
{
	struct fixture *f = *state;
	uint8_t *h, *exp;
	unsigned int n;

	bring_up(f, SZ_8K, 0x01);
	h = f->buf[BUF_GICH];
	put32(h, GICH_VTR, 0x90000007u); /* 8 LRs */
	gicv2_lr_hw_init(6);
	exp = expect_from(f, BUF_GICH);
	gicv2_vcpu_if_reset();
	for (n = 0; n < 6; n++)
		put32(exp, GICH_LR0 + 4 * n, 0);
	put32(exp, GICH_APR, 0);
	put32(exp, GICH_VMCR, 0);
	put32(exp, GICH_HCR, 1);
	check_image(f, BUF_GICH);
}

/* ---- gicv2_lr.h: the ICH_LR <-> GICH_LR translation */

#define PRIO(p) ((uint64_t)(p) << ICH_LR_PRIORITY_SHIFT)
#define V2_CPUID(c) ((uint64_t)(c) << LR_V2_CPUID_SHIFT)
#define PINTID(p) ((uint64_t)(p) << ICH_LR_PINTID_SHIFT)

static void test_lr_translation(void **state)
{
	static const struct {
		const char *what;
		uint64_t ich;  /* written by the interrupt core */
		uint32_t gich; /* GICH_LR<n> */
		uint64_t back; /* read back from it */
	} cases[] = {
		{ "empty", 0, 0, 0 },
		{ "PPI 27 pending, group 1, priority 0xa0",
		  27 | ICH_LR_PENDING | ICH_LR_GROUP | PRIO(0xa0), 0x5a00001bu,
		  27 | ICH_LR_PENDING | ICH_LR_GROUP | PRIO(0xa0) },
		{ "SGI 5 from CPU 6, pending, EOI maintenance, group 0",
		  5 | V2_CPUID(6) | ICH_LR_EOI | ICH_LR_PENDING | PRIO(0x80), 0x18081805u,
		  5 | V2_CPUID(6) | ICH_LR_EOI | ICH_LR_PENDING | PRIO(0x80) },
		{ "SGI 15 from CPU 7, no maintenance", 15 | V2_CPUID(7) | ICH_LR_PENDING,
		  0x10001c0fu, 15 | V2_CPUID(7) | ICH_LR_PENDING },
		{ "HW 45 -> 45, active, group 1, priority 0xf8",
		  45 | PINTID(45) | ICH_LR_HW | ICH_LR_ACTIVE | ICH_LR_GROUP | PRIO(0xf8),
		  0xef80b42du,
		  45 | PINTID(45) | ICH_LR_HW | ICH_LR_ACTIVE | ICH_LR_GROUP | PRIO(0xf8) },
		/* PhysicalID bit 9 is where EOI is without HW: it stays the INTID's */
		{ "HW 600 -> 600, pending",
		  600 | PINTID(600) | ICH_LR_HW | ICH_LR_PENDING | PRIO(0xa0), 0x9a096258u,
		  600 | PINTID(600) | ICH_LR_HW | ICH_LR_PENDING | PRIO(0xa0) },
		{ "HW 40 -> 72, pending and active",
		  40 | PINTID(72) | ICH_LR_HW | ICH_LR_PENDING | ICH_LR_ACTIVE, 0xb0012028u,
		  40 | PINTID(72) | ICH_LR_HW | ICH_LR_PENDING | ICH_LR_ACTIVE },
		{ "SPI 1019 pending and active, group 1",
		  1019 | ICH_LR_PENDING | ICH_LR_ACTIVE | ICH_LR_GROUP, 0x700003fbu,
		  1019 | ICH_LR_PENDING | ICH_LR_ACTIVE | ICH_LR_GROUP },
		/* five bits of priority: the lower three are lost */
		{ "priority 0xa7 keeps 0xa0", 33 | ICH_LR_PENDING | PRIO(0xa7), 0x1a000021u,
		  33 | ICH_LR_PENDING | PRIO(0xa0) },
		{ "priority 0x07 keeps 0", 33 | ICH_LR_PENDING | PRIO(0x07), 0x10000021u,
		  33 | ICH_LR_PENDING },
		{ "priority 0xff keeps 0xf8", 34 | ICH_LR_ACTIVE | PRIO(0xff), 0x2f800022u,
		  34 | ICH_LR_ACTIVE | PRIO(0xf8) },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t gich = gicv2_lr_from_ich(cases[i].ich);
		uint64_t back = gicv2_lr_to_ich(cases[i].gich);

		if (gich != cases[i].gich)
			fail_msg("%s: GICH_LR 0x%08x, expected 0x%08x", cases[i].what, gich,
				 cases[i].gich);
		if (back != cases[i].back)
			fail_msg("%s: read back 0x%016llx, expected 0x%016llx", cases[i].what,
				 (unsigned long long)back, (unsigned long long)cases[i].back);
		assert_int_equal(gicv2_lr_to_ich(gicv2_lr_from_ich(back)), back);
	}
}

/* Every state and group, with and without HW, round-trips. */
static void test_lr_translation_states(void **state)
{
	unsigned int s, grp, hw;

	(void)state;
	for (s = 0; s < 4; s++)
		for (grp = 0; grp < 2; grp++)
			for (hw = 0; hw < 2; hw++) {
				uint64_t ich = 77 | (uint64_t)s << ICH_LR_STATE_SHIFT |
					       (grp ? ICH_LR_GROUP : 0) | PRIO(0x48) |
					       (hw ? ICH_LR_HW | PINTID(99) : ICH_LR_EOI);
				uint32_t lr = gicv2_lr_from_ich(ich);

				assert_int_equal((lr >> 28) & 3, s);
				assert_int_equal(!!(lr & GICH_LR_GRP1), grp);
				assert_int_equal(!!(lr & GICH_LR_HW), hw);
				assert_int_equal(lr & 0x3ff, 77);
				assert_int_equal(gicv2_lr_to_ich(lr), ich);
			}
}

/* ---- runs last: fills the driver's table of CPU interfaces */

static void test_cpu_slots(void **state)
{
	struct fixture *f = *state;
	uint64_t mpidr = 0x0f00;

	bring_up(f, SZ_8K, 0x01);
	while (cpus_recorded < GICV2_MAX_CPUS)
		cpu_up(f, mpidr++, (uint8_t)(1u << (cpus_recorded % 8)));
	log_clear();
	memset(f->buf[BUF_GICD] + GICD_ITARGETSR, 0x01, 32);
	assert_false(gicv2_cpu_init(mpidr)); /* a ninth CPU */
	assert_int_equal(nr_writes, 0);
	assert_true(gicv2_cpu_init(0x0100)); /* one the driver knows */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dist_init_archrev, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dist_init_spis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dist_init_uniprocessor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dist_init_itlines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_init_uniprocessor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spi_route, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spi_set_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_sgi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_eoi_deactivate_8k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deactivate_spi_in_distributor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_route_active_spi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_route_active_spi_qemu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_eoi_deactivate_64k_aliased, setup,
						teardown),
		cmocka_unit_test(test_gicc_page1),
		cmocka_unit_test_setup_teardown(test_lr_hw_translates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lr_hw_nr_lrs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcpu_if_reset, setup, teardown),
		cmocka_unit_test(test_lr_translation),
		cmocka_unit_test(test_lr_translation_states),
		cmocka_unit_test_setup_teardown(test_cpu_slots, setup, teardown), /* last */
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
