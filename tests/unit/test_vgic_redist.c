/*
 * test_vgic_redist.c - host unit tests for the virtual GICv3 redistributors
 * (irq/vgic_redist.c over irq/vgic_mmio.c): GICR_TYPER affinity, Processor_Number and Last for
 * 1, 2, 4 and 8 vCPUs, the WAKER handshake as Linux does it, every RD_base and SGI_base
 * register at every width, reserved offsets, the rule that the frame addressed - not the vCPU
 * accessing - is the one changed, and the abort past the last frame. The hardware is a fake
 * vgic_ops that counts kicks and records physical deactivations; PPI sources are a fake that
 * records every callback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "irq/vgic.h"
#include "tests/unit/vgic_locks.h"
#include "irq/vgic_mmio.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define STRIDE VGIC_GICR_STRIDE
#define SGI_BASE GICR_SGI_BASE
#define PPI_SRC 23 /* a PPI behind the fake source, on vCPU 1 */
#define SRC_INDEX 5

/* Affinities with every level in use, as a multi-cluster SoC numbers its cores */
static const uint64_t mpidrs[VGIC_MAX_CPUS] = {
	0x0000000000ull, 0x0000000001ull, 0x0000000100ull,
	0x0000010000ull, 0x0100000000ull, 0x8000000102ull & 0xff00ffffffull,
	0x0300020103ull, 0xff00ffffffull,
};

/* ---- fakes */

static unsigned int kicks[VGIC_MAX_CPUS];
static uint32_t deact[16];
static const struct vgic_cpu *deact_vc[ARRAY_SIZE(deact)]; /* whose PPI */
static unsigned int nr_deact;

static void fake_kick(struct vgic *vg, unsigned int vcpu)
{
	(void)vg;
	assert_true(vcpu < VGIC_MAX_CPUS);
	kicks[vcpu]++;
}

static void fake_deactivate_phys(struct vgic *vg, const struct vgic_cpu *vc, uint32_t pintid)
{
	assert_true(pintid >= VGIC_INTID_SPI_BASE || vc != NULL);
	(void)vg;
	assert_true(nr_deact < ARRAY_SIZE(deact));
	deact_vc[nr_deact] = vc;
	deact[nr_deact++] = pintid;
}

static const struct vgic_ops fake_ops = {
	.kick = fake_kick,
	.deactivate_phys = fake_deactivate_phys,
};

enum ev_kind { EV_TRIGGER, EV_MASK, EV_UNMASK, EV_CONFIG, EV_EOI };

struct event {
	enum ev_kind kind;
	unsigned int index;
	struct irq_config cfg;
};

static struct event events[32];
static unsigned int nr_events;

static void record(enum ev_kind kind, unsigned int index, const struct irq_config *cfg)
{
	assert_true(nr_events < ARRAY_SIZE(events));
	events[nr_events].kind = kind;
	events[nr_events].index = index;
	if (cfg)
		events[nr_events].cfg = *cfg;
	nr_events++;
}

static void src_trigger(struct irq_source *s, unsigned int index)
{
	(void)s;
	record(EV_TRIGGER, index, NULL);
}

static void src_mask(struct irq_source *s, unsigned int index)
{
	(void)s;
	record(EV_MASK, index, NULL);
}

static void src_unmask(struct irq_source *s, unsigned int index)
{
	(void)s;
	record(EV_UNMASK, index, NULL);
}

static void src_update_config(struct irq_source *s, unsigned int index,
			      const struct irq_config *cfg)
{
	(void)s;
	record(EV_CONFIG, index, cfg);
}

static void src_eoi(struct irq_source *s, unsigned int index)
{
	(void)s;
	record(EV_EOI, index, NULL);
}

static const struct irq_source_ops fake_src_ops = {
	.trigger = src_trigger,
	.mask = src_mask,
	.unmask = src_unmask,
	.update_config = src_update_config,
	.eoi = src_eoi,
};

/* ---- the VM under test */

struct env {
	struct vgic vg;
	struct vgic_cpu cpu[VGIC_MAX_CPUS];
	struct irq_source src;
};

