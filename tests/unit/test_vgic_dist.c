/*
 * test_vgic_dist.c - host unit tests for the virtual GICv3 distributor (irq/vgic_dist.c over
 * irq/vgic_mmio.c) and the vGIC core it drives (irq/vgic.c): every GICD register at every
 * width, reserved offsets, SPIs the VM does not own and INTIDs beyond nr_intids, set/clear
 * pairs, IROUTER routing and the in-flight lists, group enables, injection, and the calls
 * into interrupt sources and struct vgic_ops. The hardware is a fake vgic_ops that counts
 * kicks and records physical deactivations; sources are a fake that records every callback.
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

#define NR_INTIDS 288 /* QEMU virt */
#define SPI_SRC 40    /* owned, behind the fake source (index SRC_INDEX) */
#define SPI_OWN 41    /* owned, no source */
#define SPI_FAR 287   /* owned, the last INTID */
#define SRC_INDEX 3

/* vCPU affinities: Aff0, Aff1, Aff2 and Aff3 all used; vCPU 1 reads MPIDR_EL1-style bit 31 */
static const uint64_t mpidrs[] = { 0x0, 0x80000001, 0x10000, 0x100000001 };
#define NR_CPUS ARRAY_SIZE(mpidrs)

/* ---- fakes */

static unsigned int kicks[VGIC_MAX_CPUS];
static uint32_t deact[32];
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

enum ev_kind { EV_ENABLE, EV_DISABLE, EV_TRIGGER, EV_MASK, EV_UNMASK, EV_CONFIG, EV_EOI };

struct event {
	enum ev_kind kind;
	unsigned int index;
	struct irq_config cfg;
};

static struct event events[64];
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

static void src_enable(struct irq_source *s)
{
	(void)s;
	record(EV_ENABLE, 0, NULL);
}

static void src_disable(struct irq_source *s)
{
	(void)s;
	record(EV_DISABLE, 0, NULL);
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
	.enable = src_enable,
	.disable = src_disable,
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

/* vgic_prune() as hyp/run/vcpu.c runs it: under the vCPU's ap_lock, which it asserts; what it
 * took off for another vCPU's list is queued there after. */
static void prune(struct env *e, struct vgic_cpu *vc)
{
	spin_lock(&vc->ap_lock);
	vgic_prune(&e->vg, vc);
	spin_unlock(&vc->ap_lock);
	vgic_requeue(&e->vg, vc);
}

static struct env *env_new(unsigned int nr_cpus, unsigned int nr_intids)
{
	struct env *e = calloc(1, sizeof(*e));
	struct vgic_cpu *cpus[VGIC_MAX_CPUS];
	unsigned int i;

	assert_non_null(e);
	for (i = 0; i < nr_cpus; i++) {
		e->cpu[i].mpidr = mpidrs[i];
		cpus[i] = &e->cpu[i];
	}
	vgic_init(&e->vg, &fake_ops, nr_intids, cpus, nr_cpus);
	e->src.ops = &fake_src_ops;
	e->src.kind = IRQ_SOURCE_PASSTHROUGH;
	e->src.vgic = &e->vg;
	e->src.first_intid = SPI_SRC - SRC_INDEX;
	e->src.count = SRC_INDEX + 1;
	memset(kicks, 0, sizeof(kicks));
	nr_deact = 0;
	nr_events = 0;
	return e;
}

static int setup(void **state)
{
	struct env *e = env_new(NR_CPUS, NR_INTIDS);

	assert_int_equal(vgic_claim_spi(&e->vg, SPI_SRC, &e->src, SRC_INDEX), 0);
	assert_int_equal(vgic_claim_spi(&e->vg, SPI_OWN, NULL, 0), 0);
	assert_int_equal(vgic_claim_spi(&e->vg, SPI_FAR, NULL, 0), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static uint64_t rd(struct env *e, uint64_t off, unsigned int width)
{
	uint64_t val = 0xdeadbeefdeadbeefull;

	assert_int_equal(vgic_dist_read(&e->vg, &e->cpu[0], off, width, &val), VGIC_ACCESS_OK);
	return val;
}

static void wr(struct env *e, uint64_t off, unsigned int width, uint64_t val)
{
	assert_int_equal(vgic_dist_write(&e->vg, &e->cpu[0], off, width, val), VGIC_ACCESS_OK);
}

static struct virq *spi(struct env *e, uint32_t intid)
{
	return &e->vg.spis[intid - VGIC_INTID_SPI_BASE];
}

static bool on_list(const struct vgic_cpu *vc, const struct virq *v)
{
	const struct virq *p;

	for (p = vc->ap_head; p; p = p->ap_next)
		if (p == v)
			return v->ap_owner == vc;
	return false;
}

static unsigned int list_len(const struct vgic_cpu *vc)
{
	const struct virq *p;
	unsigned int n = 0;

	for (p = vc->ap_head; p; p = p->ap_next)
		n++;
	return n;
}

static unsigned int total_kicks(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < VGIC_MAX_CPUS; i++)
		n += kicks[i];
	return n;
}

/* The whole VM state, the lock's counters left out (every access takes the lock). */
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

/* A write of all-ones at off/width that must change nothing, and a read of zero. */
static void assert_raz_wi(struct env *e, uint64_t off, unsigned int width)
{
	struct env *before = malloc(sizeof(*before));
	unsigned int k = total_kicks(), ev = nr_events, d = nr_deact;

	assert_non_null(before);
	snapshot(e, before);
	wr(e, off, width, ~0ull);
	assert_unchanged(e, before);
	free(before);
	if (rd(e, off, width) != 0)
		fail_msg("offset 0x%llx width %u reads 0x%llx", (unsigned long long)off, width,
			 (unsigned long long)rd(e, off, width));
	assert_int_equal(total_kicks(), k);
	assert_int_equal(nr_events, ev);
	assert_int_equal(nr_deact, d);
}

/* Make v pending, enabled, in group 1 with group 1 enabled: it wants a list register. */
static void make_deliverable(struct env *e, uint32_t intid)
{
	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	wr(e, GICD_IGROUPR + intid / 32 * 4, 4, 1u << (intid % 32));
	wr(e, GICD_ISENABLER + intid / 32 * 4, 4, 1u << (intid % 32));
	wr(e, GICD_ISPENDR + intid / 32 * 4, 4, 1u << (intid % 32));
}

/* ---- identification and control */

static void test_reset_values(void **state)
{
	struct env *e = *state;
	static const uint32_t ids[GIC_IDREGS_COUNT] = { 0x44, 0, 0,    0,    0x53, 0xb0,
							0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1 };
	unsigned int i;

	assert_int_equal(rd(e, GICD_CTLR, 4), GICD_CTLR_ARE | GICD_CTLR_DS);
	/* ITLinesNumber 8 (288 INTIDs), IDbits 9, A3V, No1N, RSS; no LPIs/MBIs/SecurityExtn */
	assert_int_equal(rd(e, GICD_TYPER, 4), 8 | 9 << 19 | 1 << 24 | 1 << 25 | 1 << 26);
	assert_int_equal(rd(e, GICD_TYPER, 4) & (GICD_TYPER_LPIS | GICD_TYPER_MBIS |
						 GICD_TYPER_SECURITYEXTN | 0xe0),
			 0);
	assert_int_equal(rd(e, GICD_TYPER2, 4), 0);
	assert_int_equal(rd(e, GICD_IIDR, 4), 0x5300043b);
	assert_int_equal(rd(e, GICD_STATUSR, 4), 0);
	assert_int_equal(rd(e, GICD_PIDR2, 4), 0x3b);
	assert_int_equal((rd(e, GICD_PIDR2, 4) >> 4) & 0xf, 3); /* ArchRev: GICv3 */
	for (i = 0; i < GIC_IDREGS_COUNT; i++)
		assert_int_equal(rd(e, GICD_PIDR4 + 4 * i, 4), ids[i]);

	/* every SPI: group 0, priority 0, disabled, level, inactive, routed to 0.0.0.0 */
	for (i = VGIC_INTID_SPI_BASE; i < NR_INTIDS; i++) {
		struct virq *v = spi(e, i);

		assert_int_equal(v->intid, i);
		assert_false(v->enabled || v->edge || v->active || v->group || v->priority);
		assert_int_equal(v->lr, -1);
		assert_ptr_equal(v->target, &e->cpu[0]);
		assert_int_equal(v->owned, i == SPI_SRC || i == SPI_OWN || i == SPI_FAR);
	}
	for (i = 0; i < NR_CPUS; i++) {
		unsigned int n;

		assert_int_equal(e->cpu[i].id, i);
		assert_ptr_equal(e->cpu[i].vgic, &e->vg);
		assert_true(e->cpu[i].processor_sleep);
		assert_null(e->cpu[i].ap_head);
		for (n = 0; n < VGIC_NR_PRIVATE; n++) {
			struct virq *v = &e->cpu[i].private_irqs[n];

			assert_int_equal(v->intid, n);
			assert_int_equal(v->edge, n < VGIC_NR_SGIS);
			assert_false(v->enabled || v->group || v->priority || v->active);
			assert_ptr_equal(v->target, &e->cpu[i]);
			assert_int_equal(v->lr, -1);
		}
	}
}

static void test_typer_itlines(void **state)
{
	static const struct {
		unsigned int asked, got;
	} cases[] = { { 288, 288 }, { 300, 288 }, { 64, 64 },	{ 32, 32 },
		      { 0, 32 },    { 31, 32 },	  { 512, 512 }, { 4096, 512 } };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct env *e = env_new(1, cases[i].asked);

		assert_int_equal(e->vg.nr_intids, cases[i].got);
		assert_int_equal(rd(e, GICD_TYPER, 4) & GICD_TYPER_ITLINES_MASK,
				 cases[i].got / 32 - 1);
		/* the last INTID can be claimed, the next cannot */
		if (cases[i].got > 32)
			assert_int_equal(vgic_claim_spi(&e->vg, cases[i].got - 1, NULL, 0), 0);
		assert_int_equal(vgic_claim_spi(&e->vg, cases[i].got, NULL, 0), -1);
		free(e);
	}
}

static void test_ctlr(void **state)
{
	struct env *e = *state;

	wr(e, GICD_CTLR, 4, 0xffffffff);
	/* EnableGrp0/1 stored, ARE and DS RAO/WI, E1NWF/RWP/the rest RAZ */
	assert_int_equal(rd(e, GICD_CTLR, 4), 0x53);
	wr(e, GICD_CTLR, 4, 0);
	assert_int_equal(rd(e, GICD_CTLR, 4), 0x50);
	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP0);
	assert_int_equal(rd(e, GICD_CTLR, 4), 0x51);
	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	assert_int_equal(rd(e, GICD_CTLR, 4), 0x52);
	assert_int_equal(e->vg.ctlr, 0x52);
}

