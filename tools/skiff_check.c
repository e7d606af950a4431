/*
 * skiff_check.c - build/skiff-check: checks a skiff configuration against a host device tree
 * on the build machine, with the same code skiff runs at boot (hyp/plan/config.c,
 * hyp/plan/assign.c, hyp/plan/ledger.c, hyp/plan/platform.c, hyp/plan/guest_dtb.c), and prints what
 * each guest would get or the first error. Reads the two files named on the command line; writes
 * only to stdout and stderr.
 *
 *     skiff-check [--skiff BASE:END] [--memory BASE:SIZE] [CONFIG.dtb] HOST.dtb
 *
 * Without CONFIG.dtb it checks skiff's built-in default configuration (the Makefile embeds
 * the same blob as the image: build/check/default_config.c).
 */
#include <errno.h>
#include <libfdt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hyp/plan/assign.h"
#include "hyp/plan/config.h"
#include "hyp/plan/guest_dtb.h"
#include "hyp/guests/guest_load.h"
#include "hyp/plan/ledger.h"
#include "hyp/plan/platform.h"

#define PROG "skiff-check"
#define FILE_MAX (64u << 20)   /* larger is not a device tree */
#define SKIFF_SIZE 0x200000ull /* skiff's image, data and tables: 2 MiB, 2 MiB-aligned */
#define EXIT_USAGE 2
#define MEMORY_NODE_ROOM 256 /* bytes a /memory node adds to the host tree */

extern const unsigned char default_config[];
extern const unsigned int default_config_size;

static const char *const trigger_word[] = { "level", "edge" };

/* What devices = "all" left out, and why (assign_guests' notes), printed after the guests. */
static char **left_out;
static unsigned int nr_left_out;

static void note_left_out(const char *msg)
{
	char **grown = realloc(left_out, (nr_left_out + 1) * sizeof(*left_out));

	if (!grown || !(grown[nr_left_out] = strdup(msg))) {
		fprintf(stderr, PROG ": out of memory\n");
		exit(EXIT_FAILURE);
	}
	left_out = grown;
	nr_left_out++;
}

/* Device i of guest cg: its config node's name and host path, or for one devices = "all" gave,
 * "devices" and its node's path (in buf). */
static const char *device_label(const void *host, const struct config_guest *cg,
				const struct assignment *a, unsigned int i, char *buf, size_t size)
{
	if (i < cg->nr_devices)
		snprintf(buf, size, "%s/%s: %s", cg->name, cg->device[i].name, cg->device[i].path);
	else {
		int n = snprintf(buf, size, "%s/devices: ", cg->name);

		if (fdt_get_path(host, a->dev[i].node, buf + n, (int)size - n))
			snprintf(buf + n, size - n, "(node at offset %d)", a->dev[i].node);
	}
	return buf;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--skiff BASE:END] [--memory BASE:SIZE] [CONFIG.dtb] HOST.dtb\n"
		"\n"
		"Checks the skiff configuration CONFIG.dtb (binding: dts/README.md; skiff's\n"
		"built-in default when absent) against the host device tree HOST.dtb, as skiff\n"
		"does at boot: prints the console skiff would drive, the memory the firmware\n"
		"keeps, each guest's CPUs, RAM, images, devices (MMIO, SPIs, interrupt modes),\n"
		"pages to map and doorbell, or the first error.\n"
		"\n"
		"  --skiff BASE:END    skiff's own memory, [BASE, END) (hex or decimal); default:\n"
		"                      the first 2 MiB-aligned 2 MiB of RAM at least 2 MiB above\n"
		"                      its start (room for the boot loader's device tree) clear\n"
		"                      of reserved memory: on QEMU virt, 0x40200000:0x40400000\n"
		"  --memory BASE:SIZE  RAM as a boot loader would fill in /memory (replaces the\n"
		"                      tree's memory nodes)\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit status: 0 the configuration is valid for this host, 1 it is not (or a file\n"
		"cannot be read), 2 bad usage.\n");
}

/* The whole file in a malloc'd buffer (malloc's alignment suits libfdt), or NULL. */
static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
	} else if ((unsigned long)n > FILE_MAX) {
		fprintf(stderr, PROG ": %s: %ld bytes, too large for a device tree\n", path, n);
	} else {
		buf = malloc(n ? (size_t)n : 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			fprintf(stderr, PROG ": %s: read error\n", path);
			free(buf);
			buf = NULL;
		}
		*size = (size_t)n;
	}
	fclose(f);
	return buf;
}