static struct env *env_new(unsigned int nr_cpus)
{
	struct env *e = calloc(1, sizeof(*e));
	struct vgic_cpu *cpus[VGIC_MAX_CPUS];
	unsigned int i;

	assert_non_null(e);
	for (i = 0; i < nr_cpus; i++) {
		e->cpu[i].mpidr = mpidrs[i];
		cpus[i] = &e->cpu[i];
	}
	vgic_init(&e->vg, &fake_ops, 288, cpus, nr_cpus);
	memset(kicks, 0, sizeof(kicks));
	nr_deact = 0;
	nr_events = 0;
	return e;
}

static int setup(void **state)
{
	struct env *e = env_new(4);

	/* a PPI with a source, as a device model would attach one */
	e->src.ops = &fake_src_ops;
	e->src.kind = IRQ_SOURCE_EMULATED;
	e->src.vgic = &e->vg;
	e->src.first_intid = PPI_SRC;
	e->src.count = 1;
	e->cpu[1].private_irqs[PPI_SRC].src = &e->src;
	e->cpu[1].private_irqs[PPI_SRC].src_index = SRC_INDEX;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* Access redistributor frame offset of vCPU n as vCPU self. */
static uint64_t rd_as(struct env *e, unsigned int self, unsigned int n, uint64_t off,
		      unsigned int width)
{
	uint64_t val = 0xdeadbeefdeadbeefull;

	assert_int_equal(vgic_redist_read(&e->vg, &e->cpu[self], n * STRIDE + off, width, &val),
			 VGIC_ACCESS_OK);
	return val;
}

static void wr_as(struct env *e, unsigned int self, unsigned int n, uint64_t off,
		  unsigned int width, uint64_t val)
{
	assert_int_equal(vgic_redist_write(&e->vg, &e->cpu[self], n * STRIDE + off, width, val),
			 VGIC_ACCESS_OK);
}

/* The usual case: a vCPU reaching its own redistributor. */
static uint64_t rd(struct env *e, unsigned int n, uint64_t off, unsigned int width)
{
	return rd_as(e, n, n, off, width);
}

static void wr(struct env *e, unsigned int n, uint64_t off, unsigned int width, uint64_t val)
{
	wr_as(e, n, n, off, width, val);
}

static bool on_list(const struct vgic_cpu *vc, const struct virq *v)
{
	const struct virq *p;

	for (p = vc->ap_head; p; p = p->ap_next)
		if (p == v)
			return v->ap_owner == vc;
	return false;
}

static unsigned int total_kicks(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < VGIC_MAX_CPUS; i++)
		n += kicks[i];
	return n;
}

static void snapshot(const struct env *e, struct env *snap)
{
	memcpy(snap, e, sizeof(*snap));
	vgic_zero_locks(&snap->vg, snap->cpu, VGIC_MAX_CPUS);
}

static void assert_unchanged(const struct env *e, const struct env *before)
{
	struct env *now = malloc(sizeof(*now));

	assert_non_null(now);
	snapshot(e, now);
	assert_memory_equal(now, before, sizeof(*now));
	free(now);
}

static void assert_raz_wi(struct env *e, unsigned int n, uint64_t off, unsigned int width)
{
	struct env *before = malloc(sizeof(*before));
	unsigned int k = total_kicks(), ev = nr_events, d = nr_deact;
	uint64_t val;

	assert_non_null(before);
	snapshot(e, before);
	wr(e, n, off, width, ~0ull);
	assert_unchanged(e, before);
	free(before);
	val = rd(e, n, off, width);
	if (val)
		fail_msg("vCPU %u offset 0x%llx width %u reads 0x%llx", n, (unsigned long long)off,
			 width, (unsigned long long)val);
	assert_int_equal(total_kicks(), k);
	assert_int_equal(nr_events, ev);
	assert_int_equal(nr_deact, d);
}

/* ---- RD_base */

