/*
 * test_vgic_dist_v2.c - host unit tests for the virtual GICv2 distributor (irq/vgic_dist_v2.c
 * over irq/vgic_mmio.c, selected by vgic_set_v2()) and what the vGIC core and the list-register
 * manager (irq/vgic.c, irq/lr.c) do for it: every register at every width, reserved offsets,
 * SPIs the VM does not own and INTIDs beyond nr_intids, the banking of INTIDs 0..31 per vCPU,
 * ITARGETSR routing, GICD_SGIR with every filter and target list at 1, 2, 4 and 8 vCPUs,
 * CPENDSGIR/SPENDSGIR per source, reset, and the source CPU in the list register as a GICv2
 * holds it (GICH_LR, drivers/gicv2_lr.h). The hardware is a fake vgic_ops that counts kicks and
 * an array of 32-bit list registers; sources are a fake that records update_config.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/gicv2_lr.h"
#include "irq/lr.h"
#include "irq/vgic.h"
#include "tests/unit/vgic_locks.h"
#include "irq/vgic_mmio.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define NR_INTIDS 288 /* QEMU virt */
#define SPI_SRC 40    /* owned, behind the fake source */
#define SPI_OWN 41    /* owned, no source */
#define SPI_FAR 287   /* owned, the last INTID */
#define SPI_FOREIGN 50
#define NR_CPUS 4

/* ---- fakes */

static unsigned int kicks[VGIC_MAX_CPUS];
static struct irq_config last_cfg;
static unsigned int nr_cfg;

static bool kick_unlocked; /* each kick checks that no SGI's lock and no ap_lock is held */

static void fake_kick(struct vgic *vg, unsigned int vcpu)
{
	unsigned int c, i;

	assert_true(vcpu < vg->nr_cpus);
	kicks[vcpu]++;
	for (c = 0; kick_unlocked && c < vg->nr_cpus; c++) {
		assert_false(spin_is_locked(&vg->cpus[c]->ap_lock));
		for (i = 0; i < VGIC_NR_SGIS; i++)
			assert_false(spin_is_locked(&vg->cpus[c]->private_irqs[i].lock));
	}
}

static const struct vgic_ops fake_ops = {
	.kick = fake_kick,
};

static void src_update_config(struct irq_source *s, unsigned int index,
			      const struct irq_config *cfg)
{
	(void)s;
	(void)index;
	last_cfg = *cfg;
	nr_cfg++;
}

/* the source's active state as the guest wrote it, and the physical one it reports */
static unsigned int nr_set_active;
static bool src_phys_active;

static void src_set_active(struct irq_source *s, unsigned int index, bool active)
{
	(void)s;
	(void)index;
	(void)active;
	nr_set_active++;
}

static bool src_is_active(struct irq_source *s, unsigned int index)
{
	(void)s;
	(void)index;
	return src_phys_active;
}

static const struct irq_source_ops fake_src_ops = {
	.update_config = src_update_config,
	.set_active = src_set_active,
	.is_active = src_is_active,
};

/* 32-bit GICH_LR<n> registers: what a GICv2 holds */
static uint32_t gich_lr[4];

static uint64_t fake_read_lr(unsigned int n)
{
	return gicv2_lr_to_ich(gich_lr[n]);
}

static void fake_write_lr(unsigned int n, uint64_t val)
{
	gich_lr[n] = gicv2_lr_from_ich(val);
}

static uint32_t fake_hcr;

static uint32_t fake_read_hcr(void)
{
	return fake_hcr;
}

static void fake_write_hcr(uint32_t val)
{
	fake_hcr = val;
}

static const struct lr_hw lr_hw = {
	.nr_lrs = ARRAY_SIZE(gich_lr),
	.read_lr = fake_read_lr,
	.write_lr = fake_write_lr,
	.read_hcr = fake_read_hcr,
	.write_hcr = fake_write_hcr,
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
		e->cpu[i].mpidr = i;
		cpus[i] = &e->cpu[i];
	}
	vgic_init(&e->vg, &fake_ops, NR_INTIDS, cpus, nr_cpus);
	vgic_set_v2(&e->vg);
	e->src.ops = &fake_src_ops;
	e->src.kind = IRQ_SOURCE_PASSTHROUGH;
	e->src.vgic = &e->vg;
	e->src.first_intid = SPI_SRC;
	e->src.count = 1;
	assert_int_equal(vgic_claim_spi(&e->vg, SPI_SRC, &e->src, 0), 0);
	assert_int_equal(vgic_claim_spi(&e->vg, SPI_OWN, NULL, 0), 0);
	assert_int_equal(vgic_claim_spi(&e->vg, SPI_FAR, NULL, 0), 0);
	memset(kicks, 0, sizeof(kicks));
	kick_unlocked = false;
	memset(gich_lr, 0, sizeof(gich_lr));
	nr_cfg = 0;
	nr_set_active = 0;
	src_phys_active = false;
	return e;
}