static int parse_skiff_range(const char *s, uint64_t *base, uint64_t *end)
{
	char *p;

	errno = 0;
	*base = strtoull(s, &p, 0);
	if (errno || p == s || *p != ':')
		return -1;
	s = p + 1;
	*end = strtoull(s, &p, 0);
	if (errno || p == s || *p)
		return -1;
	return 0;
}

static void print_image(const char *name, const struct config_image *img)
{
	if (img->source == IMAGE_FW_CFG)
		printf("%s fw_cfg", name);
	else if (img->source == IMAGE_MEMORY)
		printf("%s 0x%" PRIx64 "+0x%" PRIx64, name, img->addr, img->size);
	else
		printf("%s none", name);
}

static void print_guest(const void *host, const struct config_guest *cg, const struct assignment *a,
			const struct ledger *l, int g)
{
	char label[2 * CONFIG_NAME_MAX + PLAT_PATH_MAX + 16];
	unsigned int i, j;

	printf("%s: %s\n", cg->name,
	       a->gic_version == 2 ? "GICv2: memory-mapped distributor and CPU interface, no "
				     "system-register interface"
				   : "GICv3: system-register CPU interface, distributor and "
				     "redistributors");
	printf("%s: cpus", cg->name);
	for (i = 0; i < a->nr_cpus; i++)
		printf(" 0x%" PRIx64, a->cpu_mpidr[i]);
	printf("%s\n%s: memory", cg->all_cpus ? " (all)" : "", cg->name);
	for (i = 0; i < a->nr_mem; i++)
		printf(" 0x%" PRIx64 "+0x%" PRIx64, a->mem[i].base, a->mem[i].size);
	printf("%s\n", cg->all_memory ? " (all but skiff's, other guests' and reserved)" : "");
	for (i = 0; i < a->nr_resv; i++)
		printf("%s: reserved in its tree 0x%" PRIx64 "+0x%" PRIx64 "\n", cg->name,
		       a->resv[i].base, a->resv[i].size);
	printf("%s:", cg->name);
	print_image(" kernel", &a->kernel);
	print_image(", initrd", &a->initrd);
	if (cg->has_bootargs)
		printf(", bootargs \"%s\"\n", cg->bootargs);
	else if (a->module_bootargs)
		printf(", bootargs \"%s\" (the kernel module's)\n", a->module_bootargs);
	else
		printf(", bootargs from fw_cfg\n");

	for (i = 0; i < a->nr_devices; i++) {
		const struct assign_device *d = &a->dev[i];

		printf("%s:", device_label(host, cg, a, i, label, sizeof(label)));
		for (j = 0; j < d->nr_reg; j++)
			printf(" mmio 0x%" PRIx64 "+0x%" PRIx64, a->reg[d->first_reg + j].base,
			       a->reg[d->first_reg + j].size);
		for (j = 0; j < d->nr_spi; j++) {
			const struct assign_spi *s = &a->spi[d->first_spi + j];

			printf(" intid %u %s %s", s->intid, trigger_word[s->edge],
			       irq_mode_name(s->mode));
		}
		printf("%s\n", d->nr_reg || d->nr_spi ? "" : " (no MMIO, no interrupts)");
	}
	for (i = 0; i < l->count; i++) /* rests of pages that whole-pages gives it */
		if (l->e[i].owner == g && l->e[i].kind == LEDGER_MMIO &&
		    !strncmp(l->e[i].what, "the rest of a page", 18))
			printf("%s: also gets MMIO 0x%" PRIx64 "+0x%" PRIx64 " (%s)\n", cg->name,
			       l->e[i].base, l->e[i].size, l->e[i].what);
	printf("%s: map", cg->name);
	for (i = 0; i < a->nr_mmio; i++)
		printf(" 0x%" PRIx64 "+0x%" PRIx64, a->mmio[i].base, a->mmio[i].size);
	printf("%s\n", a->nr_mmio ? "" : " nothing");
	for (i = 0; i < a->nr_kept; i++)
		printf("%s: keeps 0x%" PRIx64 "+0x%" PRIx64 " out of its RAM: the %s the boot "
		       "loader put there, loaded afresh at every restart\n",
		       cg->name, a->kept[i].base, a->kept[i].size,
		       i == 0 && cg->kernel.source == IMAGE_MEMORY ? "kernel" : "initrd");
	if (cg->all_devices)
		printf("%s: devices \"all\": %u configured, %u more from the host tree, %u left "
		       "out\n",
		       cg->name, cg->nr_devices, a->nr_devices - cg->nr_devices, nr_left_out);
	if (a->doorbell_base)
		printf("%s: doorbell 0x%" PRIx64 " intid %u\n", cg->name, a->doorbell_base,
		       a->doorbell_intid);
	if (a->vconsole_base)
		printf("%s: virtual console 0x%" PRIx64 "\n", cg->name, a->vconsole_base);
	for (i = 0; i < a->nr_chan; i++)
		printf("%s: channel %u end %u (peer guest %u): shared memory 0x%" PRIx64
		       "+0x%" PRIx64 ", doorbell 0x%" PRIx64 " intid %u\n",
		       cg->name, a->chan[i].channel, a->chan[i].end, a->chan[i].peer,
		       a->chan[i].mem.base, a->chan[i].mem.size, a->chan[i].db_base,
		       a->chan[i].intid);
	if (a->console_uart)
		printf("%s: gets the console UART: skiff hands it over\n", cg->name);
	/* skiff has no IOMMU driver: a DMA master reaches all memory, whatever stage 2 says */
	for (i = 0; i < a->nr_devices; i++)
		if (a->dev[i].node >= 0 && a->dev[i].dma != DMA_NONE)
			printf("%s: %s, with no IOMMU skiff programs%s: it can read and write "
			       "any memory, skiff's and other guests' included\n",
			       device_label(host, cg, a, i, label, sizeof(label)),
			       dma_kind_name(a->dev[i].dma),
			       a->dev[i].iommu ? " (it names an IOMMU skiff leaves alone)" : "");
}