static void test_read_only_registers(void **state)
{
	struct env *e = *state;
	static const uint32_t offs[] = { GICD_TYPER, GICD_IIDR,	 GICD_TYPER2, GICD_STATUSR,
					 GICD_PIDR2, GICD_PIDR4, 0xfffc };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		uint64_t before = rd(e, offs[i], 4);
		struct env *snap = malloc(sizeof(*snap));

		assert_non_null(snap);
		snapshot(e, snap);
		wr(e, offs[i], 4, ~0ull);
		wr(e, offs[i], 4, 0);
		assert_unchanged(e, snap);
		free(snap);
		assert_int_equal(rd(e, offs[i], 4), before);
	}
}

/* ---- access widths */

/* Every GICD register, its allowed widths, and an offset in it that the setup makes
 * non-zero: a disallowed width must read zero even then and its write must change nothing. */
static void test_width_rules(void **state)
{
	struct env *e = *state;
	const struct {
		uint32_t off;
		unsigned int widths;
	} regs[] = {
		{ GICD_CTLR, VGIC_W32 },
		{ GICD_TYPER, VGIC_W32 },
		{ GICD_IIDR, VGIC_W32 },
		{ GICD_IGROUPR + 4, VGIC_W32 },
		{ GICD_ISENABLER + 4, VGIC_W32 },
		{ GICD_ICENABLER + 4, VGIC_W32 },
		{ GICD_ISPENDR + 4, VGIC_W32 },
		{ GICD_ICPENDR + 4, VGIC_W32 },
		{ GICD_ISACTIVER + 4, VGIC_W32 },
		{ GICD_ICACTIVER + 4, VGIC_W32 },
		{ GICD_IPRIORITYR + SPI_SRC, VGIC_W8 | VGIC_W32 },
		{ GICD_ICFGR + SPI_SRC / 16 * 4, VGIC_W32 },
		{ GICD_IROUTER + 8 * SPI_SRC, VGIC_W32 | VGIC_W64 },
		{ GICD_PIDR2, VGIC_W32 },
	};
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	unsigned int i, w;

	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP0);
	spi(e, SPI_SRC)->group = 1;
	spi(e, SPI_SRC)->enabled = true;
	spi(e, SPI_SRC)->pending_latch = true;
	spi(e, SPI_SRC)->active = true;
	spi(e, SPI_SRC)->priority = 0xa0;
	spi(e, SPI_SRC)->edge = true;
	spi(e, SPI_SRC)->route = 0x100000001;
	spi(e, SPI_SRC)->target = &e->cpu[3];

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		for (w = 0; w < ARRAY_SIZE(widths); w++) {
			uint32_t off = regs[i].off & ~(widths[w] - 1);

			if (regs[i].widths & widths[w]) {
				if (rd(e, off, widths[w]) == 0)
					fail_msg("0x%x width %u reads 0", off, widths[w]);
				continue;
			}
			assert_raz_wi(e, off, widths[w]);
			if (widths[w] < 4) /* every other byte/halfword of the word too */
				for (off = regs[i].off & ~3u; off < (regs[i].off & ~3u) + 4;
				     off += widths[w])
					assert_raz_wi(e, off, widths[w]);
		}
	}
	/* unaligned accesses are not defined either */
	assert_raz_wi(e, GICD_CTLR + 2, 4);
	assert_raz_wi(e, GICD_IROUTER + 8 * SPI_SRC + 4, 8);
	assert_raz_wi(e, GICD_IROUTER + 8 * SPI_SRC + 2, 4);
	/* nor are widths that are not a power of two, or zero */
	assert_raz_wi(e, GICD_CTLR, 3);
	assert_raz_wi(e, GICD_CTLR, 0);
	assert_raz_wi(e, GICD_CTLR, 16);
}