static int setup(void **state)
{
	*state = env_new(NR_CPUS);
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static uint64_t rd_as(struct env *e, unsigned int cpu, uint64_t off, unsigned int width)
{
	uint64_t val = 0xdeadbeefdeadbeefull;

	assert_int_equal(vgic_dist_read(&e->vg, &e->cpu[cpu], off, width, &val), VGIC_ACCESS_OK);
	return val;
}

static void wr_as(struct env *e, unsigned int cpu, uint64_t off, unsigned int width, uint64_t val)
{
	assert_int_equal(vgic_dist_write(&e->vg, &e->cpu[cpu], off, width, val), VGIC_ACCESS_OK);
}

static uint64_t rd(struct env *e, uint64_t off, unsigned int width)
{
	return rd_as(e, 0, off, width);
}

static void wr(struct env *e, uint64_t off, unsigned int width, uint64_t val)
{
	wr_as(e, 0, off, width, val);
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

/* vCPU c's exit and entry as hyp/run/vcpu.c runs them: under its ap_lock, then what a prune
 * took off its list is queued where it belongs */
static void flush(struct env *e, unsigned int c)
{
	spin_lock(&e->cpu[c].ap_lock);
	lr_flush(&e->cpu[c], &lr_hw);
	spin_unlock(&e->cpu[c].ap_lock);
	vgic_requeue(&e->vg, &e->cpu[c]);
}

static void fold(struct env *e, unsigned int c)
{
	spin_lock(&e->cpu[c].ap_lock);
	lr_fold(&e->cpu[c], &lr_hw);
	spin_unlock(&e->cpu[c].ap_lock);
	vgic_requeue(&e->vg, &e->cpu[c]);
}

static void prune(struct env *e, unsigned int c)
{
	spin_lock(&e->cpu[c].ap_lock);
	vgic_prune(&e->vg, &e->cpu[c]);
	spin_unlock(&e->cpu[c].ap_lock);
	vgic_requeue(&e->vg, &e->cpu[c]);
}

static void assert_unchanged(const struct env *e, const struct env *before)
{
	struct env *now = malloc(sizeof(*now));

	assert_non_null(now);
	snapshot(e, now);
	assert_memory_equal(now, before, sizeof(*now));
	free(now);
}

/* From vCPU cpu: a write of all-ones that changes nothing, and a read of zero. */
static void assert_raz_wi_as(struct env *e, unsigned int cpu, uint64_t off, unsigned int width)
{
	struct env *before = malloc(sizeof(*before));
	unsigned int k = total_kicks(), c = nr_cfg;
	uint64_t val;

	assert_non_null(before);
	snapshot(e, before);
	wr_as(e, cpu, off, width, ~0ull);
	assert_unchanged(e, before);
	free(before);
	val = rd_as(e, cpu, off, width);
	if (val)
		fail_msg("offset 0x%llx width %u reads 0x%llx", (unsigned long long)off, width,
			 (unsigned long long)val);
	assert_int_equal(total_kicks(), k);
	assert_int_equal(nr_cfg, c);
}

static void assert_raz_wi(struct env *e, uint64_t off, unsigned int width)
{
	assert_raz_wi_as(e, 0, off, width);
}

/* Enabled, group 1 with group 1 enabled: pending makes it want a list register. */
static void make_enabled(struct env *e, unsigned int cpu, uint32_t intid)
{
	wr_as(e, cpu, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	wr_as(e, cpu, GICD_IGROUPR + intid / 32 * 4, 4, 1u << (intid % 32));
	wr_as(e, cpu, GICD_ISENABLER + intid / 32 * 4, 4, 1u << (intid % 32));
}

/* ---- identification and control */

static void test_reset_values(void **state)
{
	struct env *e = *state;
	/* ICPIDR4 (SIZE 0: one 4 KiB page), ICPIDR5..7, ICPIDR0..3 with ArchRev 2, ICCIDR0..3 */
	static const uint32_t ids[GIC_IDREGS_COUNT] = { 0x04, 0, 0,    0,    0x53, 0xb0,
							0x2b, 0, 0x0d, 0xf0, 0x05, 0xb1 };
	unsigned int i, c;

	assert_int_equal(e->vg.version, VGIC_V2);
	assert_int_equal(rd(e, GICD_CTLR, 4), 0);
	/* ITLinesNumber 8 (288 INTIDs), CPUNumber 3, SecurityExtn 0 */
	assert_int_equal(rd(e, GICD_TYPER, 4), 8 | 3 << 5);
	assert_int_equal(rd(e, GICD_IIDR, 4), 0x5300043b);
	for (i = 0; i < GIC_IDREGS_COUNT; i++)
		assert_int_equal(rd(e, GICD_V2_ICPIDR4 + 4 * i, 4), ids[i]);
	assert_int_equal((rd(e, 0xfe8, 4) >> 4) & 0xf, 2); /* ICPIDR2.ArchRev */
	for (c = 0; c < NR_CPUS; c++) {
		/* IGROUPR resets to 0, priorities 0, SGIs edge and PPIs level, nothing pending */
		for (i = 0; i < NR_INTIDS / 32; i++) {
			assert_int_equal(rd_as(e, c, GICD_IGROUPR + 4 * i, 4), 0);
			assert_int_equal(rd_as(e, c, GICD_ISENABLER + 4 * i, 4), 0);
			assert_int_equal(rd_as(e, c, GICD_ISPENDR + 4 * i, 4), 0);
			assert_int_equal(rd_as(e, c, GICD_ISACTIVER + 4 * i, 4), 0);
		}
		assert_int_equal(rd_as(e, c, GICD_ICFGR, 4), 0xaaaaaaaa);
		assert_int_equal(rd_as(e, c, GICD_ICFGR + 4, 4), 0);
		assert_int_equal(rd_as(e, c, GICD_IPRIORITYR, 4), 0);
		assert_int_equal(rd_as(e, c, GICD_SPENDSGIR, 4), 0);
	}
	/* ITARGETSR of an owned SPI resets to vCPU 0 */
	assert_int_equal(rd(e, GICD_ITARGETSR + SPI_OWN, 1), 1);
	assert_int_equal(rd(e, GICD_ITARGETSR + SPI_SRC, 4), 0x0101); /* 42, 43 not owned */
	assert_ptr_equal(spi(e, SPI_OWN)->target, &e->cpu[0]);
	assert_ptr_equal(spi(e, SPI_SRC)->target, &e->cpu[0]);
}

static void test_typer_cpus(void **state)
{
	static const unsigned int n[] = { 1, 2, 3, 4, 8 };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(n); i++) {
		struct env *e = env_new(n[i]);

		assert_int_equal(rd(e, GICD_TYPER, 4), 8 | (n[i] - 1) << 5);
		free(e);
	}
}

static void test_ctlr(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);

	wr(e, GICD_CTLR, 4, 0xffffffff);
	assert_int_equal(rd(e, GICD_CTLR, 4), GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	assert_int_equal(rd(e, GICD_CTLR, 4), GICD_CTLR_ENABLE_GRP1);
	/* a group's enable gates delivery */
	wr(e, GICD_CTLR, 4, 0);
	make_enabled(e, 0, SPI_OWN);
	wr(e, GICD_CTLR, 4, 0);
	wr(e, GICD_ISPENDR + 4, 4, 1u << (SPI_OWN % 32));
	assert_false(on_list(&e->cpu[0], v));
	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	assert_true(on_list(&e->cpu[0], v));
	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP0);
	assert_false(on_list(&e->cpu[0], v));
}

/* ---- access widths and reserved offsets (IHI 0048B 4.1.4) */

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
		{ GICD_IPRIORITYR + SPI_OWN, VGIC_W8 | VGIC_W32 },
		{ GICD_ITARGETSR + SPI_OWN, VGIC_W8 | VGIC_W32 },
		{ GICD_ITARGETSR + 5, VGIC_W8 | VGIC_W32 }, /* private: reads self */
		{ GICD_ICFGR + SPI_OWN / 16 * 4, VGIC_W32 },
		{ GICD_SPENDSGIR + 3, VGIC_W8 | VGIC_W32 },
		{ GICD_CPENDSGIR + 3, VGIC_W8 | VGIC_W32 },
		{ 0xfe8, VGIC_W32 }, /* ICPIDR2 */
	};
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	struct virq *v = spi(e, SPI_OWN);
	unsigned int i, w;

	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP0);
	v->group = 1;
	v->enabled = true;
	v->pending_latch = true;
	v->active = true;
	v->priority = 0xa0;
	v->edge = true;
	v->route = 2;
	v->target = &e->cpu[1];
	e->cpu[0].private_irqs[3].sgi_sources = 0x5;
	e->cpu[0].private_irqs[3].pending_latch = true;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		for (w = 0; w < ARRAY_SIZE(widths); w++) {
			uint32_t off = regs[i].off & ~(widths[w] - 1);

			if (regs[i].widths & widths[w]) {
				if (rd(e, off, widths[w]) == 0)
					fail_msg("0x%x width %u reads 0", off, widths[w]);
				continue;
			}
			assert_raz_wi(e, off, widths[w]);
			if (widths[w] < 4)
				for (off = regs[i].off & ~3u; off < (regs[i].off & ~3u) + 4;
				     off += widths[w])
					assert_raz_wi(e, off, widths[w]);
		}
	}
	/* the byte-accessible registers, at every byte of a word */
	for (i = 0; i < 4; i++) {
		v->priority = (uint8_t)(0x20 * (i + 1));
		assert_int_equal(rd(e, GICD_IPRIORITYR + SPI_OWN, 1), 0x20 * (i + 1));
	}
	assert_int_equal(rd(e, GICD_ITARGETSR + (SPI_OWN & ~3u), 4) >> 8 * (SPI_OWN % 4) & 0xff, 2);
	/* SGIR: write-only, 32 bits only */
	assert_int_equal(rd(e, GICD_SGIR, 4), 0);
	assert_raz_wi(e, GICD_SGIR, 1);
	assert_raz_wi(e, GICD_SGIR, 2);
	assert_raz_wi(e, GICD_SGIR, 8);
	assert_raz_wi(e, GICD_SGIR + 1, 1);
	/* unaligned, and sizes that are not access widths */
	assert_raz_wi(e, GICD_CTLR + 2, 4);
	assert_raz_wi(e, GICD_ITARGETSR + SPI_OWN, 4); /* 41: not word-aligned */
	assert_raz_wi(e, GICD_IPRIORITYR + SPI_OWN, 2);
	assert_raz_wi(e, GICD_SPENDSGIR + 1, 4);
	assert_raz_wi(e, GICD_CTLR, 3);
	assert_raz_wi(e, GICD_CTLR, 0);
	assert_raz_wi(e, GICD_CTLR, 16);
	/* 3, 5, 6 and 7 bytes over a byte-accessible register, wherever they are aligned */
	for (w = 3; w < 8; w++)
		for (i = GICD_IPRIORITYR + 32; w != 4 && i < GICD_IPRIORITYR + 48; i++)
			if (i % w == 0)
				assert_raz_wi(e, i, w);
}