static void print_skiff(const struct config *cfg, const struct ledger *l,
			const struct assignment *a)
{
	static const char *const kind[] = { "MMIO", "SPI", "CPU" };
	unsigned int i;

	for (i = 0; i < l->count; i++) {
		const struct ledger_entry *e = &l->e[i];

		if (e->owner == LEDGER_OWNER_SKIFF)
			printf("skiff: keeps %s 0x%" PRIx64 "+0x%" PRIx64 " (%s)\n", kind[e->kind],
			       e->base, e->size, e->what);
	}
	printf("skiff: stats-at-exit %s, test-controls %s, oneshot-no-deferral %s, "
	       "pmu-el2-counting %s, gicv2-hw-lrs-on-qemu %s, stage2-4k-pages %s\n",
	       cfg->stats_at_exit ? "on" : "off", cfg->test_controls ? "on" : "off",
	       cfg->oneshot_no_deferral ? "on" : "off", cfg->pmu_el2_counting ? "on" : "off",
	       cfg->gicv2_hw_lrs_on_qemu ? "on" : "off", cfg->stage2_4k_pages ? "on" : "off");
	if (a->device_window.size)
		printf("skiff: device-window 0x%" PRIx64 "+0x%" PRIx64 "%s\n",
		       a->device_window.base, a->device_window.size,
		       cfg->device_window_auto ? " (auto)" : "");
	else
		printf("skiff: no device-window%s\n",
		       cfg->device_window_auto ? " (auto: no free range below 4 GiB)" : "");
	if (a->spi_window.size)
		printf("skiff: spi-window <%" PRIu64 " %" PRIu64 "> (INTIDs %" PRIu64 "..%" PRIu64
		       ")%s\n",
		       a->spi_window.base, a->spi_window.size, a->spi_window.base + 32,
		       a->spi_window.base + 32 + a->spi_window.size - 1,
		       cfg->spi_window_auto
			       ? " (auto: below INTID 512, skiff's vGIC; at boot below "
				 "the GIC's own lines as well)"
			       : "");
	else
		printf("skiff: no spi-window%s\n",
		       cfg->spi_window_auto ? " (auto: no SPI free)" : "");
	if (cfg->test_controls || cfg->oneshot_no_deferral || cfg->pmu_el2_counting ||
	    cfg->gicv2_hw_lrs_on_qemu)
		printf("skiff: warning: test-only switches are on: not for a product\n");
}

/* The tree in *blob with its root memory nodes replaced by one memory@BASE node of reg
 * <BASE SIZE> in the root's cells, as a boot loader fills it in: 0, or 1 with the error. */