static void test_reserved_offsets(void **state)
{
	struct env *e = *state;
	static const uint32_t offs[] = {
		0x0010, /* STATUSR */
		0x0014,	 0x0020,  0x003c,
		0x0040,	 0x0048,  0x0050,
		0x0058,			  /* SETSPI/CLRSPI: no MBIs */
		0x0800,	 0x0820,  0x0bf8, /* ITARGETSR: affinity routing */
		0x0d00,	 0x0d04,  0x0d7c, /* IGRPMODR */
		0x0e00,	 0x0e08,  0x0efc, /* NSACR */
		0x0f00,			  /* SGIR */
		0x0f10,	 0x0f1c,  0x0f20,
		0x0f2c, /* CPENDSGIR, SPENDSGIR */
		0x0f80,	 0x0ffc,  0x1000,
		0x2000,	 0x3000,  0x5ffc, /* reserved, extended ranges */
		0x6000,	 0x60f8,	  /* IROUTER0..31: reserved */
		0x7fe0,	 0x7ff8,  0x8000,
		0xa000,	 0xc000,  0xe000,
		0xffcc,					       /* reserved */
		0xffd4,	 0xffd8,  0xffdc,		       /* PIDR5..7 */
		0x10000, 0x1fffc, 0x7fffffff0ull & 0xffffffff, /* beyond the frame */
	};
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	unsigned int i, w;

	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
	for (i = 0; i < ARRAY_SIZE(offs); i++)
		for (w = 0; w < ARRAY_SIZE(widths); w++)
			assert_raz_wi(e, offs[i], widths[w]);
	/* offsets beyond 4 GiB do not alias into the frame */
	assert_raz_wi(e, 0x100000000ull + GICD_CTLR, 4);
	assert_raz_wi(e, 0x100000000ull + GICD_ISENABLER + 4, 4);
	assert_int_equal(rd(e, GICD_CTLR, 4), 0x53);
}

/* ---- per-INTID registers */

struct bitreg {
	const char *name;
	uint32_t off;
	unsigned int bpi;
};

static const struct bitreg bitregs[] = {
	{ "IGROUPR", GICD_IGROUPR, 1 },	    { "ISENABLER", GICD_ISENABLER, 1 },
	{ "ICENABLER", GICD_ICENABLER, 1 }, { "ISPENDR", GICD_ISPENDR, 1 },
	{ "ICPENDR", GICD_ICPENDR, 1 },	    { "ISACTIVER", GICD_ISACTIVER, 1 },
	{ "ICACTIVER", GICD_ICACTIVER, 1 }, { "IPRIORITYR", GICD_IPRIORITYR, 8 },
	{ "ICFGR", GICD_ICFGR, 2 },
};

/* The mask of the bits of the register word at off that belong to owned SPIs. */
static uint32_t owned_bits(struct env *e, const struct bitreg *r, uint32_t off)
{
	uint32_t first = (off - r->off) * 8 / r->bpi, i, mask = 0;

	for (i = 0; i < 32 / r->bpi; i++) {
		uint32_t intid = first + i;

		if (intid >= VGIC_INTID_SPI_BASE && intid < e->vg.nr_intids && spi(e, intid)->owned)
			mask |= (uint32_t)((1ull << r->bpi) - 1) << (i * r->bpi);
	}
	return mask;
}

/* All-ones written to every word of every per-INTID register (1024 INTIDs' worth) reaches
 * the owned SPIs only: SGIs/PPIs, foreign SPIs and INTIDs beyond nr_intids keep their state
 * and read as zero. */
static void check_foreign(struct env *e)
{
	struct env *before = malloc(sizeof(*before));
	unsigned int i, k;
	uint32_t off;

	assert_non_null(before);
	snapshot(e, before);
	for (i = 0; i < ARRAY_SIZE(bitregs); i++)
		for (off = bitregs[i].off; off < bitregs[i].off + 1024 * bitregs[i].bpi / 8;
		     off += 4)
			wr(e, off, 4, 0xffffffff);
	/* every IROUTER too, as 64 bits and as halves */
	for (off = GICD_IROUTER; off < GICD_IROUTER + 8 * 1024; off += 8) {
		wr(e, off, 8, 0x100000001);
		wr(e, off, 4, 0xffffffff);
		wr(e, off + 4, 4, 0xffffffff);
	}

	/* only the owned SPIs changed */
	for (i = 0; i < VGIC_MAX_SPIS; i++)
		if (!before->vg.spis[i].owned || i + VGIC_INTID_SPI_BASE >= e->vg.nr_intids)
			assert_memory_equal(&e->vg.spis[i], &before->vg.spis[i],
					    sizeof(struct virq));
	for (k = 0; k < VGIC_MAX_CPUS; k++)
		assert_memory_equal(e->cpu[k].private_irqs, before->cpu[k].private_irqs,
				    sizeof(e->cpu[k].private_irqs));
	free(before);

	for (i = 0; i < ARRAY_SIZE(bitregs); i++) {
		for (off = bitregs[i].off; off < bitregs[i].off + 1024 * bitregs[i].bpi / 8;
		     off += 4) {
			uint32_t val = (uint32_t)rd(e, off, 4);

			if (val & ~owned_bits(e, &bitregs[i], off))
				fail_msg("%s at 0x%x reads 0x%08x, owned bits 0x%08x",
					 bitregs[i].name, off, val,
					 owned_bits(e, &bitregs[i], off));
		}
	}
	for (off = GICD_IROUTER; off < GICD_IROUTER + 8 * 1024; off += 8) {
		uint32_t intid = (off - GICD_IROUTER) / 8;
		bool owned = intid >= VGIC_INTID_SPI_BASE && intid < e->vg.nr_intids &&
			     spi(e, intid)->owned;

		if (!owned) {
			assert_int_equal(rd(e, off, 8), 0);
			assert_int_equal(rd(e, off + 4, 4), 0);
		} else {
			assert_int_equal(rd(e, off, 8), 0xff00ffffffull); /* IRM RAZ/WI */
		}
	}
}

static void test_foreign_spis(void **state)
{
	struct env *e = *state;

	check_foreign(e);
	/* the owned ones did take the writes */
	assert_true(spi(e, SPI_SRC)->group && spi(e, SPI_OWN)->priority == 0xf8);
	assert_true(spi(e, SPI_FAR)->edge);
	assert_int_equal(rd(e, GICD_IGROUPR + 4, 4), 3u << (SPI_SRC - 32));
}

/* INTID 32, the first SPI, is the GICD's like any other: every register reaches it, and the
 * private INTIDs just below it stay RAZ/WI. */