static void test_reserved_offsets(void **state)
{
	struct env *e = *state;
	static const uint32_t offs[] = {
		0x000c,			     /* GICv3's TYPER2 */
		0x0010,	 0x0040,     0x007c, /* reserved, SETSPI/CLRSPI of GICv3 */
		0x0d00,	 0x0d04,     0x0dfc, /* PPISR/SPISR (IMPLEMENTATION DEFINED) */
		0x0e00,	 0x0e08,     0x0efc, /* NSACR: no Security Extensions */
		0x0f04,	 0x0f0c,	     /* after SGIR */
		0x0f30,	 0x0f80,     0x0fcc, /* after SPENDSGIR, up to the ID registers */
		0x1000,	 0x2000,     0x6100, /* past the page: GICv3's IROUTER */
		0xffd0,	 0xffe8,     0xfffc, /* GICv3's ID registers */
		0x10000, 0x12345678,
	};
	unsigned int i;

	wr(e, GICD_CTLR, 4, 3);
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		assert_raz_wi(e, offs[i], 4);
		assert_raz_wi(e, offs[i], 1);
		assert_raz_wi(e, offs[i], 8);
	}
	/* 64-bit offsets beyond the frame */
	assert_raz_wi(e, 1ull << 40, 4);
	/* and the read-only registers ignore writes */
	assert_raz_wi(e, GICD_SGIR, 8);
	wr(e, GICD_TYPER, 4, 0);
	wr(e, GICD_IIDR, 4, 0);
	wr(e, 0xfe8, 4, 0);
	assert_int_equal(rd(e, GICD_TYPER, 4), 8 | 3 << 5);
	assert_int_equal(rd(e, GICD_IIDR, 4), 0x5300043b);
	assert_int_equal(rd(e, 0xfe8, 4), 0x2b);
}

/* ---- SPIs the VM does not own, INTIDs past nr_intids */

static const struct {
	uint32_t off;
	unsigned int bpi;
} bitregs[] = {
	{ GICD_IGROUPR, 1 },   { GICD_ISENABLER, 1 }, { GICD_ICENABLER, 1 }, { GICD_ISPENDR, 1 },
	{ GICD_ICPENDR, 1 },   { GICD_ISACTIVER, 1 }, { GICD_ICACTIVER, 1 }, { GICD_IPRIORITYR, 8 },
	{ GICD_ITARGETSR, 8 }, { GICD_ICFGR, 2 },
};

static bool intid_owned(struct env *e, uint32_t intid)
{
	return intid < VGIC_NR_PRIVATE || (intid < NR_INTIDS && spi(e, intid)->owned);
}

static void test_foreign_and_beyond(void **state)
{
	struct env *e = *state;
	struct env *before = malloc(sizeof(*before));
	unsigned int i, k;
	uint32_t off;

	assert_non_null(before);
	snapshot(e, before);
	/* every SPI word at once, as bytes where allowed */
	for (i = 0; i < ARRAY_SIZE(bitregs); i++)
		for (off = bitregs[i].off + 32 * bitregs[i].bpi / 8;
		     off < bitregs[i].off + 1024 * bitregs[i].bpi / 8; off += 4) {
			wr(e, off, 4, 0xffffffff);
			if (bitregs[i].bpi == 8)
				wr(e, off + 1, 1, 0xff);
		}
	for (i = 0; i < VGIC_MAX_SPIS; i++)
		if (!before->vg.spis[i].owned)
			assert_memory_equal(&e->vg.spis[i], &before->vg.spis[i],
					    sizeof(struct virq));
	for (k = 0; k < VGIC_MAX_CPUS; k++)
		assert_memory_equal(e->cpu[k].private_irqs, before->cpu[k].private_irqs,
				    sizeof(e->cpu[k].private_irqs));
	free(before);
	/* and they read as zero, field by field */
	for (i = 0; i < ARRAY_SIZE(bitregs); i++) {
		uint32_t intid;

		for (intid = VGIC_INTID_SPI_BASE; intid < 1020; intid++) {
			uint32_t byte = bitregs[i].off + intid * bitregs[i].bpi / 8;
			uint32_t shift = intid * bitregs[i].bpi % 8;
			uint32_t mask = (1u << bitregs[i].bpi) - 1;
			uint32_t field =
				(uint32_t)(rd(e, byte & ~3u, 4) >> (8 * (byte % 4) + shift)) & mask;

			if (!intid_owned(e, intid) && field)
				fail_msg("0x%x: INTID %u reads %u", bitregs[i].off, intid, field);
		}
	}
	/* a word mixing owned and foreign SPIs: only the owned fields */
	wr(e, GICD_ITARGETSR + 40, 4, 0x02020202);
	assert_int_equal(rd(e, GICD_ITARGETSR + 40, 4), 0x00000202);
	assert_raz_wi(e, GICD_ITARGETSR + SPI_FOREIGN, 1);
	assert_raz_wi(e, GICD_IPRIORITYR + SPI_FOREIGN, 1);
	assert_raz_wi(e, GICD_ITARGETSR + 300, 1);
	assert_raz_wi(e, GICD_IPRIORITYR + 1019, 1);
	assert_raz_wi(e, GICD_ISENABLER + 300 / 32 * 4, 4);
}