static uint64_t expected_typer(unsigned int n, unsigned int nr_cpus)
{
	uint64_t m = mpidrs[n];
	uint64_t aff =
		(m >> 32 & 0xff) << 24 | (m >> 16 & 0xff) << 16 | (m >> 8 & 0xff) << 8 | (m & 0xff);

	return aff << 32 | (uint64_t)n << 8 | (n == nr_cpus - 1 ? GICR_TYPER_LAST : 0);
}

static void test_typer(void **state)
{
	static const unsigned int counts[] = { 1, 2, 4, 8 };
	unsigned int c, n;

	(void)state;
	for (c = 0; c < ARRAY_SIZE(counts); c++) {
		struct env *e = env_new(counts[c]);

		for (n = 0; n < counts[c]; n++) {
			uint64_t t = expected_typer(n, counts[c]);

			assert_int_equal(rd(e, n, GICR_TYPER, 8), t);
			assert_int_equal(rd(e, n, GICR_TYPER, 4), (uint32_t)t);
			assert_int_equal(rd(e, n, GICR_TYPER + 4, 4), t >> 32);
			/* seen from another vCPU too */
			assert_int_equal(rd_as(e, 0, n, GICR_TYPER, 8), t);
			/* Last on the last only; no PLPIS, VLPIS, DirectLPI */
			assert_int_equal(!!(t & GICR_TYPER_LAST), n == counts[c] - 1);
			assert_int_equal(rd(e, n, GICR_TYPER, 8) & 0xef, 0);
			/* RO */
			wr(e, n, GICR_TYPER, 8, 0);
			wr(e, n, GICR_TYPER + 4, 4, 0);
			assert_int_equal(rd(e, n, GICR_TYPER, 8), t);
			/* bytes and halfwords are not defined */
			assert_raz_wi(e, n, GICR_TYPER, 1);
			assert_raz_wi(e, n, GICR_TYPER + 4, 2);
		}
		free(e);
	}
	/* spot checks of the packing: Aff3 lands in bits [63:56] */
	{
		struct env *e = env_new(8);

		assert_int_equal(rd(e, 4, GICR_TYPER + 4, 4), 0x01000000);
		assert_int_equal(rd(e, 6, GICR_TYPER + 4, 4), 0x03020103);
		assert_int_equal(rd(e, 7, GICR_TYPER, 8), 0xffffffff00000710ull);
		free(e);
	}
}

/* Linux's gic_enable_redist(): clear ProcessorSleep, then poll until ChildrenAsleep is 0. */
static void test_waker_handshake(void **state)
{
	struct env *e = *state;
	unsigned int n, polls;

	for (n = 0; n < 4; n++) {
		uint32_t val = (uint32_t)rd(e, n, GICR_WAKER, 4);

		assert_int_equal(val, 0x6); /* asleep at reset */
		val &= ~GICR_WAKER_PROCESSOR_SLEEP;
		wr(e, n, GICR_WAKER, 4, val);
		for (polls = 0; polls < 1000; polls++)
			if (!(rd(e, n, GICR_WAKER, 4) & GICR_WAKER_CHILDREN_ASLEEP))
				break;
		assert_int_equal(polls, 0); /* awake at once */
		assert_false(e->cpu[n].processor_sleep);
		assert_int_equal(rd(e, n, GICR_WAKER, 4), 0);
	}
	/* back to sleep (gic_enable_redist(false)) */
	wr(e, 2, GICR_WAKER, 4, GICR_WAKER_PROCESSOR_SLEEP);
	assert_int_equal(rd(e, 2, GICR_WAKER, 4), 0x6);
	assert_true(e->cpu[2].processor_sleep);
	/* ChildrenAsleep and the other bits are read-only / RAZ */
	wr(e, 1, GICR_WAKER, 4, 0xfffffffd);
	assert_int_equal(rd(e, 1, GICR_WAKER, 4), 0);
	wr(e, 1, GICR_WAKER, 4, 0xffffffff);
	assert_int_equal(rd(e, 1, GICR_WAKER, 4), 0x6);
	assert_raz_wi(e, 1, GICR_WAKER, 1);
	assert_raz_wi(e, 1, GICR_WAKER, 2);
	assert_raz_wi(e, 1, GICR_WAKER, 8);
}