static int set_memory(void **blob, size_t *size, uint64_t base, uint64_t mem_size, const char *name)
{
	size_t room = *size + MEMORY_NODE_ROOM;
	void *fdt = malloc(room);
	fdt32_t reg[4];
	char unit[32];
	int node, ac, sc, n = 0, ret;

	/* the whole blob is checked against the file's size first: fdt_open_into() trusts the
	 * header's offsets and sizes */
	ret = fdt_check_full(*blob, *size);
	if (ret || !fdt || fdt_open_into(*blob, fdt, (int)room)) {
		fprintf(stderr, PROG ": %s: cannot add a memory node: %s\n", name,
			ret ? fdt_strerror(ret) : "out of memory");
		free(fdt);
		return 1;
	}
	while ((node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7)) >= 0 &&
	       fdt_parent_offset(fdt, node) == 0)
		fdt_del_node(fdt, node);
	ac = fdt_address_cells(fdt, 0);
	sc = fdt_size_cells(fdt, 0);
	if (ac == 2)
		reg[n++] = cpu_to_fdt32((uint32_t)(base >> 32));
	reg[n++] = cpu_to_fdt32((uint32_t)base);
	if (sc == 2)
		reg[n++] = cpu_to_fdt32((uint32_t)(mem_size >> 32));
	reg[n++] = cpu_to_fdt32((uint32_t)mem_size);
	snprintf(unit, sizeof(unit), "memory@%" PRIx64, base);
	node = fdt_add_subnode(fdt, 0, unit);
	ret = node < 0 ? node : fdt_setprop_string(fdt, node, "device_type", "memory");
	if (!ret)
		ret = fdt_setprop(fdt, node, "reg", reg, n * (int)sizeof(reg[0]));
	if (ret || ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		fprintf(stderr, PROG ": %s: cannot add a memory node: %s\n", name,
			ret ? fdt_strerror(ret) : "root #address-cells/#size-cells not 1 or 2");
		free(fdt);
		return 1;
	}
	free(*blob);
	*blob = fdt;
	*size = room;
	return 0;
}

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

/* Where a boot loader would put skiff: 2 MiB-aligned, at least 2 MiB above the start of a
 * bank, clear of reserved memory. false when no bank has room. */
static bool place_skiff(const struct platform *p, uint64_t *base, uint64_t *end)
{
	unsigned int i, r;

	for (i = 0; i < p->mem_count; i++) {
		uint64_t b = ((p->mem[i].base + SKIFF_SIZE + SKIFF_SIZE - 1) & ~(SKIFF_SIZE - 1));

		for (; b + SKIFF_SIZE <= p->mem[i].base + p->mem[i].size; b += SKIFF_SIZE) {
			for (r = 0; r < p->resv_count; r++)
				if (overlaps(b, SKIFF_SIZE, p->resv[r].r.base, p->resv[r].r.size))
					break;
			if (r == p->resv_count) {
				*base = b;
				*end = b + SKIFF_SIZE;
				return true;
			}
		}
	}
	return false;
}

/* The console skiff would drive, on one line; the memory the firmware keeps. */
static void print_platform(const void *fdt, const struct platform *p)
{
	unsigned int i;

	if (p->con.uart.kind != UART_NONE && p->con.uart.kind != UART_OTHER)
		printf("console: %s at 0x%" PRIx64 " (%s)\n", uart_kind_name(p->con.uart.kind),
		       p->con.uart.base, p->con.path);
	else
		printf("console: none (%s)\n", p->con.why);
	for (i = 0; i < p->resv_count; i++) {
		char path[PLAT_PATH_MAX] = "/memreserve/";

		if (p->resv[i].node >= 0 && fdt_get_path(fdt, p->resv[i].node, path, sizeof(path)))
			snprintf(path, sizeof(path), "(node at offset %d)", p->resv[i].node);
		printf("reserved: 0x%" PRIx64 "+0x%" PRIx64 " %s (%s)\n", p->resv[i].r.base,
		       p->resv[i].r.size,
		       p->resv[i].no_map ? "never given to a guest" : "reserved in guests' trees",
		       path);
	}
}

/* Each guest's device tree, built as skiff builds it at boot (without the initrd's place and
 * fw_cfg's command line, which add a few bytes): 0, or 1 with the error printed. */
static int build_guest_trees(const char *config, const struct config *cfg, const void *host,
			     const struct assignment *out)
{
	void *tree = malloc(GUEST_DTB_MAX);
	char err[CONFIG_ERR_MAX];
	unsigned int g;
	int ret = 0;

	if (!tree) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	for (g = 0; g < cfg->nr_guests && !ret; g++) {
		const struct config_guest *cg = &cfg->guest[g];
		struct guest_dtb_extra extra = { .bootargs =
							 cg->has_bootargs ? cg->bootargs : NULL };

		if (guest_dtb_build(host, tree, GUEST_DTB_MAX, &out[g], &extra, err, sizeof(err))) {
			fprintf(stderr, PROG ": %s: %s: %s\n", config, cg->name, err);
			ret = 1;
		}
	}
	free(tree);
	return ret;
}