/* ---- banked INTIDs 0..31 */

static void test_private_banked(void **state)
{
	struct env *e = *state;
	unsigned int c;

	for (c = 0; c < NR_CPUS; c++) {
		wr_as(e, c, GICD_IGROUPR, 4, 0x10000u << c);
		wr_as(e, c, GICD_ISENABLER, 4, 0x1u << (16 + c));
		wr_as(e, c, GICD_IPRIORITYR + 27, 1, 0x10 * (c + 1));
		wr_as(e, c, GICD_ISACTIVER, 4, 1u << (20 + c));
		wr_as(e, c, GICD_ISPENDR, 4, 1u << (24 + c));
		wr_as(e, c, GICD_ICFGR + 4, 4, 0x2u << (2 * c)); /* PPI 16 + c edge */
	}
	for (c = 0; c < NR_CPUS; c++) {
		const struct virq *p = e->cpu[c].private_irqs;

		assert_int_equal(rd_as(e, c, GICD_IGROUPR, 4), 0x10000u << c);
		assert_int_equal(rd_as(e, c, GICD_ISENABLER, 4), 0x1u << (16 + c));
		assert_int_equal(rd_as(e, c, GICD_ICENABLER, 4), 0x1u << (16 + c));
		assert_int_equal(rd_as(e, c, GICD_IPRIORITYR + 24, 4), 0x10u * (c + 1) << 24);
		assert_int_equal(rd_as(e, c, GICD_ISACTIVER, 4), 1u << (20 + c));
		assert_int_equal(rd_as(e, c, GICD_ISPENDR, 4), 1u << (24 + c));
		assert_int_equal(rd_as(e, c, GICD_ICFGR + 4, 4), 0x2u << (2 * c));
		assert_int_equal(p[16 + c].group, 1);
		assert_true(p[16 + c].enabled);
		assert_int_equal(p[27].priority, 0x10 * (c + 1));
		assert_true(p[24 + c].pending_latch);
	}
	/* clearing from one vCPU leaves the others' alone */
	wr_as(e, 1, GICD_ICENABLER, 4, 0xffffffff);
	wr_as(e, 1, GICD_ICPENDR, 4, 0xffffffff);
	wr_as(e, 1, GICD_ICACTIVER, 4, 0xffffffff);
	assert_int_equal(rd_as(e, 1, GICD_ISENABLER, 4), 0);
	assert_int_equal(rd_as(e, 1, GICD_ISPENDR, 4), 0);
	assert_int_equal(rd_as(e, 1, GICD_ISACTIVER, 4), 0);
	assert_int_equal(rd_as(e, 2, GICD_ISENABLER, 4), 0x1u << 18);
	assert_int_equal(rd_as(e, 2, GICD_ISPENDR, 4), 1u << 26);
	/* SPIs are not banked */
	wr_as(e, 3, GICD_IPRIORITYR + SPI_OWN, 1, 0x80);
	assert_int_equal(rd_as(e, 0, GICD_IPRIORITYR + SPI_OWN, 1), 0x80);
}

/* GICv2 sets and clears an SGI's pending state through SPENDSGIR/CPENDSGIR only: its
 * ISPENDR/ICPENDR bits ignore writes, and read its pending state. SGIs stay edge. */
static void test_sgi_pending_bits(void **state)
{
	struct env *e = *state;
	const struct virq *s = &e->cpu[0].private_irqs[3];

	wr(e, GICD_ISPENDR, 4, 0xffff);
	assert_int_equal(rd(e, GICD_ISPENDR, 4), 0);
	assert_false(s->pending_latch);
	wr(e, GICD_ISPENDR, 4, 0xffffffff);
	assert_int_equal(rd(e, GICD_ISPENDR, 4), 0xffff0000); /* PPIs do pend */
	wr(e, GICD_SPENDSGIR, 1, 0);
	wr(e, GICD_SPENDSGIR + 3, 1, 0x2);
	assert_int_equal(rd(e, GICD_ISPENDR, 4), 0xffff0008);
	wr(e, GICD_ICPENDR, 4, 0xffffffff);
	assert_int_equal(rd(e, GICD_ICPENDR, 4), 0x8); /* the SGI stays */
	assert_true(s->pending_latch);
	assert_int_equal(s->sgi_sources, 0x2);
	/* ICFGR0: SGIs read-only edge */
	wr(e, GICD_ICFGR, 4, 0);
	assert_int_equal(rd(e, GICD_ICFGR, 4), 0xaaaaaaaa);
}

/* ---- ITARGETSR */

static void test_itargetsr_private(void **state)
{
	struct env *e = *state;
	struct env *before = malloc(sizeof(*before));
	unsigned int c, i;

	assert_non_null(before);
	for (c = 0; c < NR_CPUS; c++) {
		uint32_t b = 1u << c;

		for (i = 0; i < 32; i++)
			assert_int_equal(rd_as(e, c, GICD_ITARGETSR + i, 1), b);
		for (i = 0; i < 32; i += 4)
			assert_int_equal(rd_as(e, c, GICD_ITARGETSR + i, 4), b * 0x01010101u);
		snapshot(e, before);
		for (i = 0; i < 32; i += 4)
			wr_as(e, c, GICD_ITARGETSR + i, 4, 0);
		for (i = 0; i < 32; i++)
			wr_as(e, c, GICD_ITARGETSR + i, 1, 0xff);
		assert_unchanged(e, before);
	}
	free(before);
	/* no vCPU doing the access: RAZ */
	{
		uint64_t val = 1;

		assert_int_equal(vgic_dist_read(&e->vg, NULL, GICD_ITARGETSR, 4, &val), 0);
		assert_int_equal(val, 0);
	}
}

