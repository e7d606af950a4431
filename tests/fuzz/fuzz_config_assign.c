/*
 * fuzz_config_assign.c - libFuzzer target for hyp/plan/config.c config_parse() and
 * hyp/plan/assign.c assign_guests() (with hyp/plan/ledger.c, hyp/plan/fdt_index.c,
 * hyp/plan/platform.c). Input: byte 0 picks the host device tree (low nibble: one of the QEMU virt
 * dumps and host-*.dts trees the unit tests build) and where skiff's own 2 MiB sit (high nibble);
 * the rest is the configuration blob, mutated structurally (fdt_mutate.c) with the binding's names
 * and the host's paths and cell values. Checks: no crash; a failure gives a non-empty,
 * NUL-terminated, printable message; a success is cross-checked against the host platform: no CPU,
 * SPI or MMIO page given to two guests, every CPU one of the host's; guest RAM page-aligned, inside
 * one host RAM bank, overlapping neither skiff's memory nor other guest RAM; MMIO pages
 * page-aligned, sorted and merged, overlapping no guest's RAM, skiff's memory, the GIC's, fw_cfg's
 * or (unless a guest has it) the console UART's registers, and each device reg byte-disjoint from
 * host RAM; doorbells inside the configured windows; the assignment's counts and indexes within
 * their arrays. Configuration blobs whose property lengths wrap libfdt 1.6.1's offsets (a hang
 * in fdt_check_full before hyp/plan/fdt_struct.c, FINDINGS.md) are fed as any other.
 * Touches only its own memory; reads fixtures under the build directory.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "hyp/plan/assign.h"
#include "hyp/plan/config.h"
#include "hyp/plan/ledger.h"
#include "hyp/plan/platform.h"
#include "tests/fuzz/fdt_mutate.h"
#include "tests/fuzz/fuzz.h"

#define PAGE 0x1000ull
#define SZ_2M 0x200000ull
#define SPI_FIRST 32
#define SPI_END 1020
#define MAX_PAGES (CONFIG_MAX_GUESTS * (ASSIGN_MAX_MMIO + 1))

/* The host trees byte 0 picks from: `make unit` builds them (platform.mk, config.mk). */
static const char *const host_files[] = {
	"tests/dtb/qemu-smp1.dtb",
	"tests/dtb/qemu-smp2.dtb",
	"tests/dtb/qemu-smp4.dtb",
	"tests/dtb/qemu-smp8.dtb",
	"tests/dtb/qemu-smp12.dtb",
	"tests/dtb/qemu-a53-512M.dtb",
	"tests/dtb/qemu-max-3G.dtb",
	"tests/dtb/qemu-secure.dtb",
	"tests/dtb/qemu-acpioff.dtb",
	"tests/config/host-extra.dtb",
	"tests/config/host-gdtb.dtb",
	"tests/config/host-odd-shapes.dtb",
	"tests/config/host-disabled-first.dtb",
	"tests/config/host-many-devices.dtb",
	"tests/config/host-all.dtb",
	"tests/config/host-windows.dtb",
};
#define NR_HOSTS (sizeof(host_files) / sizeof(host_files[0]))

struct host {
	void *fdt;
	size_t size;
	struct platform plat;
};

static struct host hosts[NR_HOSTS];

static const char *const props[] = {
	"cpus",
	"memory",
	"bootargs",
	"kernel",
	"initrd",
	"doorbell",
	"device",
	"interrupt-modes",
	"interrupt-triggers",
	"optional",
	"stats-at-exit",
	"test-controls",
	"oneshot-no-deferral",
	"gicv2-hw-lrs-on-qemu",
	"device-window",
	"spi-window",
	"devices",
	"compatible",
	"#address-cells",
	"#size-cells",
	"model",
	"phandle",
	NULL,
};

static const char *const strings[] = {
	"skiff,config-1",
	"fw_cfg",
	"hw",
	"eoi",
	"oneshot",
	"dt",
	"level",
	"edge",
	"console=ttyAMA0",
	"/pl011@9000000",
	"/pl031@9010000",
	"/pl061@9030000",
	"/virtio_mmio@a000000",
	"fast",
	"/",
	"/cpus",
	"/intc@8000000",
	"/fw-cfg@9020000",
	"all",
	"auto",
	NULL,
};