static void test_first_spi(void **state)
{
	struct env *e = *state;

	assert_int_equal(vgic_claim_spi(&e->vg, VGIC_INTID_SPI_BASE, NULL, 0), 0);
	wr(e, GICD_IGROUPR + 4, 4, 1);
	wr(e, GICD_ISENABLER + 4, 4, 1);
	wr(e, GICD_IPRIORITYR + 32, 1, 0x40);
	wr(e, GICD_ICFGR + 8, 4, GICD_ICFGR_EDGE);
	wr(e, GICD_IROUTER + 8 * 32, 8, mpidrs[2]);
	assert_true(spi(e, 32)->group && spi(e, 32)->enabled && spi(e, 32)->edge);
	assert_int_equal(spi(e, 32)->priority, 0x40);
	assert_ptr_equal(spi(e, 32)->target, &e->cpu[2]);
	assert_int_equal(rd(e, GICD_IGROUPR + 4, 4) & 1, 1);
	assert_int_equal(rd(e, GICD_ISENABLER + 4, 4) & 1, 1);
	assert_int_equal(rd(e, GICD_IPRIORITYR + 32, 1), 0x40);
	assert_int_equal(rd(e, GICD_ICFGR + 8, 4) & 3, GICD_ICFGR_EDGE);
	assert_int_equal(rd(e, GICD_IROUTER + 8 * 32, 8), mpidrs[2]);
	wr(e, GICD_ISPENDR + 4, 4, 1);
	assert_true(spi(e, 32)->pending_latch);
	assert_int_equal(rd(e, GICD_ISPENDR + 4, 4) & 1, 1);
	wr(e, GICD_ICPENDR + 4, 4, 1);
	assert_false(spi(e, 32)->pending_latch);
	wr(e, GICD_ISACTIVER + 4, 4, 1);
	assert_int_equal(rd(e, GICD_ISACTIVER + 4, 4) & 1, 1);
	wr(e, GICD_ICACTIVER + 4, 4, 1);
	assert_false(spi(e, 32)->active);
	wr(e, GICD_ICENABLER + 4, 4, 1);
	assert_false(spi(e, 32)->enabled);
	assert_int_equal(rd(e, GICD_IPRIORITYR + 28, 4), 0); /* INTIDs 28..31 */
	assert_int_equal(rd(e, GICD_IROUTER + 8 * 31, 8), 0);
}

/* INTIDs at and beyond nr_intids are RAZ/WI in every register, even if something had marked
 * one owned. */
static void test_beyond_nr_intids(void **state)
{
	struct env *e = env_new(2, 64);

	(void)state;
	assert_int_equal(vgic_claim_spi(&e->vg, 63, NULL, 0), 0);
	assert_int_equal(vgic_claim_spi(&e->vg, 64, NULL, 0), -1);
	assert_int_equal(vgic_claim_spi(&e->vg, 1019, NULL, 0), -1);
	assert_int_equal(vgic_claim_spi(&e->vg, 0xffffffff, NULL, 0), -1);
	e->vg.spis[64 - VGIC_INTID_SPI_BASE].owned = true;
	e->vg.spis[100 - VGIC_INTID_SPI_BASE].owned = true;
	e->vg.spis[VGIC_MAX_SPIS - 1].owned = true;
	check_foreign(e);
	assert_true(spi(e, 63)->enabled == false && spi(e, 63)->edge); /* ICENABLER came after */
	assert_false(spi(e, 64)->edge || spi(e, 64)->group || spi(e, 100)->group);
	free(e);
}

static void test_private_words_raz_wi(void **state)
{
	struct env *e = *state;
	unsigned int i;
	uint32_t off;

	for (i = 0; i < ARRAY_SIZE(bitregs); i++)
		for (off = bitregs[i].off; off < bitregs[i].off + 32 * bitregs[i].bpi / 8; off += 4)
			assert_raz_wi(e, off, 4);
	for (off = GICD_IPRIORITYR; off < GICD_IPRIORITYR + 32; off++)
		assert_raz_wi(e, off, 1);
	/* even though SGIs are edge-triggered, GICD_ICFGR0 is RAZ with ARE on */
	assert_int_equal(rd(e, GICD_ICFGR, 4), 0);
}

static void test_set_clear_pairs(void **state)
{
	struct env *e = *state;
	const struct {
		uint32_t set, clear;
		size_t field;
	} pairs[] = {
		{ GICD_ISENABLER, GICD_ICENABLER, offsetof(struct virq, enabled) },
		{ GICD_ISPENDR, GICD_ICPENDR, offsetof(struct virq, pending_latch) },
		{ GICD_ISACTIVER, GICD_ICACTIVER, offsetof(struct virq, active) },
	};
	const uint32_t bit = 1u << (SPI_OWN % 32), other = 1u << (SPI_SRC % 32);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		uint32_t word = SPI_OWN / 32 * 4;
		const bool *field = (const bool *)((const char *)spi(e, SPI_OWN) + pairs[i].field);

		assert_int_equal(rd(e, pairs[i].set + word, 4), 0);
		wr(e, pairs[i].set + word, 4, 0); /* zeros do nothing */
		assert_false(*field);
		wr(e, pairs[i].set + word, 4, bit);
		assert_true(*field);
		assert_int_equal(rd(e, pairs[i].set + word, 4), bit);
		assert_int_equal(rd(e, pairs[i].clear + word, 4), bit);
		wr(e, pairs[i].set + word, 4, bit); /* again: stays set */
		assert_true(*field);
		wr(e, pairs[i].clear + word, 4, other); /* another bit: this one stays */
		assert_true(*field);
		wr(e, pairs[i].clear + word, 4, 0);
		assert_true(*field);
		wr(e, pairs[i].clear + word, 4, bit);
		assert_false(*field);
		assert_int_equal(rd(e, pairs[i].set + word, 4) & bit, 0);
		assert_int_equal(rd(e, pairs[i].clear + word, 4) & bit, 0);
		wr(e, pairs[i].clear + word, 4, bit); /* again: stays clear */
		assert_false(*field);
	}
	/* IGROUPR is a plain read/write bit */
	wr(e, GICD_IGROUPR + 4, 4, bit);
	assert_int_equal(spi(e, SPI_OWN)->group, 1);
	assert_int_equal(spi(e, SPI_SRC)->group, 0);
	assert_int_equal(rd(e, GICD_IGROUPR + 4, 4), bit);
	wr(e, GICD_IGROUPR + 4, 4, other);
	assert_int_equal(spi(e, SPI_OWN)->group, 0);
	assert_int_equal(spi(e, SPI_SRC)->group, 1);
}

/* GICD_ICPENDR clears the latch only: a level line that is high keeps the interrupt
 * pending until the line falls. */
static void test_icpendr_level_high(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);
	const uint32_t word = SPI_OWN / 32 * 4, bit = 1u << (SPI_OWN % 32);

	vgic_set_level(&e->vg, NULL, SPI_OWN, true);
	assert_true(v->line_level);
	assert_false(v->pending_latch);
	assert_int_equal(rd(e, GICD_ISPENDR + word, 4), bit);
	wr(e, GICD_ICPENDR + word, 4, bit);
	assert_int_equal(rd(e, GICD_ISPENDR + word, 4), bit);
	assert_int_equal(rd(e, GICD_ICPENDR + word, 4), bit);

	/* ISPENDR latches; the line falls; still pending through the latch */
	wr(e, GICD_ISPENDR + word, 4, bit);
	vgic_set_level(&e->vg, NULL, SPI_OWN, false);
	assert_int_equal(rd(e, GICD_ISPENDR + word, 4), bit);
	wr(e, GICD_ICPENDR + word, 4, bit);
	assert_int_equal(rd(e, GICD_ISPENDR + word, 4), 0);

	/* line high again, ICPENDR: pending; falls: not pending */
	vgic_set_level(&e->vg, NULL, SPI_OWN, true);
	wr(e, GICD_ICPENDR + word, 4, bit);
	assert_int_equal(rd(e, GICD_ISPENDR + word, 4), bit);
	vgic_set_level(&e->vg, NULL, SPI_OWN, false);
	assert_int_equal(rd(e, GICD_ISPENDR + word, 4), 0);
	assert_int_equal(nr_deact, 0);
}