static void test_rd_registers(void **state)
{
	struct env *e = *state;
	static const uint32_t ids[GIC_IDREGS_COUNT] = { 0x44, 0, 0,    0,    0x53, 0xb0,
							0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1 };
	unsigned int i;

	/* CTLR: no LPIs, nothing to wait for */
	assert_int_equal(rd(e, 0, GICR_CTLR, 4), 0);
	assert_raz_wi(e, 0, GICR_CTLR, 4);
	assert_int_equal(rd(e, 0, GICR_IIDR, 4), 0x5300043b);
	wr(e, 0, GICR_IIDR, 4, 0);
	assert_int_equal(rd(e, 0, GICR_IIDR, 4), 0x5300043b);
	assert_int_equal(rd(e, 3, GICR_PIDR2, 4), 0x3b);
	for (i = 0; i < GIC_IDREGS_COUNT; i++)
		assert_int_equal(rd(e, 1, GICR_PIDR4 + 4 * i, 4), ids[i]);
	assert_raz_wi(e, 0, GICR_STATUSR, 4);
}

static void test_propbaser_pendbaser(void **state)
{
	struct env *e = *state;
	static const uint32_t regs[] = { GICR_PROPBASER, GICR_PENDBASER };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		wr(e, 1, regs[i], 8, 0x0123456789abcdefull);
		assert_int_equal(rd(e, 1, regs[i], 8), 0x0123456789abcdefull);
		assert_int_equal(rd(e, 1, regs[i], 4), 0x89abcdef);
		assert_int_equal(rd(e, 1, regs[i] + 4, 4), 0x01234567);
		wr(e, 1, regs[i] + 4, 4, 0xfedcba98);
		assert_int_equal(rd(e, 1, regs[i], 8), 0xfedcba9889abcdefull);
		wr(e, 1, regs[i], 4, 0x11223344);
		assert_int_equal(rd(e, 1, regs[i], 8), 0xfedcba9811223344ull);
		assert_int_equal(rd(e, 0, regs[i], 8), 0); /* vCPU 0's own is untouched */
		assert_raz_wi(e, 1, regs[i], 1);
		assert_raz_wi(e, 1, regs[i] + 2, 2);
	}
	assert_int_equal(e->cpu[1].propbaser, 0xfedcba9811223344ull);
	assert_int_equal(e->cpu[1].pendbaser, 0xfedcba9811223344ull);
}

static void test_reserved_offsets(void **state)
{
	struct env *e = *state;
	static const uint32_t offs[] = {
		0x0010, /* STATUSR */
		0x0018,
		0x001c, /* MPAMIDR, PARTIDR */
		0x0040,
		0x0048, /* SETLPIR, CLRLPIR */
		0x0060,
		0x0080,
		0x00a0,
		0x00b0,
		0x00c0, /* LPI maintenance */
		0x0100,
		0x1000,
		0x8000,
		0xffcc,
		0xffd4,
		0xffd8,
		0xffdc,
		SGI_BASE + 0x0000,
		SGI_BASE + 0x0004,
		SGI_BASE + 0x0008,
		SGI_BASE + 0x0084,
		SGI_BASE + 0x0104,
		SGI_BASE + 0x0184,
		SGI_BASE + 0x0204,
		SGI_BASE + 0x0284,
		SGI_BASE + 0x0304,
		SGI_BASE + 0x0384,
		SGI_BASE + 0x0420,
		SGI_BASE + 0x0800,
		SGI_BASE + 0x0c08,
		SGI_BASE + 0x0d00, /* IGRPMODR0 */
		SGI_BASE + 0x0e00, /* NSACR */
		SGI_BASE + 0x0f00,
		SGI_BASE + 0xffe8, /* no ID registers in SGI_base */
		SGI_BASE + 0xfffc,
		0x1fffc,
	};
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	unsigned int i, w;

	for (i = 0; i < ARRAY_SIZE(offs); i++)
		for (w = 0; w < ARRAY_SIZE(widths); w++)
			assert_raz_wi(e, 2, offs[i] & ~(widths[w] - 1), widths[w]);
}