static void test_itargetsr_spi(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_SRC);

	wr(e, GICD_ITARGETSR + SPI_SRC, 1, 0x06);
	assert_int_equal(rd(e, GICD_ITARGETSR + SPI_SRC, 1), 0x06);
	assert_int_equal(v->route, 0x06);
	assert_ptr_equal(v->target, &e->cpu[1]); /* the lowest */
	assert_int_equal(nr_cfg, 1);
	assert_int_equal(last_cfg.target_mpidr, e->cpu[1].mpidr);
	wr(e, GICD_ITARGETSR + SPI_SRC, 1, 0x06); /* the same: nothing to tell */
	assert_int_equal(nr_cfg, 1);
	/* bits beyond the VM's vCPUs are not stored */
	wr(e, GICD_ITARGETSR + SPI_SRC, 1, 0xf8);
	assert_int_equal(rd(e, GICD_ITARGETSR + SPI_SRC, 1), 0x08);
	assert_ptr_equal(v->target, &e->cpu[3]);
	assert_int_equal(last_cfg.target_mpidr, e->cpu[3].mpidr);
	/* no target */
	wr(e, GICD_ITARGETSR + SPI_SRC, 1, 0xf0);
	assert_int_equal(rd(e, GICD_ITARGETSR + SPI_SRC, 1), 0);
	assert_null(v->target);
	/* a word sets four bytes; the last SPI */
	wr(e, GICD_ITARGETSR + 40, 4, 0x0f0e0d0c);
	assert_int_equal(rd(e, GICD_ITARGETSR + 40, 4), 0x00000d0c);
	assert_ptr_equal(spi(e, SPI_OWN)->target, &e->cpu[0]);
	assert_ptr_equal(v->target, &e->cpu[2]);
	wr(e, GICD_ITARGETSR + SPI_FAR, 1, 0x04);
	assert_int_equal(rd(e, GICD_ITARGETSR + (SPI_FAR & ~3u), 4), 0x04000000);
	assert_ptr_equal(spi(e, SPI_FAR)->target, &e->cpu[2]);
}

/* A pending SPI moves with its target; with none it waits off every list, and comes back. */
static void test_itargetsr_moves(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);

	make_enabled(e, 0, SPI_OWN);
	wr(e, GICD_ISPENDR + 4, 4, 1u << (SPI_OWN % 32));
	assert_true(on_list(&e->cpu[0], v));
	memset(kicks, 0, sizeof(kicks));
	wr(e, GICD_ITARGETSR + SPI_OWN, 1, 0x04);
	assert_false(on_list(&e->cpu[0], v));
	assert_true(on_list(&e->cpu[2], v));
	assert_int_equal(kicks[2], 1);
	wr(e, GICD_ITARGETSR + SPI_OWN, 1, 0);
	assert_null(v->ap_owner);
	assert_true(v->pending_latch);
	prune(e, 2);
	spin_lock(&v->lock);
	vgic_queue(&e->vg, v);
	spin_unlock(&v->lock);
	assert_null(v->ap_owner);
	wr(e, GICD_ITARGETSR + SPI_OWN, 1, 0x08);
	assert_true(on_list(&e->cpu[3], v));
}

/* One in flight in an LR of vCPU 0: vCPU 0's next exit hands it to the new target (lr_fold()
 * takes it out of the LR, the flush after it prunes it to vCPU 1). */
static void test_itargetsr_in_lr(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);

	make_enabled(e, 0, SPI_OWN);
	wr(e, GICD_ISPENDR + 4, 4, 1u << (SPI_OWN % 32));
	flush(e, 0);
	assert_int_equal(v->lr, 0);
	assert_int_equal(gich_lr[0] & GICH_LR_VIRTUALID_MASK, SPI_OWN);
	memset(kicks, 0, sizeof(kicks));
	wr_as(e, 1, GICD_ITARGETSR + SPI_OWN, 1, 0x02);
	assert_true(on_list(&e->cpu[0], v));
	assert_int_equal(kicks[0], 1);
	fold(e, 0); /* the guest did not take it */
	assert_int_equal(v->lr, -1);
	flush(e, 0);
	assert_false(on_list(&e->cpu[0], v));
	assert_true(on_list(&e->cpu[1], v));
	assert_true(v->pending_latch);
	/* an active one stays with vCPU 1 until deactivated */
	v->pending_latch = false;
	v->active = true;
	wr(e, GICD_ITARGETSR + SPI_OWN, 1, 0x01);
	assert_true(on_list(&e->cpu[1], v));
	wr(e, GICD_ICACTIVER + 4, 4, 1u << (SPI_OWN % 32));
	prune(e, 1);
	assert_null(v->ap_owner);
}

/* ---- SGIs */

#define SGIR(filter, list, intid) ((uint32_t)(filter) << 24 | (uint32_t)(list) << 16 | (intid))

/* The targets an SGIR value must reach, from the spec's words alone */
static uint32_t expected_targets(unsigned int filter, uint32_t list, unsigned int self,
				 unsigned int nr_cpus)
{
	uint32_t all = (1u << nr_cpus) - 1;

	if (filter == 0)
		return list & all;
	if (filter == 1)
		return all & ~(1u << self);
	if (filter == 2)
		return 1u << self;
	return 0;
}

static void test_sgir(void **state)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	unsigned int s;

	(void)state;
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		unsigned int nr = sizes[s], self, filter, list, c;
		struct env *e = env_new(nr);

		for (self = 0; self < nr; self++) {
			for (filter = 0; filter < 4; filter++) {
				for (list = 0; list < 256; list++) {
					unsigned int intid = (list + filter + self) % 16;
					uint32_t want = expected_targets(filter, list, self, nr);

					if (filter && list > 1)
						break; /* the list only matters with filter 0 */
					wr_as(e, self, GICD_SGIR, 4, SGIR(filter, list, intid));
					for (c = 0; c < nr; c++) {
						struct virq *v = &e->cpu[c].private_irqs[intid];
						bool hit = want & (1u << c);

						assert_int_equal(v->sgi_sources,
								 hit ? 1u << self : 0);
						assert_int_equal(v->pending_latch, hit);
						/* and clear it through CPENDSGIR */
						wr_as(e, c, GICD_CPENDSGIR + intid, 1, 0xff);
						assert_false(v->pending_latch);
					}
				}
			}
		}
		free(e);
	}
}

/* Several sources pend the same SGI; NSATT and the SGI's group change nothing; it is queued
 * on each target's list only when deliverable. */