static void test_priority(void **state)
{
	struct env *e = *state;
	const uint32_t base = GICD_IPRIORITYR + SPI_SRC / 4 * 4; /* SPIs 40..43 */
	unsigned int b;

	/* byte access: 5 implemented bits, the low 3 RAZ */
	wr(e, GICD_IPRIORITYR + SPI_OWN, 1, 0xff);
	assert_int_equal(spi(e, SPI_OWN)->priority, 0xf8);
	assert_int_equal(rd(e, GICD_IPRIORITYR + SPI_OWN, 1), 0xf8);
	wr(e, GICD_IPRIORITYR + SPI_OWN, 1, 0x17);
	assert_int_equal(rd(e, GICD_IPRIORITYR + SPI_OWN, 1), 0x10);
	wr(e, GICD_IPRIORITYR + SPI_OWN, 1, 0x1ff); /* only the byte is written */
	assert_int_equal(rd(e, GICD_IPRIORITYR + SPI_OWN, 1), 0xf8);

	/* word access: one byte per INTID; SPIs 42 and 43 are not owned */
	wr(e, base, 4, 0x12345678);
	assert_int_equal(spi(e, SPI_SRC)->priority, 0x78);
	assert_int_equal(spi(e, SPI_OWN)->priority, 0x50);
	assert_int_equal(spi(e, 42)->priority, 0);
	assert_int_equal(rd(e, base, 4), 0x5078);
	for (b = 0; b < 4; b++)
		assert_int_equal(rd(e, base + b, 1), (0x5078u >> (8 * b)) & 0xff);

	/* every byte of a word written by byte */
	for (b = 0; b < 4; b++)
		wr(e, base + b, 1, 0x88 + b);
	assert_int_equal(rd(e, base, 4), 0x8888);
	/* halfwords and doublewords are not defined */
	assert_raz_wi(e, base, 2);
	assert_raz_wi(e, base + 2, 2);
	assert_raz_wi(e, base, 8);
	assert_int_equal(spi(e, SPI_SRC)->priority, 0x88);
}

static void test_icfgr(void **state)
{
	struct env *e = *state;
	const uint32_t off = GICD_ICFGR + SPI_SRC / 16 * 4; /* SPIs 32..47 */
	const uint32_t src_bits = 2u << (2 * (SPI_SRC % 16)), own_bits = 2u << (2 * (SPI_OWN % 16));

	assert_int_equal(rd(e, off, 4), 0); /* level */
	wr(e, off, 4, 0xffffffff);
	assert_true(spi(e, SPI_SRC)->edge && spi(e, SPI_OWN)->edge);
	assert_false(spi(e, 42)->edge);
	/* Int_config[0] is RES0; only the owned fields read back */
	assert_int_equal(rd(e, off, 4), src_bits | own_bits);
	wr(e, off, 4, 0x55555555); /* bit 0 only: level */
	assert_false(spi(e, SPI_SRC)->edge || spi(e, SPI_OWN)->edge);
	wr(e, off, 4, own_bits);
	assert_int_equal(rd(e, off, 4), own_bits);
	assert_true(spi(e, SPI_OWN)->edge);
	assert_false(spi(e, SPI_SRC)->edge);
	/* the last INTID's field, in the last word of the range for 288 INTIDs */
	wr(e, GICD_ICFGR + SPI_FAR / 16 * 4, 4, 0x80000000);
	assert_true(spi(e, SPI_FAR)->edge);
	assert_int_equal(rd(e, GICD_ICFGR + SPI_FAR / 16 * 4, 4), 0x80000000);
}

/* ---- routing */

static void test_irouter_64(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);
	const uint32_t off = GICD_IROUTER + 8 * SPI_OWN;

	assert_int_equal(rd(e, off, 8), 0);
	make_deliverable(e, SPI_OWN);
	assert_true(on_list(&e->cpu[0], v));
	assert_int_equal(kicks[0], 1);

	/* to vCPU 2 (Aff2 = 1); bits other than the affinity fields are not stored */
	memset(kicks, 0, sizeof(kicks));
	wr(e, off, 8, 0xffff0000ff010000ull);
	assert_int_equal(rd(e, off, 8), 0x10000);
	assert_int_equal(rd(e, off, 4), 0x10000);
	assert_int_equal(rd(e, off + 4, 4), 0);
	assert_ptr_equal(v->target, &e->cpu[2]);
	assert_false(on_list(&e->cpu[0], v));
	assert_true(on_list(&e->cpu[2], v));
	assert_int_equal(kicks[2], 1);
	assert_int_equal(total_kicks(), 1);

	/* to vCPU 1, whose MPIDR carries bit 31: affinity 0.0.0.1 */
	wr(e, off, 8, 1);
	assert_ptr_equal(v->target, &e->cpu[1]);
	assert_true(on_list(&e->cpu[1], v));
	assert_int_equal(list_len(&e->cpu[2]), 0);

	/* writing the same route again changes nothing */
	memset(kicks, 0, sizeof(kicks));
	wr(e, off, 8, 1);
	assert_int_equal(total_kicks(), 0);
}

/* Route to vCPU 3 (0x1_0000_0001) in two halves, low half first: the intermediate route
 * 0.0.0.1 is vCPU 1's. The interrupt ends on vCPU 3's list and vCPU 3 is kicked. */
static void test_irouter_halves_low_first(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);
	const uint32_t off = GICD_IROUTER + 8 * SPI_OWN;

	make_deliverable(e, SPI_OWN);
	memset(kicks, 0, sizeof(kicks));
	wr(e, off, 4, 1);
	assert_int_equal(rd(e, off, 8), 1);
	assert_true(on_list(&e->cpu[1], v));
	wr(e, off + 4, 4, 1);
	assert_int_equal(rd(e, off, 8), 0x100000001ull);
	assert_int_equal(rd(e, off + 4, 4), 1);
	assert_ptr_equal(v->target, &e->cpu[3]);
	assert_true(on_list(&e->cpu[3], v));
	assert_int_equal(list_len(&e->cpu[0]) + list_len(&e->cpu[1]) + list_len(&e->cpu[2]), 0);
	assert_int_equal(kicks[3], 1);
	assert_int_equal(kicks[1], 1);
}

/* The other order: high half first names no vCPU (1.0.0.0), so the interrupt leaves every
 * list and waits, pending; the low half completes the route to vCPU 3. */