int main(int argc, char **argv)
{
	static struct config cfg;
	static struct platform plat;
	static struct ledger ledger;
	static struct assignment out[CONFIG_MAX_GUESTS];
	uint64_t skiff_base = 0, skiff_end = 0, mem_base = 0, mem_size = 0;
	unsigned int stage2_more;
	uint64_t stage2_at = 0;
	const char *files[2], *config_name, *host_name;
	size_t sizes[2] = { 0, 0 };
	void *blobs[2] = { NULL, NULL };
	const void *config;
	size_t config_size;
	char err[CONFIG_ERR_MAX];
	int i, nfiles = 0, status = EXIT_FAILURE;
	bool have_skiff = false, have_memory = false;
	unsigned int g;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_SUCCESS;
		} else if (!strcmp(argv[i], "--skiff") && i + 1 < argc) {
			if (parse_skiff_range(argv[++i], &skiff_base, &skiff_end)) {
				fprintf(stderr, PROG ": --skiff %s: not BASE:END\n", argv[i]);
				return EXIT_USAGE;
			}
			have_skiff = true;
		} else if (!strcmp(argv[i], "--memory") && i + 1 < argc) {
			if (parse_skiff_range(argv[++i], &mem_base, &mem_size) || !mem_size ||
			    mem_base + mem_size - 1 < mem_base) {
				fprintf(stderr, PROG ": --memory %s: not BASE:SIZE\n", argv[i]);
				return EXIT_USAGE;
			}
			have_memory = true;
		} else if (argv[i][0] == '-' || nfiles == 2) {
			usage(stderr);
			return EXIT_USAGE;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (nfiles < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}

	for (i = 0; i < nfiles; i++) {
		blobs[i] = read_file(files[i], &sizes[i]);
		if (!blobs[i])
			goto out;
	}
	host_name = files[nfiles - 1];
	config_name = nfiles == 2 ? files[0] : "built-in default";
	config = nfiles == 2 ? blobs[0] : default_config;
	config_size = nfiles == 2 ? sizes[0] : default_config_size;
	if (have_memory &&
	    set_memory(&blobs[nfiles - 1], &sizes[nfiles - 1], mem_base, mem_size, host_name))
		goto out;
	if (config_parse(config, config_size, &cfg, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s: %s\n", config_name, err);
		goto out;
	}
	if (plat_parse_buf(blobs[nfiles - 1], sizes[nfiles - 1], &plat, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s: %s\n", host_name, err);
		goto out;
	}
	if (!have_skiff && !place_skiff(&plat, &skiff_base, &skiff_end)) {
		fprintf(stderr, PROG ": %s: no RAM clear of reserved memory for skiff's 2 MiB\n",
			host_name);
		goto out;
	}
	/* skiff keeps stage2-4k-pages's tables next to its image (hyp/guests/guests.c) */
	stage2_more = assign_stage2_place(&plat, &cfg, &skiff_base, &skiff_end, &stage2_at);
	print_platform(blobs[nfiles - 1], &plat);
	ledger_init(&ledger);
	if (assign_guests(blobs[nfiles - 1], &plat, &cfg, skiff_base, skiff_end, &ledger, out,
			  note_left_out, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s: %s\n", config_name, err);
		goto out;
	}
	if (build_guest_trees(config_name, &cfg, blobs[nfiles - 1], out))
		goto out;

	printf("skiff: memory 0x%" PRIx64 "-0x%" PRIx64 "%s\n", skiff_base, skiff_end,
	       have_skiff ? "" : " (where a boot loader would put it)");
	if (stage2_more)
		printf("skiff: stage2-4k-pages: %u stage-2 tables at 0x%" PRIx64
		       " (%u KiB), in it\n",
		       stage2_more, stage2_at, stage2_more * 4);
	print_skiff(&cfg, &ledger, &out[0]);
	for (g = 0; g < cfg.nr_guests; g++)
		print_guest(blobs[nfiles - 1], &cfg.guest[g], &out[g], &ledger, (int)g);
	for (g = 0; g < nr_left_out; g++)
		printf("left out: %s\n", left_out[g]);
	printf(PROG ": %s: ok for %s (%u guest%s)\n", config_name, host_name, cfg.nr_guests,
	       cfg.nr_guests == 1 ? "" : "s");
	status = EXIT_SUCCESS;
out:
	free(blobs[0]);
	free(blobs[1]);
	return status;
}