/* ---- SGI_base */

struct bitreg {
	const char *name;
	uint32_t off;
	unsigned int bpi;
};

static const struct bitreg bitregs[] = {
	{ "IGROUPR0", GICR_IGROUPR0, 1 },     { "ISENABLER0", GICR_ISENABLER0, 1 },
	{ "ICENABLER0", GICR_ICENABLER0, 1 }, { "ISPENDR0", GICR_ISPENDR0, 1 },
	{ "ICPENDR0", GICR_ICPENDR0, 1 },     { "ISACTIVER0", GICR_ISACTIVER0, 1 },
	{ "ICACTIVER0", GICR_ICACTIVER0, 1 }, { "IPRIORITYR0", GICR_IPRIORITYR0, 8 },
	{ "ICFGR0", GICR_ICFGR0, 2 },
};

static void test_sgi_frame_widths(void **state)
{
	struct env *e = *state;
	struct virq *irqs = e->cpu[1].private_irqs;
	unsigned int i, n;

	/* state to read back in every register */
	wr(e, 1, GICR_IGROUPR0, 4, 0x00010002);
	for (n = 0; n < VGIC_NR_PRIVATE; n++) {
		irqs[n].enabled = irqs[n].pending_latch = irqs[n].active = true;
		irqs[n].priority = 0x80;
	}
	wr(e, 1, GICR_ICFGR1, 4, 0xaaaaaaaa);

	for (i = 0; i < ARRAY_SIZE(bitregs); i++) {
		uint32_t off;

		for (off = bitregs[i].off; off < bitregs[i].off + 32 * bitregs[i].bpi / 8;
		     off += 4) {
			unsigned int b;

			if (rd(e, 1, off, 4) == 0)
				fail_msg("%s at 0x%x reads 0", bitregs[i].name, off);
			for (b = 0; b < 4; b++)
				if (bitregs[i].bpi == 8)
					assert_int_equal(rd(e, 1, off + b, 1), 0x80);
				else
					assert_raz_wi(e, 1, off + b, 1);
			assert_raz_wi(e, 1, off, 2);
			assert_raz_wi(e, 1, off + 2, 2);
			assert_raz_wi(e, 1, off & ~7u, 8);
		}
	}
}

static void test_sgi_frame_set_clear(void **state)
{
	struct env *e = *state;
	const struct {
		uint32_t set, clear;
		size_t field;
	} pairs[] = {
		{ GICR_ISENABLER0, GICR_ICENABLER0, offsetof(struct virq, enabled) },
		{ GICR_ISPENDR0, GICR_ICPENDR0, offsetof(struct virq, pending_latch) },
		{ GICR_ISACTIVER0, GICR_ICACTIVER0, offsetof(struct virq, active) },
	};
	static const unsigned int intids[] = { 0, 7, 15, 16, 27, 31 };
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		for (k = 0; k < ARRAY_SIZE(intids); k++) {
			const uint32_t bit = 1u << intids[k];
			const struct virq *v = &e->cpu[2].private_irqs[intids[k]];
			const bool *field = (const bool *)((const char *)v + pairs[i].field);

			wr(e, 2, pairs[i].set, 4, bit);
			assert_true(*field);
			assert_int_equal(rd(e, 2, pairs[i].set, 4), bit);
			assert_int_equal(rd(e, 2, pairs[i].clear, 4), bit);
			wr(e, 2, pairs[i].clear, 4, ~bit);
			assert_true(*field);
			wr(e, 2, pairs[i].clear, 4, bit);
			assert_false(*field);
			assert_int_equal(rd(e, 2, pairs[i].set, 4), 0);
		}
	}
	wr(e, 2, GICR_IGROUPR0, 4, 0x80000001);
	assert_int_equal(rd(e, 2, GICR_IGROUPR0, 4), 0x80000001);
	assert_int_equal(e->cpu[2].private_irqs[0].group, 1);
	assert_int_equal(e->cpu[2].private_irqs[31].group, 1);
	assert_int_equal(e->cpu[2].private_irqs[1].group, 0);
}