static void test_irouter_halves_high_first(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);
	const uint32_t off = GICD_IROUTER + 8 * SPI_OWN;

	make_deliverable(e, SPI_OWN);
	memset(kicks, 0, sizeof(kicks));
	wr(e, off + 4, 4, 1);
	assert_int_equal(rd(e, off, 8), 0x100000000ull);
	assert_null(v->target);
	assert_null(v->ap_owner);
	assert_int_equal(total_kicks(), 0);
	assert_true(virq_pending(v));
	wr(e, off, 4, 1);
	assert_int_equal(rd(e, off, 8), 0x100000001ull);
	assert_ptr_equal(v->target, &e->cpu[3]);
	assert_true(on_list(&e->cpu[3], v));
	assert_int_equal(kicks[3], 1);
	assert_int_equal(total_kicks(), 1);

	/* and back to vCPU 0 by halves: high 0 (-> 0.0.0.1, vCPU 1), low 0 (-> vCPU 0) */
	wr(e, off + 4, 4, 0);
	assert_true(on_list(&e->cpu[1], v));
	wr(e, off, 4, 0);
	assert_true(on_list(&e->cpu[0], v));
	assert_int_equal(list_len(&e->cpu[1]) + list_len(&e->cpu[3]), 0);
}

static void test_irouter_irm_ignored(void **state)
{
	struct env *e = *state;
	const uint32_t off = GICD_IROUTER + 8 * SPI_OWN;

	wr(e, off, 8, GICD_IROUTER_IRM | 0x10000);
	assert_int_equal(rd(e, off, 8), 0x10000);
	assert_ptr_equal(spi(e, SPI_OWN)->target, &e->cpu[2]);
	wr(e, off, 4, GICD_IROUTER_IRM);
	assert_int_equal(rd(e, off, 8), 0);
	assert_ptr_equal(spi(e, SPI_OWN)->target, &e->cpu[0]);
	assert_int_equal(spi(e, SPI_OWN)->route & GICD_IROUTER_IRM, 0);
}

/* A route to an affinity no vCPU has keeps the interrupt pending and undelivered (on no
 * list, nobody kicked) until it is routed somewhere real. */
static void test_irouter_nonexistent(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);
	const uint32_t off = GICD_IROUTER + 8 * SPI_OWN;
	unsigned int i;

	wr(e, off, 8, 0x0500000307ull);
	assert_null(v->target);
	memset(kicks, 0, sizeof(kicks));
	make_deliverable(e, SPI_OWN);
	assert_true(virq_pending(v) && v->enabled);
	assert_true(vgic_wants_lr(&e->vg, v));
	assert_null(v->ap_owner);
	for (i = 0; i < NR_CPUS; i++)
		assert_int_equal(list_len(&e->cpu[i]), 0);
	assert_int_equal(total_kicks(), 0);
	assert_int_equal(rd(e, off, 8), 0x0500000307ull);
	assert_int_equal(rd(e, GICD_ISPENDR + 4, 4), 1u << (SPI_OWN % 32));

	/* pruning any vCPU does not deliver it either */
	for (i = 0; i < NR_CPUS; i++)
		prune(e, &e->cpu[i]);
	assert_null(v->ap_owner);

	wr(e, off, 8, 0x80000001ull); /* bit 31 is not affinity: vCPU 1 */
	assert_ptr_equal(v->target, &e->cpu[1]);
	assert_true(on_list(&e->cpu[1], v));
	assert_int_equal(kicks[1], 1);
}

/* A pending interrupt waiting on vCPU 0's list (not in an LR) moves when re-routed. */
static void test_irouter_pending_moves(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN), *w = spi(e, SPI_FAR);

	make_deliverable(e, SPI_OWN);
	make_deliverable(e, SPI_FAR);
	assert_int_equal(list_len(&e->cpu[0]), 2);
	memset(kicks, 0, sizeof(kicks));
	wr(e, GICD_IROUTER + 8 * SPI_OWN, 8, 0x10000);
	assert_true(on_list(&e->cpu[2], v));
	assert_false(on_list(&e->cpu[0], v));
	assert_true(on_list(&e->cpu[0], w)); /* the other one stays */
	assert_int_equal(list_len(&e->cpu[0]), 1);
	assert_int_equal(kicks[2], 1);
	assert_int_equal(kicks[0], 0);
}

/* One in a list register stays with its vCPU (kicked, so it folds) until it leaves the LR;
 * vgic_prune() then moves it. */
static void test_irouter_in_lr(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);

	make_deliverable(e, SPI_OWN);
	v->lr = 0; /* lr_flush() put it in LR 0 */
	memset(kicks, 0, sizeof(kicks));
	wr(e, GICD_IROUTER + 8 * SPI_OWN, 8, 0x10000);
	assert_true(on_list(&e->cpu[0], v));
	assert_int_equal(kicks[0], 1);
	assert_int_equal(kicks[2], 0);
	prune(e, &e->cpu[0]);
	assert_true(on_list(&e->cpu[0], v)); /* still in the LR */

	v->lr = -1; /* lr_fold(): still pending, not taken */
	prune(e, &e->cpu[0]);
	assert_false(on_list(&e->cpu[0], v));
	assert_true(on_list(&e->cpu[2], v));
	assert_int_equal(kicks[2], 1);
}

/* An active interrupt stays with the vCPU that took it until deactivated; its new pending
 * edge then goes to the new target. */
static void test_irouter_active_stays(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);

	make_deliverable(e, SPI_OWN);
	v->pending_latch = false; /* the guest on vCPU 0 took it */
	v->active = true;
	prune(e, &e->cpu[0]);
	assert_true(on_list(&e->cpu[0], v));

	wr(e, GICD_IROUTER + 8 * SPI_OWN, 8, 0x10000);
	wr(e, GICD_ISPENDR + 4, 4, 1u << (SPI_OWN % 32)); /* pending again, meanwhile */
	prune(e, &e->cpu[0]);
	assert_true(on_list(&e->cpu[0], v));
	assert_false(on_list(&e->cpu[2], v));

	memset(kicks, 0, sizeof(kicks));
	wr(e, GICD_ICACTIVER + 4, 4, 1u << (SPI_OWN % 32));
	assert_false(on_list(&e->cpu[0], v));
	assert_true(on_list(&e->cpu[2], v));
	assert_int_equal(kicks[2], 1);
}

/* ---- delivery gating */

static void test_group_enables_gate_delivery(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);
	const uint32_t bit = 1u << (SPI_OWN % 32);

	wr(e, GICD_IGROUPR + 4, 4, bit);
	wr(e, GICD_ISENABLER + 4, 4, bit);
	wr(e, GICD_ISPENDR + 4, 4, bit);
	assert_false(vgic_wants_lr(&e->vg, v)); /* group 1 disabled */
	assert_null(v->ap_owner);
	assert_int_equal(total_kicks(), 0);

	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP0); /* the other group */
	assert_null(v->ap_owner);
	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	assert_true(on_list(&e->cpu[0], v));
	assert_int_equal(kicks[0], 1);

	/* moved to group 0, which is disabled: off the list */
	wr(e, GICD_IGROUPR + 4, 4, 0);
	assert_null(v->ap_owner);
	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP0);
	assert_true(on_list(&e->cpu[0], v));

	/* all groups off: not wanted; but an active interrupt keeps its place */
	wr(e, GICD_CTLR, 4, 0);
	assert_null(v->ap_owner);
	wr(e, GICD_ISACTIVER + 4, 4, bit);
	assert_true(on_list(&e->cpu[0], v));
	assert_true(vgic_wants_lr(&e->vg, v));

	/* disabled while active: stays until deactivated */
	wr(e, GICD_ICENABLER + 4, 4, bit);
	assert_true(on_list(&e->cpu[0], v));
	wr(e, GICD_ICACTIVER + 4, 4, bit);
	assert_null(v->ap_owner);
	assert_true(virq_pending(v)); /* still pending, undelivered */
}