static const char *const nodes[] = {
	"skiff", "guest@0", "guest@1", "guest@2", "guest@3",	 "guest@4", "uart",
	"rtc",	 "gpio",    "disk",    "dev",	  "__symbols__", NULL,
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2,
				 uint8_t *out, size_t max_out, unsigned int seed);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[PLAT_ERR_MAX];
	unsigned int i;

	(void)argc;
	(void)argv;
	for (i = 0; i < NR_HOSTS; i++) {
		hosts[i].fdt = fuzz_load_fixture(host_files[i], &hosts[i].size);
		if (plat_parse_buf(hosts[i].fdt, hosts[i].size, &hosts[i].plat, err, sizeof(err)))
			fuzz_fail(__FILE__, __LINE__, "%s: %s", host_files[i], err);
	}
	return 0;
}

static const struct host *host_of(uint8_t sel)
{
	return &hosts[(sel & 0x0f) % NR_HOSTS];
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	struct fdt_rng r = { seed };
	struct fdt_dict dict = { props, strings, nodes, NULL };

	if (size < 1 || max_size < 2)
		return LLVMFuzzerMutate(data, size, max_size);
	if (fdt_rng_below(&r, 16) == 0) {
		data[0] = (uint8_t)fdt_rng_next(&r);
		return size;
	}
	dict.donor = host_of(data[0])->fdt;
	return 1 + fdt_mutate(data + 1, size - 1, max_size - 1, fdt_rng_next(&r), &dict);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2,
				 uint8_t *out, size_t max_out, unsigned int seed)
{
	size_t n;

	if (s1 < 1 || s2 < 1 || max_out < 2)
		return 0;
	n = fdt_cross(d1 + 1, s1 - 1, d2 + 1, s2 - 1, out + 1, max_out - 1, seed);
	if (!n)
		return 0;
	out[0] = d1[0];
	return n + 1;
}

/* skiff's memory for this run, from the high nibble: where a boot would put it, or odd. */
static void skiff_range(uint8_t sel, const struct platform *p, uint64_t *base, uint64_t *end)
{
	const struct plat_range *first = &p->mem[0], *last = &p->mem[p->mem_count - 1];

	switch (sel >> 4) {
	case 1: /* the start of the first bank */
		*base = (first->base + PAGE - 1) & ~(PAGE - 1);
		break;
	case 2: /* the end of the last bank */
		*base = ((last->base + last->size) & ~(SZ_2M - 1)) - SZ_2M;
		break;
	case 3: /* outside RAM */
		*base = PAGE;
		break;
	case 4: /* not a range: assign_guests must refuse it */
		*base = 0x40400000ull;
		*end = 0x40200000ull;
		return;
	case 5: /* not page-aligned */
		*base = 0x40200800ull;
		break;
	default:
		*base = 0x40200000ull;
		break;
	}
	*end = *base + SZ_2M;
}

static bool overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	unsigned __int128 a_end = (unsigned __int128)a + a_size;
	unsigned __int128 b_end = (unsigned __int128)b + b_size;

	return a_size && b_size && a < b_end && b < a_end;
}

/* [base, base + size) rounded out to whole pages overlaps [b, b + b_size) rounded out. */
static bool page_overlap(uint64_t base, uint64_t size, uint64_t b, uint64_t b_size)
{
	unsigned __int128 e1 = (((unsigned __int128)base + size + PAGE - 1) / PAGE) * PAGE;
	unsigned __int128 e2 = (((unsigned __int128)b + b_size + PAGE - 1) / PAGE) * PAGE;
	uint64_t b1 = base & ~(PAGE - 1), b2 = b & ~(PAGE - 1);

	return size && b_size && b1 < e2 && b2 < e1;
}

static bool aligned(uint64_t base, uint64_t size)
{
	return !((base | size) & (PAGE - 1)) && size && base + (size - 1) >= base;
}