static void test_sgir_sources(void **state)
{
	struct env *e = *state;
	struct virq *v = &e->cpu[1].private_irqs[7];

	wr_as(e, 0, GICD_SGIR, 4, SGIR(0, 0x2, 7) | GICD_SGIR_NSATT);
	wr_as(e, 2, GICD_SGIR, 4, SGIR(0, 0xf2, 7));
	wr_as(e, 3, GICD_SGIR, 4, SGIR(1, 0, 7));
	assert_int_equal(v->sgi_sources, 0x0d);
	assert_int_equal(rd_as(e, 1, GICD_SPENDSGIR + 4, 4), 0x0d << 24);
	assert_int_equal(rd_as(e, 1, GICD_CPENDSGIR + 7, 1), 0x0d);
	assert_int_equal(rd_as(e, 1, GICD_ISPENDR, 4), 1u << 7);
	/* the reserved filter does nothing; bits 31:26 and 14:4 are ignored */
	wr_as(e, 1, GICD_SGIR, 4, SGIR(3, 0xff, 7));
	assert_int_equal(v->sgi_sources, 0x0d);
	wr_as(e, 1, GICD_SGIR, 4, SGIR(2, 0, 7) | 0xfc007ff0u);
	assert_int_equal(v->sgi_sources, 0x0f);
	/* not deliverable yet: no list; then enabled in group 0 with group 0 on */
	assert_null(v->ap_owner);
	wr_as(e, 1, GICD_ISENABLER, 4, 1u << 7);
	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP0);
	assert_true(on_list(&e->cpu[1], v));
	/* a vCPU-less access sends nothing */
	assert_int_equal(vgic_dist_write(&e->vg, NULL, GICD_SGIR, 4, SGIR(1, 0, 2)), 0);
	assert_int_equal(e->cpu[0].private_irqs[2].sgi_sources, 0);
}

/* GICD_SGIR kicks its targets with no SGI's lock held (docs/locks.md: a target folding that
 * SGI must not wait on the kick, a GIC register write). */
static void test_sgir_kicks_unlocked(void **state)
{
	struct env *e = *state;
	unsigned int c;

	for (c = 0; c < NR_CPUS; c++)
		make_enabled(e, c, 6);
	memset(kicks, 0, sizeof(kicks));
	kick_unlocked = true;
	wr_as(e, 0, GICD_SGIR, 4, SGIR(1, 0, 6)); /* every other vCPU */
	assert_int_equal(kicks[0], 0);
	for (c = 1; c < NR_CPUS; c++) {
		assert_int_equal(kicks[c], 1);
		assert_true(on_list(&e->cpu[c], &e->cpu[c].private_irqs[6]));
	}
}

static void test_pendsgir(void **state)
{
	struct env *e = *state;
	struct virq *s5 = &e->cpu[2].private_irqs[5];
	unsigned int i;

	make_enabled(e, 2, 5);
	/* per byte: each SGI has its own byte, one bit per source */
	wr_as(e, 2, GICD_SPENDSGIR + 5, 1, 0x09);
	assert_int_equal(s5->sgi_sources, 0x09);
	assert_true(s5->pending_latch);
	assert_true(on_list(&e->cpu[2], s5));
	assert_int_equal(rd_as(e, 2, GICD_SPENDSGIR + 4, 4), 0x0900);
	assert_int_equal(rd_as(e, 2, GICD_SPENDSGIR + 5, 1), 0x09);
	assert_int_equal(rd_as(e, 1, GICD_SPENDSGIR + 4, 4), 0); /* banked */
	/* sources beyond the VM's vCPUs are not stored */
	wr_as(e, 2, GICD_SPENDSGIR + 5, 1, 0xf2);
	assert_int_equal(s5->sgi_sources, 0x0b);
	/* a word: four SGIs */
	wr_as(e, 2, GICD_SPENDSGIR + 12, 4, 0x04030201);
	for (i = 0; i < 4; i++)
		assert_int_equal(e->cpu[2].private_irqs[12 + i].sgi_sources, i + 1);
	assert_int_equal(rd_as(e, 2, GICD_CPENDSGIR + 12, 4), 0x04030201);
	/* clear some sources: still pending; then the last: not pending, off the list */
	wr_as(e, 2, GICD_CPENDSGIR + 5, 1, 0x03);
	assert_int_equal(s5->sgi_sources, 0x08);
	assert_true(s5->pending_latch);
	assert_true(on_list(&e->cpu[2], s5));
	wr_as(e, 2, GICD_CPENDSGIR + 4, 4, 0xff00);
	assert_int_equal(s5->sgi_sources, 0);
	assert_false(s5->pending_latch);
	assert_false(on_list(&e->cpu[2], s5));
	wr_as(e, 2, GICD_CPENDSGIR + 12, 4, 0xffffffff);
	for (i = 0; i < 16; i++)
		assert_false(e->cpu[2].private_irqs[i].pending_latch);
}

/* ---- the source CPU in the list register */

static unsigned int lr_cpuid(uint32_t lr)
{
	return (lr & GICH_LR_CPUID_MASK) >> GICH_LR_CPUID_SHIFT;
}

static void test_sgi_lr_cpuid(void **state)
{
	struct env *e = *state;
	struct virq *v = &e->cpu[1].private_irqs[4];

	make_enabled(e, 1, 4);
	wr_as(e, 3, GICD_SGIR, 4, SGIR(0, 0x2, 4));
	wr_as(e, 2, GICD_SGIR, 4, SGIR(0, 0x2, 4));
	flush(e, 1);
	/* the lowest source, vCPU 2, in CPUID; vCPU 3's still latched, EOI to come back */
	assert_int_equal(gich_lr[0] & GICH_LR_VIRTUALID_MASK, 4);
	assert_int_equal(gich_lr[0] & (GICH_LR_PENDING | GICH_LR_ACTIVE), GICH_LR_PENDING);
	assert_int_equal(lr_cpuid(gich_lr[0]), 2);
	assert_true(gich_lr[0] & GICH_LR_EOI);
	assert_int_equal(v->sgi_sources, 0x08);
	assert_int_equal(gich_lr[1], 0);
	/* the guest takes it (GICV_IAR: 4 from CPU 2): active, the source stays the LR's */
	gich_lr[0] = (gich_lr[0] & ~GICH_LR_PENDING) | GICH_LR_ACTIVE;
	fold(e, 1);
	assert_true(v->active);
	assert_int_equal(v->sgi_active_src, 2);
	flush(e, 1);
	/* active with CPUID 2, the pending one from vCPU 3 held back */
	assert_int_equal(gich_lr[0] & (GICH_LR_PENDING | GICH_LR_ACTIVE), GICH_LR_ACTIVE);
	assert_int_equal(lr_cpuid(gich_lr[0]), 2);
	assert_true(gich_lr[0] & GICH_LR_EOI);
	assert_int_equal(v->sgi_sources, 0x08);
	/* the guest EOIs it: the next flush delivers vCPU 3's, no EOI bit (nothing left) */
	gich_lr[0] &= ~GICH_LR_ACTIVE;
	fold(e, 1);
	assert_false(v->active);
	flush(e, 1);
	assert_int_equal(gich_lr[0] & (GICH_LR_PENDING | GICH_LR_ACTIVE), GICH_LR_PENDING);
	assert_int_equal(lr_cpuid(gich_lr[0]), 3);
	assert_false(gich_lr[0] & GICH_LR_EOI);
	assert_int_equal(v->sgi_sources, 0);
	assert_false(v->pending_latch);
	/* not taken: at fold vCPU 3's source comes back, and the guest's CPENDSGIR sees it */
	fold(e, 1);
	assert_int_equal(v->sgi_sources, 0x08);
	assert_true(v->pending_latch);
	assert_int_equal(rd_as(e, 1, GICD_SPENDSGIR + 4, 1), 0x08);
	/* a new SGI from vCPU 0 while vCPU 3's sits in an LR: both kept, lowest first */
	flush(e, 1);
	wr_as(e, 0, GICD_SGIR, 4, SGIR(0, 0x2, 4));
	assert_int_equal(v->sgi_sources, 0x01);
	fold(e, 1);
	assert_int_equal(v->sgi_sources, 0x09);
	flush(e, 1);
	assert_int_equal(lr_cpuid(gich_lr[0]), 0);
}