/* ICPENDR0 on a level PPI whose line is high: still pending. */
static void test_icpendr_level_high(void **state)
{
	struct env *e = *state;

	vgic_set_level(&e->vg, &e->cpu[0], 20, true);
	assert_int_equal(rd(e, 0, GICR_ISPENDR0, 4), 1u << 20);
	wr(e, 0, GICR_ICPENDR0, 4, 1u << 20);
	assert_int_equal(rd(e, 0, GICR_ISPENDR0, 4), 1u << 20);
	vgic_set_level(&e->vg, &e->cpu[0], 20, false);
	assert_int_equal(rd(e, 0, GICR_ISPENDR0, 4), 0);
}

static void test_priority(void **state)
{
	struct env *e = *state;
	unsigned int n;

	for (n = 0; n < VGIC_NR_PRIVATE; n++)
		wr(e, 3, GICR_IPRIORITYR0 + n, 1, 0xff - n);
	for (n = 0; n < VGIC_NR_PRIVATE; n++) {
		assert_int_equal(e->cpu[3].private_irqs[n].priority, (0xff - n) & 0xf8);
		assert_int_equal(rd(e, 3, GICR_IPRIORITYR0 + n, 1), (0xff - n) & 0xf8);
	}
	wr(e, 3, GICR_IPRIORITYR0 + 28, 4, 0x01234567); /* INTIDs 28..31 */
	assert_int_equal(rd(e, 3, GICR_IPRIORITYR0 + 28, 4), 0x00204060);
	assert_int_equal(e->cpu[3].private_irqs[31].priority, 0x00);
	assert_int_equal(e->cpu[3].private_irqs[28].priority, 0x60);
	assert_int_equal(e->cpu[2].private_irqs[28].priority, 0); /* per vCPU */
}

static void test_icfgr(void **state)
{
	struct env *e = *state;
	unsigned int n;

	/* SGIs: always edge, writes ignored */
	assert_int_equal(rd(e, 0, GICR_ICFGR0, 4), 0xaaaaaaaa);
	wr(e, 0, GICR_ICFGR0, 4, 0);
	assert_int_equal(rd(e, 0, GICR_ICFGR0, 4), 0xaaaaaaaa);
	wr(e, 0, GICR_ICFGR0, 4, 0xffffffff);
	assert_int_equal(rd(e, 0, GICR_ICFGR0, 4), 0xaaaaaaaa);
	for (n = 0; n < VGIC_NR_SGIS; n++)
		assert_true(e->cpu[0].private_irqs[n].edge);

	/* PPIs: level at reset, read/write, Int_config[0] RES0 */
	assert_int_equal(rd(e, 0, GICR_ICFGR1, 4), 0);
	wr(e, 0, GICR_ICFGR1, 4, 0xffffffff);
	assert_int_equal(rd(e, 0, GICR_ICFGR1, 4), 0xaaaaaaaa);
	wr(e, 0, GICR_ICFGR1, 4, 0x00800000); /* PPI 27 edge, the rest level */
	assert_int_equal(rd(e, 0, GICR_ICFGR1, 4), 0x00800000);
	assert_true(e->cpu[0].private_irqs[27].edge);
	assert_false(e->cpu[0].private_irqs[26].edge);
	assert_int_equal(rd(e, 1, GICR_ICFGR1, 4), 0); /* per vCPU */
}

/* ---- which redistributor */

/* vCPU 0 writing into vCPU 2's frame changes vCPU 2's state, not its own (the bug that had
 * another hypervisor forward such writes to redistributor 0). */