static void test_enable_gates_delivery(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);
	const uint32_t bit = 1u << (SPI_OWN % 32);

	make_deliverable(e, SPI_OWN);
	assert_true(on_list(&e->cpu[0], v));
	wr(e, GICD_ICENABLER + 4, 4, bit);
	assert_null(v->ap_owner);
	assert_true(virq_pending(v));
	wr(e, GICD_ISENABLER + 4, 4, bit);
	assert_true(on_list(&e->cpu[0], v));
	wr(e, GICD_ICPENDR + 4, 4, bit);
	assert_null(v->ap_owner);

	/* in an LR: a change kicks its vCPU rather than pulling it off */
	wr(e, GICD_ISPENDR + 4, 4, bit);
	v->lr = 1;
	memset(kicks, 0, sizeof(kicks));
	wr(e, GICD_ICENABLER + 4, 4, bit);
	assert_true(on_list(&e->cpu[0], v));
	assert_int_equal(kicks[0], 1);
	v->lr = -1;
	prune(e, &e->cpu[0]);
	assert_null(v->ap_owner);
}

/* ---- injection */

static void test_injection(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);
	const uint32_t cfg = GICD_ICFGR + SPI_OWN / 16 * 4;

	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP0);
	wr(e, GICD_ISENABLER + 4, 4, 1u << (SPI_OWN % 32));

	/* level: pending while the line is high */
	vgic_set_level(&e->vg, NULL, SPI_OWN, true);
	assert_true(on_list(&e->cpu[0], v));
	vgic_set_level(&e->vg, NULL, SPI_OWN, false);
	assert_false(virq_pending(v));
	prune(e, &e->cpu[0]);
	assert_null(v->ap_owner);

	/* edge: latches on the rising edge only */
	wr(e, cfg, 4, 2u << (2 * (SPI_OWN % 16)));
	vgic_set_level(&e->vg, NULL, SPI_OWN, true);
	assert_true(v->pending_latch);
	v->pending_latch = false;		     /* taken */
	vgic_set_level(&e->vg, NULL, SPI_OWN, true); /* still high: no new edge */
	assert_false(v->pending_latch);
	vgic_set_level(&e->vg, NULL, SPI_OWN, false);
	vgic_set_level(&e->vg, NULL, SPI_OWN, true);
	assert_true(v->pending_latch);

	/* trigger: latch */
	v->pending_latch = false;
	vgic_trigger(&e->vg, &e->cpu[3], SPI_OWN); /* vc is ignored for SPIs */
	assert_true(v->pending_latch);
	assert_true(on_list(&e->cpu[0], v));

	/* the _locked forms, with the lock held */
	spin_lock(&spi(e, SPI_FAR)->lock);
	vgic_set_level_locked(&e->vg, NULL, SPI_FAR, true);
	spin_unlock(&spi(e, SPI_FAR)->lock);
	spin_lock(&spi(e, SPI_SRC)->lock);
	vgic_trigger_locked(&e->vg, NULL, SPI_SRC);
	spin_unlock(&spi(e, SPI_SRC)->lock);
	assert_true(spi(e, SPI_FAR)->line_level);
	assert_true(spi(e, SPI_SRC)->pending_latch);

	/* PPIs and SGIs by vCPU */
	vgic_set_level(&e->vg, &e->cpu[2], 27, true);
	assert_true(e->cpu[2].private_irqs[27].line_level);
	assert_false(e->cpu[0].private_irqs[27].line_level);
	vgic_trigger(&e->vg, &e->cpu[1], 5);
	assert_true(e->cpu[1].private_irqs[5].pending_latch);
	assert_int_equal(nr_events, 0); /* injection is not the guest: no source callbacks */
}

static void test_injection_ignored(void **state)
{
	struct env *e = *state;
	static const uint32_t bad[] = { 33,   42,   286,  288,	511,	   512,
					1019, 1020, 1023, 8192, 0xffffffff };
	struct env *before = malloc(sizeof(*before));
	unsigned int i;

	assert_non_null(before);
	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
	memset(kicks, 0, sizeof(kicks));
	snapshot(e, before);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		vgic_set_level(&e->vg, &e->cpu[0], bad[i], true);
		vgic_trigger(&e->vg, &e->cpu[0], bad[i]);
		vgic_link_hw(&e->vg, &e->cpu[0], bad[i], 99);
		assert_null(vgic_get_virq(&e->vg, &e->cpu[0], bad[i]));
	}
	/* a private INTID without a vCPU */
	vgic_set_level(&e->vg, NULL, 27, true);
	vgic_trigger(&e->vg, NULL, 1);
	assert_null(vgic_get_virq(&e->vg, NULL, 27));
	assert_unchanged(e, before);
	assert_int_equal(total_kicks(), 0);
	free(before);
}

static void test_claim_and_lookup(void **state)
{
	struct env *e = *state;

	assert_int_equal(vgic_claim_spi(&e->vg, SPI_SRC, NULL, 0), -1); /* twice */
	assert_int_equal(vgic_claim_spi(&e->vg, 0, NULL, 0), -1);
	assert_int_equal(vgic_claim_spi(&e->vg, 27, NULL, 0), -1);
	assert_int_equal(vgic_claim_spi(&e->vg, 31, NULL, 0), -1);
	assert_int_equal(vgic_claim_spi(&e->vg, 32, NULL, 0), 0);
	assert_ptr_equal(vgic_get_virq(&e->vg, NULL, 32), spi(e, 32));
	assert_ptr_equal(vgic_get_virq(&e->vg, &e->cpu[2], SPI_SRC), spi(e, SPI_SRC));
	assert_ptr_equal(spi(e, SPI_SRC)->src, &e->src);
	assert_int_equal(spi(e, SPI_SRC)->src_index, SRC_INDEX);
	assert_ptr_equal(vgic_get_virq(&e->vg, &e->cpu[2], 27), &e->cpu[2].private_irqs[27]);
	assert_ptr_equal(vgic_get_virq(&e->vg, &e->cpu[1], 0), &e->cpu[1].private_irqs[0]);
	assert_null(vgic_get_virq(&e->vg, NULL, 33));

	/* claiming computes the target from the current route */
	spi(e, 50)->route = 0x10000;
	assert_int_equal(vgic_claim_spi(&e->vg, 50, NULL, 0), 0);
	assert_ptr_equal(spi(e, 50)->target, &e->cpu[2]);

	vgic_link_hw(&e->vg, NULL, SPI_OWN, 72);
	assert_true(spi(e, SPI_OWN)->hw);
	assert_int_equal(spi(e, SPI_OWN)->pintid, 72);
}

/* ---- the hardware and source hooks */