/* ---- reset */

static void test_reset(void **state)
{
	struct env *e = *state;
	unsigned int c;

	wr(e, GICD_CTLR, 4, 3);
	wr(e, GICD_IGROUPR + 4, 4, 0xffffffff);
	wr(e, GICD_ITARGETSR + SPI_OWN, 1, 0x0c);
	wr_as(e, 1, GICD_IGROUPR, 4, 0xffffffff);
	wr_as(e, 1, GICD_SGIR, 4, SGIR(1, 0, 9));
	e->cpu[2].private_irqs[9].sgi_active_src = 1;
	spin_lock(&e->vg.config_lock);
	vgic_reset(&e->vg);
	spin_unlock(&e->vg.config_lock);
	assert_int_equal(e->vg.version, VGIC_V2);
	assert_int_equal(rd(e, GICD_CTLR, 4), 0);
	assert_int_equal(rd(e, GICD_IGROUPR + 4, 4), 0);
	assert_int_equal(rd(e, GICD_ITARGETSR + SPI_OWN, 1), 1);
	assert_ptr_equal(spi(e, SPI_OWN)->target, &e->cpu[0]);
	assert_true(spi(e, SPI_OWN)->owned);
	for (c = 0; c < NR_CPUS; c++) {
		assert_int_equal(rd_as(e, c, GICD_IGROUPR, 4), 0);
		assert_int_equal(rd_as(e, c, GICD_SPENDSGIR + 8, 4), 0);
		assert_int_equal(e->cpu[c].private_irqs[9].sgi_sources, 0);
		assert_int_equal(e->cpu[c].private_irqs[9].sgi_active_src, 0);
		assert_false(e->cpu[c].private_irqs[9].pending_latch);
	}
	/* vgic_clear_pending drops an SGI's sources with its latch */
	wr_as(e, 1, GICD_SGIR, 4, SGIR(1, 0, 9));
	vgic_clear_pending(&e->vg, &e->cpu[2], 9);
	assert_int_equal(e->cpu[2].private_irqs[9].sgi_sources, 0);
	assert_false(e->cpu[2].private_irqs[9].pending_latch);
}

/* An SPI claimed after vgic_set_v2 goes to vCPU 0, as ITARGETSR resets. */
static void test_claim_after_set_v2(void **state)
{
	struct env *e = *state;

	assert_int_equal(vgic_claim_spi(&e->vg, 100, NULL, 0), 0);
	assert_int_equal(rd(e, GICD_ITARGETSR + 100, 1), 1);
	assert_ptr_equal(spi(e, 100)->target, &e->cpu[0]);
}

/* ---- the register machinery under the table (irq/vgic_mmio.c) */

#define BIT_WORD(reg, intid) ((reg) + (intid) / 32 * 4)
#define BIT_OF(intid) (1u << ((intid) % 32))

/* SPI_OWN pending in vCPU 0's LR 0 (the guest took it if taken), for vCPU 1 to write */
static struct virq *in_lr_of_vcpu0(struct env *e, bool taken)
{
	struct virq *v = spi(e, SPI_OWN);

	make_enabled(e, 0, SPI_OWN);
	wr(e, BIT_WORD(GICD_ISPENDR, SPI_OWN), 4, BIT_OF(SPI_OWN));
	flush(e, 0);
	assert_int_equal(v->lr, 0);
	if (taken) /* the guest acknowledges it */
		gich_lr[0] = (gich_lr[0] & ~GICH_LR_PENDING) | GICH_LR_ACTIVE;
	return v;
}

/* Writes to the state of an interrupt in another vCPU's LR wait for its fold; the last of a
 * set and a clear is what the guest reads meanwhile and what the fold leaves. */
static void test_writes_waiting_for_fold(void **state)
{
	struct env *e = *state;
	struct virq *v = in_lr_of_vcpu0(e, false);
	uint32_t bit = BIT_OF(SPI_OWN);

	/* ICPENDR, then ISPENDR: pending after the fold */
	wr_as(e, 1, BIT_WORD(GICD_ICPENDR, SPI_OWN), 4, bit);
	wr_as(e, 1, BIT_WORD(GICD_ISPENDR, SPI_OWN), 4, bit);
	fold(e, 0);
	assert_true(rd(e, BIT_WORD(GICD_ISPENDR, SPI_OWN), 4) & bit);

	/* taken (active in the LR): ICACTIVER, then ISACTIVER: active, before and after */
	gich_lr[0] = 0;
	v->pending_latch = false;
	flush(e, 0);
	v = in_lr_of_vcpu0(e, true);
	wr_as(e, 1, BIT_WORD(GICD_ICACTIVER, SPI_OWN), 4, bit);
	wr_as(e, 1, BIT_WORD(GICD_ISACTIVER, SPI_OWN), 4, bit);
	assert_true(rd_as(e, 1, BIT_WORD(GICD_ISACTIVER, SPI_OWN), 4) & bit);
	fold(e, 0);
	assert_true(v->active);

	/* active in the LR again: ISACTIVER, then ICACTIVER: inactive, before and after */
	flush(e, 0);
	assert_int_equal(v->lr, 0);
	assert_true(gich_lr[0] & GICH_LR_ACTIVE);
	wr_as(e, 1, BIT_WORD(GICD_ISACTIVER, SPI_OWN), 4, bit);
	wr_as(e, 1, BIT_WORD(GICD_ICACTIVER, SPI_OWN), 4, bit);
	assert_false(rd_as(e, 1, BIT_WORD(GICD_ISACTIVER, SPI_OWN), 4) & bit);
	fold(e, 0);
	assert_false(v->active);
}