static void test_addressed_redistributor(void **state)
{
	struct env *e = *state;
	struct virq *v2 = &e->cpu[2].private_irqs[27];
	struct virq *v0 = &e->cpu[0].private_irqs[27];
	unsigned int n;

	wr_as(e, 0, 2, GICR_ISENABLER0, 4, 1u << 27);
	wr_as(e, 0, 2, GICR_IPRIORITYR0 + 27, 1, 0xa0);
	wr_as(e, 0, 2, GICR_IGROUPR0, 4, 1u << 27);
	wr_as(e, 0, 2, GICR_ICFGR1, 4, 2u << 22);
	wr_as(e, 0, 2, GICR_WAKER, 4, 0);
	assert_true(v2->enabled && v2->group && v2->edge);
	assert_int_equal(v2->priority, 0xa0);
	assert_false(e->cpu[2].processor_sleep);
	assert_false(v0->enabled || v0->group || v0->edge || v0->priority);
	assert_true(e->cpu[0].processor_sleep);
	for (n = 0; n < 4; n++)
		if (n != 2)
			assert_int_equal(rd(e, n, GICR_ISENABLER0, 4), 0);
	assert_int_equal(rd_as(e, 3, 2, GICR_ISENABLER0, 4), 1u << 27);
	assert_int_equal(rd_as(e, 0, 2, GICR_TYPER, 8), expected_typer(2, 4));

	/* pending through vCPU 2's frame: on vCPU 2's list, vCPU 2 kicked */
	wr_as(e, 0, 0, 0, 4, 0); /* (a harmless access to vCPU 0's own frame) */
	assert_int_equal(vgic_dist_write(&e->vg, &e->cpu[0], GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1),
			 VGIC_ACCESS_OK);
	memset(kicks, 0, sizeof(kicks));
	wr_as(e, 0, 2, GICR_ISPENDR0, 4, 1u << 27);
	assert_true(on_list(&e->cpu[2], v2));
	assert_null(e->cpu[0].ap_head);
	assert_int_equal(kicks[2], 1);
	assert_int_equal(total_kicks(), 1);

	/* the accessing vCPU does not matter at all: NULL works too */
	{
		uint64_t val;

		assert_int_equal(
			vgic_redist_read(&e->vg, NULL, 2 * STRIDE + GICR_ISPENDR0, 4, &val),
			VGIC_ACCESS_OK);
		assert_int_equal(val, 1u << 27);
	}
}

static void test_abort_beyond_last(void **state)
{
	/* VGIC_MAX_CPUS: vg->cpus[] is full, nothing after it may be read as a vCPU */
	static const unsigned int counts[] = { 1, 2, 4, VGIC_MAX_CPUS };
	unsigned int c;

	(void)state;
	for (c = 0; c < ARRAY_SIZE(counts); c++) {
		struct env *e = env_new(counts[c]);
		const uint64_t end = (uint64_t)counts[c] * STRIDE;
		struct env *before = malloc(sizeof(*before));
		uint64_t val = 1;

		assert_non_null(before);
		/* the last byte of the last frame is still inside */
		assert_int_equal(vgic_redist_read(&e->vg, &e->cpu[0], end - 4, 4, &val),
				 VGIC_ACCESS_OK);
		snapshot(e, before);
		assert_int_equal(vgic_redist_read(&e->vg, &e->cpu[0], end, 4, &val),
				 VGIC_ACCESS_ABORT);
		assert_int_equal(val, 0);
		assert_int_equal(vgic_redist_read(&e->vg, &e->cpu[0], end + GICR_TYPER, 8, &val),
				 VGIC_ACCESS_ABORT);
		assert_int_equal(
			vgic_redist_write(&e->vg, &e->cpu[0], end + GICR_ISENABLER0, 4, ~0ull),
			VGIC_ACCESS_ABORT);
		assert_int_equal(vgic_redist_write(&e->vg, &e->cpu[0], end + GICR_WAKER, 4, 0),
				 VGIC_ACCESS_ABORT);
		assert_int_equal(vgic_redist_write(&e->vg, &e->cpu[0], 64 * STRIDE, 4, 0),
				 VGIC_ACCESS_ABORT);
		assert_int_equal(vgic_redist_write(&e->vg, &e->cpu[0], ~0ull - 3, 4, 0),
				 VGIC_ACCESS_ABORT);
		/* an offset that would wrap to frame 0 in 32 bits */
		assert_int_equal(vgic_redist_write(&e->vg, &e->cpu[0],
						   0x100000000ull + GICR_ISENABLER0, 4, ~0ull),
				 VGIC_ACCESS_ABORT);
		assert_unchanged(e, before);
		free(before);
		free(e);
	}
}