static void check_guest(const struct config *cfg, const struct platform *p, unsigned int g,
			const struct assignment *a, uint64_t sb, uint64_t se)
{
	const struct config_guest *cg = &cfg->guest[g];
	unsigned int i, j, k;

	FUZZ_CHECK(a->nr_cpus <= PLAT_MAX_CPUS && a->nr_mem <= ASSIGN_MAX_MEM &&
			   a->nr_regs <= ASSIGN_MAX_REGS && a->nr_mmio <= ASSIGN_MAX_MMIO &&
			   a->nr_spis <= ASSIGN_MAX_SPIS && a->nr_devices <= ASSIGN_MAX_DEVICES &&
			   (a->nr_devices == cg->nr_devices ||
			    (cg->all_devices && a->nr_devices > cg->nr_devices)),
		   "%s: counts cpus %u mem %u regs %u mmio %u spis %u devices %u", cg->name,
		   a->nr_cpus, a->nr_mem, a->nr_regs, a->nr_mmio, a->nr_spis, a->nr_devices);
	for (i = 0; i < a->nr_cpus; i++)
		FUZZ_CHECK(plat_cpu_index(p, a->cpu_mpidr[i]) >= 0,
			   "%s: CPU 0x%llx is not the host's", cg->name,
			   (unsigned long long)a->cpu_mpidr[i]);
	for (i = 0; i < a->nr_mem; i++) {
		const struct plat_range *m = &a->mem[i];
		bool in = false;

		FUZZ_CHECK(aligned(m->base, m->size), "%s: RAM 0x%llx+0x%llx not page-aligned",
			   cg->name, (unsigned long long)m->base, (unsigned long long)m->size);
		for (j = 0; j < p->mem_count; j++)
			in |= m->base >= p->mem[j].base &&
			      (unsigned __int128)m->base + m->size <=
				      (unsigned __int128)p->mem[j].base + p->mem[j].size;
		FUZZ_CHECK(in, "%s: RAM 0x%llx+0x%llx is not inside a host RAM bank", cg->name,
			   (unsigned long long)m->base, (unsigned long long)m->size);
		FUZZ_CHECK(!overlap(m->base, m->size, sb, se - sb),
			   "%s: RAM 0x%llx+0x%llx overlaps skiff's memory", cg->name,
			   (unsigned long long)m->base, (unsigned long long)m->size);
	}
	for (i = 0; i < a->nr_mmio; i++) {
		const struct plat_range *m = &a->mmio[i];

		FUZZ_CHECK(aligned(m->base, m->size), "%s: MMIO 0x%llx+0x%llx not page-aligned",
			   cg->name, (unsigned long long)m->base, (unsigned long long)m->size);
		FUZZ_CHECK(!i || m->base > a->mmio[i - 1].base + a->mmio[i - 1].size,
			   "%s: MMIO ranges %u and %u not sorted and merged", cg->name, i - 1, i);
		FUZZ_CHECK(!overlap(m->base, m->size, sb, se - sb),
			   "%s: MMIO 0x%llx+0x%llx overlaps skiff's memory", cg->name,
			   (unsigned long long)m->base, (unsigned long long)m->size);
		FUZZ_CHECK(!page_overlap(m->base, m->size, p->gicd.base, p->gicd.size),
			   "%s: MMIO 0x%llx+0x%llx overlaps the GICD 0x%llx+0x%llx", cg->name,
			   (unsigned long long)m->base, (unsigned long long)m->size,
			   (unsigned long long)p->gicd.base, (unsigned long long)p->gicd.size);
		for (j = 0; j < p->gicr_count; j++)
			FUZZ_CHECK(
				!page_overlap(m->base, m->size, p->gicr[j].base, p->gicr[j].size),
				"%s: MMIO 0x%llx+0x%llx overlaps GICR region %u", cg->name,
				(unsigned long long)m->base, (unsigned long long)m->size, j);
		FUZZ_CHECK(!p->has_fw_cfg ||
				   !page_overlap(m->base, m->size, p->fw_cfg.base, p->fw_cfg.size),
			   "%s: MMIO 0x%llx+0x%llx overlaps fw_cfg", cg->name,
			   (unsigned long long)m->base, (unsigned long long)m->size);
	}
	for (i = 0; i < a->nr_regs; i++) {
		const struct plat_range *r = &a->reg[i];
		bool mapped = false;

		for (j = 0; j < p->mem_count; j++)
			FUZZ_CHECK(!overlap(r->base, r->size, p->mem[j].base, p->mem[j].size),
				   "%s: device reg 0x%llx+0x%llx overlaps host RAM", cg->name,
				   (unsigned long long)r->base, (unsigned long long)r->size);
		for (j = 0; j < a->nr_mmio; j++)
			mapped |= r->base >= a->mmio[j].base &&
				  (unsigned __int128)r->base + r->size <=
					  (unsigned __int128)a->mmio[j].base + a->mmio[j].size;
		FUZZ_CHECK(mapped, "%s: device reg 0x%llx+0x%llx is not in the pages mapped",
			   cg->name, (unsigned long long)r->base, (unsigned long long)r->size);
	}
	for (i = 0; i < a->nr_spis; i++) {
		const struct assign_spi *s = &a->spi[i];

		FUZZ_CHECK(s->intid >= SPI_FIRST && s->intid < SPI_END &&
				   s->mode <= IRQ_MODE_ONESHOT && s->device < a->nr_devices,
			   "%s: SPI entry %u: intid %u mode %d device %u", cg->name, i, s->intid,
			   s->mode, s->device);
	}
	for (k = 0; k < a->nr_devices; k++) {
		const struct assign_device *d = &a->dev[k];

		FUZZ_CHECK(d->first_reg + d->nr_reg <= a->nr_regs &&
				   d->first_spi + d->nr_spi <= a->nr_spis,
			   "%s: device %u regs %u+%u spis %u+%u", cg->name, k, d->first_reg,
			   d->nr_reg, d->first_spi, d->nr_spi);
		for (i = d->first_spi; i < d->first_spi + d->nr_spi; i++)
			FUZZ_CHECK(a->spi[i].device == k, "%s: SPI %u of device %u says device %u",
				   cg->name, i, k, a->spi[i].device);
	}
	if (a->doorbell_base) {
		const struct config_range *w = &a->device_window; /* as configured, or "auto" */

		FUZZ_CHECK(cg->doorbell && a->doorbell_base >= w->base &&
				   (unsigned __int128)a->doorbell_base + ASSIGN_DOORBELL_SIZE <=
					   (unsigned __int128)w->base + w->size &&
				   !(a->doorbell_base & (PAGE - 1)),
			   "%s: doorbell at 0x%llx outside the window", cg->name,
			   (unsigned long long)a->doorbell_base);
		FUZZ_CHECK(a->doorbell_intid >= SPI_FIRST + a->spi_window.base &&
				   a->doorbell_intid <
					   SPI_FIRST + a->spi_window.base + a->spi_window.size,
			   "%s: doorbell INTID %u outside the window", cg->name, a->doorbell_intid);
	} else {
		FUZZ_CHECK(!cg->doorbell, "%s: no doorbell placed", cg->name);
	}
}