/* A priority change refreshes the LRs of the vCPU whose list holds the interrupt; a group
 * write that changes nothing does not. */
static void test_priority_and_group_kicks(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_OWN);

	make_enabled(e, 0, SPI_OWN);
	wr(e, BIT_WORD(GICD_ISPENDR, SPI_OWN), 4, BIT_OF(SPI_OWN));
	assert_true(on_list(&e->cpu[0], v));
	memset(kicks, 0, sizeof(kicks));
	wr(e, GICD_IPRIORITYR + SPI_OWN, 1, 0x40);
	assert_int_equal(v->priority, 0x40);
	assert_int_equal(kicks[0], 1);
	memset(kicks, 0, sizeof(kicks));
	wr(e, BIT_WORD(GICD_IGROUPR, SPI_OWN), 4, rd(e, BIT_WORD(GICD_IGROUPR, SPI_OWN), 4));
	assert_int_equal(total_kicks(), 0);
}

/* ISACTIVER of an active interrupt tells its source nothing new */
static void test_set_active_once(void **state)
{
	struct env *e = *state;

	wr(e, BIT_WORD(GICD_ISACTIVER, SPI_SRC), 4, BIT_OF(SPI_SRC));
	wr(e, BIT_WORD(GICD_ISACTIVER, SPI_SRC), 4, BIT_OF(SPI_SRC));
	assert_int_equal(nr_set_active, 1);
	wr(e, BIT_WORD(GICD_ICACTIVER, SPI_SRC), 4, BIT_OF(SPI_SRC));
	wr(e, BIT_WORD(GICD_ICACTIVER, SPI_SRC), 4, BIT_OF(SPI_SRC));
	assert_int_equal(nr_set_active, 2);
}

/*
 * A hardware-linked interrupt the model holds idle while its physical one is active sits in a
 * fast-path LR: a write to its pending or active state is retried (every vCPU kicked to
 * fold), a write to anything else is not; nor is a software interrupt's, whatever its source's
 * physical state.
 */
static void test_fast_lr_retry(void **state)
{
	struct env *e = *state;
	struct virq *v = spi(e, SPI_SRC);
	uint32_t bit = BIT_OF(SPI_SRC);

	src_phys_active = true;
	wr(e, BIT_WORD(GICD_ISPENDR, SPI_SRC), 4, bit); /* a software interrupt: done at once */
	assert_true(v->pending_latch);
	wr(e, BIT_WORD(GICD_ICPENDR, SPI_SRC), 4, bit);
	assert_false(v->pending_latch);

	vgic_link_hw(&e->vg, NULL, SPI_SRC, SPI_SRC);
	memset(kicks, 0, sizeof(kicks));
	assert_int_equal(
		vgic_dist_write(&e->vg, &e->cpu[0], BIT_WORD(GICD_ISPENDR, SPI_SRC), 4, bit),
		VGIC_ACCESS_RETRY);
	assert_false(v->pending_latch);
	assert_int_equal(total_kicks(), NR_CPUS);
	wr(e, BIT_WORD(GICD_ISENABLER, SPI_SRC), 4, bit); /* not a state register */
	assert_true(v->enabled);
	wr(e, GICD_IPRIORITYR + SPI_SRC, 1, 0x40);
	assert_int_equal(v->priority, 0x40);
}

/* An SGI already pending from a source, pended again by it, or cleared for a source it is not
 * pending from: nothing changes, nobody is kicked. */
static void test_sgi_writes_that_change_nothing(void **state)
{
	struct env *e = *state;
	struct virq *v = &e->cpu[1].private_irqs[3];

	make_enabled(e, 1, 3);
	wr(e, GICD_SGIR, 4, SGIR(0, 0x2, 3)); /* vCPU 0 to vCPU 1 */
	assert_int_equal(v->sgi_sources, 0x1);
	assert_true(on_list(&e->cpu[1], v));
	memset(kicks, 0, sizeof(kicks));
	wr(e, GICD_SGIR, 4, SGIR(0, 0x2, 3));
	wr_as(e, 1, GICD_CPENDSGIR + 3, 1, 0x4); /* from vCPU 2: not pending */
	assert_int_equal(total_kicks(), 0);
	assert_int_equal(v->sgi_sources, 0x1);
	assert_true(v->pending_latch);
}

/* A flush that finds more re-routed interrupts on its list than its requeue holds moves what
 * fits, keeps the rest on the list for the next, and finishes. */
static void test_flush_requeue_overflow(void **state)
{
	struct env *e = *state;
	unsigned int i, n = VGIC_REQUEUE_MAX + 1;
	uint32_t bits = (1u << n) - 1; /* SPIs 64.. */

	for (i = 0; i < n; i++)
		assert_int_equal(vgic_claim_spi(&e->vg, 64 + i, NULL, 0), 0);
	wr(e, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	wr(e, GICD_IGROUPR + 8, 4, bits);
	wr(e, GICD_ISENABLER + 8, 4, bits);
	wr(e, GICD_ISPENDR + 8, 4, bits);
	for (i = 0; i < n; i++)
		assert_true(on_list(&e->cpu[0], spi(e, 64 + i)));
	spin_lock(&e->cpu[0].ap_lock); /* vCPU 0 busy: they stay on its list */
	for (i = 0; i < n; i++)
		wr_as(e, 1, GICD_ITARGETSR + 64 + i, 1, 0x02);
	spin_unlock(&e->cpu[0].ap_lock);
	flush(e, 0);
	assert_non_null(e->cpu[0].ap_head);
	flush(e, 0);
	assert_null(e->cpu[0].ap_head);
	for (i = 0; i < n; i++)
		assert_true(on_list(&e->cpu[1], spi(e, 64 + i)));
	assert_true(vgic_all_unlocked(&e->vg));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_reset_values),
		cmocka_unit_test(test_typer_cpus),
		T(test_ctlr),
		T(test_width_rules),
		T(test_reserved_offsets),
		T(test_foreign_and_beyond),
		T(test_private_banked),
		T(test_sgi_pending_bits),
		T(test_itargetsr_private),
		T(test_itargetsr_spi),
		T(test_itargetsr_moves),
		T(test_itargetsr_in_lr),
		cmocka_unit_test(test_sgir),
		T(test_sgir_sources),
		T(test_sgir_kicks_unlocked),
		T(test_pendsgir),
		T(test_sgi_lr_cpuid),
		T(test_reset),
		T(test_claim_after_set_v2),
		T(test_writes_waiting_for_fold),
		T(test_priority_and_group_kicks),
		T(test_set_active_once),
		T(test_fast_lr_retry),
		T(test_flush_requeue_overflow),
		T(test_sgi_writes_that_change_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