/* ---- hooks */

static void test_hw_ppi_deactivate(void **state)
{
	struct env *e = *state;

	vgic_link_hw(&e->vg, &e->cpu[3], 27, 27); /* the virtual timer */
	wr(e, 3, GICR_ICACTIVER0, 4, 1u << 27);	  /* not active */
	assert_int_equal(nr_deact, 0);
	wr(e, 3, GICR_ISACTIVER0, 4, 1u << 27);
	wr(e, 3, GICR_ICACTIVER0, 4, 1u << 27);
	assert_int_equal(nr_deact, 1);
	assert_int_equal(deact[0], 27);
	assert_ptr_equal(deact_vc[0], &e->cpu[3]);
	/* the same PPI on another vCPU is not hardware-linked */
	wr(e, 1, GICR_ISACTIVER0, 4, 1u << 27);
	wr(e, 1, GICR_ICACTIVER0, 4, 1u << 27);
	assert_int_equal(nr_deact, 1);
	/* vCPU 0 deactivates vCPU 3's timer: the PPI of vCPU 3's CPU, not of the writer's
	 * (finding 3 of tests/fuzz/FINDINGS.md) */
	wr(e, 3, GICR_ISACTIVER0, 4, 1u << 27);
	wr_as(e, 0, 3, GICR_ICACTIVER0, 4, 1u << 27);
	assert_int_equal(nr_deact, 2);
	assert_int_equal(deact[1], 27);
	assert_ptr_equal(deact_vc[1], &e->cpu[3]);
}

static void test_ppi_source_callbacks(void **state)
{
	struct env *e = *state;
	const uint32_t bit = 1u << PPI_SRC;

	wr_as(e, 0, 1, GICR_ISENABLER0, 4, bit);
	wr_as(e, 0, 1, GICR_ICENABLER0, 4, bit);
	wr_as(e, 0, 1, GICR_ISPENDR0, 4, bit);
	wr_as(e, 0, 1, GICR_IPRIORITYR0 + PPI_SRC, 1, 0x40);
	wr_as(e, 0, 1, GICR_ICFGR1, 4, 2u << (2 * (PPI_SRC - 16)));
	wr_as(e, 0, 1, GICR_ISACTIVER0, 4, bit);
	wr_as(e, 0, 1, GICR_ICACTIVER0, 4, bit);
	assert_int_equal(nr_events, 6);
	assert_int_equal(events[0].kind, EV_UNMASK);
	assert_int_equal(events[1].kind, EV_MASK);
	assert_int_equal(events[2].kind, EV_TRIGGER);
	assert_int_equal(events[3].kind, EV_CONFIG);
	assert_int_equal(events[3].cfg.priority, 0x40);
	assert_false(events[3].cfg.edge);
	assert_int_equal(events[3].cfg.target_mpidr, mpidrs[1]); /* a PPI's target: its vCPU */
	assert_int_equal(events[4].kind, EV_CONFIG);
	assert_true(events[4].cfg.edge);
	assert_int_equal(events[5].kind, EV_EOI);
	for (unsigned int i = 0; i < nr_events; i++)
		assert_int_equal(events[i].index, SRC_INDEX);
	/* the same PPI on vCPU 0 has no source */
	wr(e, 0, GICR_ISENABLER0, 4, bit);
	assert_int_equal(nr_events, 6);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_typer),
		T(test_waker_handshake),
		T(test_rd_registers),
		T(test_propbaser_pendbaser),
		T(test_reserved_offsets),
		T(test_sgi_frame_widths),
		T(test_sgi_frame_set_clear),
		T(test_icpendr_level_high),
		T(test_priority),
		T(test_icfgr),
		T(test_addressed_redistributor),
		T(test_abort_beyond_last),
		T(test_hw_ppi_deactivate),
		T(test_ppi_source_callbacks),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