/* What two guests must never share, and what no guest may reach. */
static void check_across(const struct config *cfg, const struct platform *p,
			 const struct assignment *out, uint64_t sb, uint64_t se)
{
	unsigned int g, h, i, j, consoles = 0;
	const unsigned int n = cfg->nr_guests;

	for (g = 0; g < n; g++) {
		const struct assignment *a = &out[g];

		consoles += a->console_uart;
		for (h = 0; h < n; h++) {
			const struct assignment *b = &out[h];

			for (i = 0; i < a->nr_cpus; i++)
				for (j = 0; j < b->nr_cpus; j++)
					FUZZ_CHECK((g == h && i == j) ||
							   a->cpu_mpidr[i] != b->cpu_mpidr[j],
						   "CPU 0x%llx given twice (guests %u and %u)",
						   (unsigned long long)a->cpu_mpidr[i], g, h);
			for (i = 0; i < a->nr_spis + !!a->doorbell_intid; i++) {
				uint32_t x = i < a->nr_spis ? a->spi[i].intid : a->doorbell_intid;

				for (j = 0; j < b->nr_spis + !!b->doorbell_intid; j++) {
					uint32_t y = j < b->nr_spis ? b->spi[j].intid
								    : b->doorbell_intid;

					FUZZ_CHECK((g == h && i == j) || x != y,
						   "SPI INTID %u given twice (guests %u and %u)", x,
						   g, h);
				}
			}
			for (i = 0; i < a->nr_mem; i++) {
				for (j = 0; j < b->nr_mem; j++)
					FUZZ_CHECK(
						(g == h && i == j) ||
							!overlap(a->mem[i].base, a->mem[i].size,
								 b->mem[j].base, b->mem[j].size),
						"RAM 0x%llx+0x%llx of guest %u overlaps guest %u's",
						(unsigned long long)a->mem[i].base,
						(unsigned long long)a->mem[i].size, g, h);
				for (j = 0; j < b->nr_mmio; j++)
					FUZZ_CHECK(
						!page_overlap(a->mem[i].base, a->mem[i].size,
							      b->mmio[j].base, b->mmio[j].size),
						"RAM 0x%llx+0x%llx of guest %u holds an MMIO page "
						"of guest %u",
						(unsigned long long)a->mem[i].base,
						(unsigned long long)a->mem[i].size, g, h);
				if (b->doorbell_base)
					FUZZ_CHECK(!overlap(a->mem[i].base, a->mem[i].size,
							    b->doorbell_base, ASSIGN_DOORBELL_SIZE),
						   "RAM of guest %u holds guest %u's doorbell", g,
						   h);
			}
			if (g == h)
				continue;
			for (i = 0; i < a->nr_mmio + !!a->doorbell_base; i++) {
				const struct plat_range db = { a->doorbell_base,
							       ASSIGN_DOORBELL_SIZE };
				const struct plat_range *x = i < a->nr_mmio ? &a->mmio[i] : &db;

				for (j = 0; j < b->nr_mmio; j++)
					FUZZ_CHECK(
						!page_overlap(x->base, x->size, b->mmio[j].base,
							      b->mmio[j].size),
						"MMIO page 0x%llx+0x%llx of guest %u is guest %u's "
						"too",
						(unsigned long long)x->base,
						(unsigned long long)x->size, g, h);
				if (b->doorbell_base)
					FUZZ_CHECK(!page_overlap(x->base, x->size, b->doorbell_base,
								 ASSIGN_DOORBELL_SIZE),
						   "guest %u's MMIO holds guest %u's doorbell", g,
						   h);
			}
		}
		if (a->doorbell_base)
			FUZZ_CHECK(!overlap(a->doorbell_base, ASSIGN_DOORBELL_SIZE, sb, se - sb),
				   "doorbell of guest %u in skiff's memory", g);
	}
	FUZZ_CHECK(consoles <= 1, "%u guests have the console UART", consoles);
	for (g = 0;
	     g < n && !consoles && p->con.uart.kind != UART_NONE && p->con.uart.kind != UART_OTHER;
	     g++)
		for (i = 0; i < out[g].nr_mmio; i++)
			FUZZ_CHECK(!page_overlap(out[g].mmio[i].base, out[g].mmio[i].size,
						 p->con.reg.base, p->con.reg.size),
				   "guest %u maps skiff's console UART 0x%llx", g,
				   (unsigned long long)p->con.reg.base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config cfg;
	static struct ledger ledger;
	static struct assignment out[CONFIG_MAX_GUESTS];
	char err[CONFIG_ERR_MAX];
	const struct host *h;
	uint64_t sb, se;
	uint8_t *blob;
	int ret;

	if (size < 1)
		return 0;
	h = host_of(data[0]);
	blob = malloc(size - 1 ? size - 1 : 1);
	FUZZ_CHECK(blob, "out of memory");
	memcpy(blob, data + 1, size - 1);
	memset(err, 0x5a, sizeof(err));
	ret = config_parse(blob, size - 1, &cfg, err, sizeof(err));
	FUZZ_CHECK(ret == 0 || ret == -1, "config_parse returned %d", ret);
	if (ret) {
		fuzz_check_message("config_parse", err, sizeof(err));
		goto out;
	}
	FUZZ_CHECK(cfg.nr_guests >= 1 && cfg.nr_guests <= CONFIG_MAX_GUESTS, "nr_guests %u",
		   cfg.nr_guests);

	skiff_range(data[0], &h->plat, &sb, &se);
	ledger_init(&ledger);
	memset(out, 0xa5, sizeof(out));
	memset(err, 0x5a, sizeof(err));
	ret = assign_guests(h->fdt, &h->plat, &cfg, sb, se, &ledger, out, NULL, err, sizeof(err));
	FUZZ_CHECK(ret == 0 || ret == -1, "assign_guests returned %d", ret);
	if (ret) {
		fuzz_check_message("assign_guests", err, sizeof(err));
	} else {
		unsigned int g;

		FUZZ_CHECK(se > sb, "assign_guests took skiff range 0x%llx-0x%llx",
			   (unsigned long long)sb, (unsigned long long)se);
		for (g = 0; g < cfg.nr_guests; g++)
			check_guest(&cfg, &h->plat, g, &out[g], sb, se);
		check_across(&cfg, &h->plat, out, sb, se);
	}
out:
	free(blob);
	return 0;
}