static void test_icactiver_hw(void **state)
{
	struct env *e = *state;
	const uint32_t bit = 1u << (SPI_OWN % 32);

	vgic_link_hw(&e->vg, NULL, SPI_OWN, 72);
	wr(e, GICD_ICACTIVER + 4, 4, bit); /* not active: nothing to deactivate */
	assert_int_equal(nr_deact, 0);
	wr(e, GICD_ISACTIVER + 4, 4, bit);
	wr(e, GICD_ICACTIVER + 4, 4, bit);
	assert_int_equal(nr_deact, 1);
	assert_int_equal(deact[0], 72);
	assert_false(spi(e, SPI_OWN)->active);

	/* a software interrupt: no physical deactivation */
	wr(e, GICD_ISACTIVER + SPI_FAR / 32 * 4, 4, 1u << (SPI_FAR % 32));
	assert_true(spi(e, SPI_FAR)->active);
	wr(e, GICD_ICACTIVER + SPI_FAR / 32 * 4, 4, 1u << (SPI_FAR % 32));
	assert_false(spi(e, SPI_FAR)->active);
	assert_int_equal(nr_deact, 1);
}

/* A hardware-linked interrupt pended by its physical one (held active for the guest) and
 * cleared by ICPENDR before the guest took it: the physical interrupt is deactivated. */
static void test_icpendr_hw(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);
	const uint32_t bit = 1u << (SPI_OWN % 32);

	vgic_link_hw(&e->vg, NULL, SPI_OWN, 72);
	vgic_trigger(&e->vg, NULL, SPI_OWN);
	wr(e, GICD_ICPENDR + 4, 4, bit);
	assert_false(virq_pending(v));
	assert_int_equal(nr_deact, 1);
	assert_int_equal(deact[0], 72);
	wr(e, GICD_ICPENDR + 4, 4, bit); /* nothing pending: nothing more */
	assert_int_equal(nr_deact, 1);

	/* active (the guest has it) or in an LR: the guest's deactivation will do it */
	vgic_trigger(&e->vg, NULL, SPI_OWN);
	v->active = true;
	wr(e, GICD_ICPENDR + 4, 4, bit);
	assert_int_equal(nr_deact, 1);
	v->active = false;
	vgic_trigger(&e->vg, NULL, SPI_OWN);
	v->lr = 2;
	wr(e, GICD_ICPENDR + 4, 4, bit);
	assert_int_equal(nr_deact, 1);
	v->lr = -1;
}

static void expect_event(unsigned int n, enum ev_kind kind)
{
	assert_true(n < nr_events);
	assert_int_equal(events[n].kind, kind);
	assert_int_equal(events[n].index, SRC_INDEX);
}

static void test_source_callbacks(void **state)
{
	struct env *e = *state;
	const uint32_t bit = 1u << (SPI_SRC % 32);
	const uint32_t cfg = GICD_ICFGR + SPI_SRC / 16 * 4, cfg_bit = 2u << (2 * (SPI_SRC % 16));

	wr(e, GICD_ISENABLER + 4, 4, bit);
	expect_event(0, EV_UNMASK);
	wr(e, GICD_ISENABLER + 4, 4, bit); /* already enabled: no change, no call */
	assert_int_equal(nr_events, 1);
	wr(e, GICD_ICENABLER + 4, 4, bit);
	expect_event(1, EV_MASK);
	wr(e, GICD_ICENABLER + 4, 4, bit);
	assert_int_equal(nr_events, 2);

	wr(e, GICD_ISPENDR + 4, 4, bit);
	expect_event(2, EV_TRIGGER);
	wr(e, GICD_ISPENDR + 4, 4, bit); /* already pending */
	assert_int_equal(nr_events, 3);
	wr(e, GICD_ICPENDR + 4, 4, bit); /* no callback for clearing */
	assert_int_equal(nr_events, 3);

	wr(e, GICD_IPRIORITYR + SPI_SRC, 1, 0xa7);
	expect_event(3, EV_CONFIG);
	assert_int_equal(events[3].cfg.priority, 0xa0);
	assert_false(events[3].cfg.edge);
	assert_int_equal(events[3].cfg.target_mpidr, mpidrs[0]);
	wr(e, GICD_IPRIORITYR + SPI_SRC, 1, 0xa0); /* same stored value */
	assert_int_equal(nr_events, 4);

	wr(e, cfg, 4, cfg_bit);
	expect_event(4, EV_CONFIG);
	assert_true(events[4].cfg.edge);
	assert_int_equal(events[4].cfg.priority, 0xa0);
	wr(e, cfg, 4, cfg_bit);
	assert_int_equal(nr_events, 5);

	wr(e, GICD_IROUTER + 8 * SPI_SRC, 8, 0x100000001ull);
	expect_event(5, EV_CONFIG);
	assert_int_equal(events[5].cfg.target_mpidr, mpidrs[3]);
	assert_true(events[5].cfg.edge);
	wr(e, GICD_IROUTER + 8 * SPI_SRC, 4, 0x7); /* nobody: target 0 */
	expect_event(6, EV_CONFIG);
	assert_int_equal(events[6].cfg.target_mpidr, 0);
	wr(e, GICD_IROUTER + 8 * SPI_SRC + 4, 4, 0); /* 0.0.0.7: still nobody, route changed */
	expect_event(7, EV_CONFIG);
	assert_int_equal(events[7].cfg.target_mpidr, 0);
	wr(e, GICD_IROUTER + 8 * SPI_SRC, 8, 0x80000001ull); /* vCPU 1: its MPIDR as given */
	expect_event(8, EV_CONFIG);
	assert_int_equal(events[8].cfg.target_mpidr, mpidrs[1]);

	wr(e, GICD_ISACTIVER + 4, 4, bit);
	assert_int_equal(nr_events, 9);
	wr(e, GICD_ICACTIVER + 4, 4, bit);
	expect_event(9, EV_EOI);
	assert_int_equal(nr_events, 10);

	/* the group and the other SPIs: no calls */
	wr(e, GICD_IGROUPR + 4, 4, bit);
	wr(e, GICD_ISENABLER + 4, 4, ~bit);
	wr(e, GICD_IPRIORITYR + SPI_OWN, 1, 0x80);
	wr(e, GICD_IROUTER + 8 * SPI_OWN, 8, 1);
	wr(e, GICD_CTLR, 4, 3);
	assert_int_equal(nr_events, 10);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_reset_values),
		T(test_typer_itlines),
		T(test_ctlr),
		T(test_read_only_registers),
		T(test_width_rules),
		T(test_reserved_offsets),
		T(test_foreign_spis),
		T(test_first_spi),
		T(test_beyond_nr_intids),
		T(test_private_words_raz_wi),
		T(test_set_clear_pairs),
		T(test_icpendr_level_high),
		T(test_priority),
		T(test_icfgr),
		T(test_irouter_64),
		T(test_irouter_halves_low_first),
		T(test_irouter_halves_high_first),
		T(test_irouter_irm_ignored),
		T(test_irouter_nonexistent),
		T(test_irouter_pending_moves),
		T(test_irouter_in_lr),
		T(test_irouter_active_stays),
		T(test_group_enables_gate_delivery),
		T(test_enable_gates_delivery),
		T(test_injection),
		T(test_injection_ignored),
		T(test_claim_and_lookup),
		T(test_icactiver_hw),
		T(test_icpendr_hw),
		T(test_source_callbacks),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
