/*
 * skiff_check.c - build/skiff-check: checks a skiff configuration against a host device tree
 * on the build machine, with the same code skiff runs at boot (hyp/plan/config.c,
 * hyp/plan/assign.c, hyp/plan/ledger.c, hyp/plan/platform.c, hyp/plan/guest_dtb.c), and prints what
 * each guest would get or the first error. Reads the two files named on the command line; writes
 * only to stdout and stderr.
 *
 *     skiff-check [--skiff BASE:END] CONFIG.dtb HOST.dtb
 */
#include <errno.h>
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
#define FILE_MAX (64u << 20) /* larger is not a device tree */
#define DEFAULT_SKIFF_BASE 0x40200000ull
#define DEFAULT_SKIFF_END 0x40400000ull
#define EXIT_USAGE 2

static const char *const trigger_word[] = { "level", "edge" };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--skiff BASE:END] CONFIG.dtb HOST.dtb\n"
		"\n"
		"Checks the skiff configuration CONFIG.dtb (binding: dts/README.md) against the\n"
		"host device tree HOST.dtb, as skiff does at boot: prints each guest's CPUs, RAM,\n"
		"devices (MMIO, SPIs, interrupt modes), pages to map and doorbell, or the first "
		"error.\n"
		"\n"
		"  --skiff BASE:END  skiff's own memory, [BASE, END) (hex or decimal); default\n"
		"                    0x%llx:0x%llx: 2 MiB at the first 2 MiB boundary above\n"
		"                    QEMU virt's DTB (at the start of RAM), where skiff runs "
		"there\n"
		"  -h, --help        this text\n"
		"\n"
		"Exit status: 0 the configuration is valid for this host, 1 it is not (or a file\n"
		"cannot be read), 2 bad usage.\n",
		DEFAULT_SKIFF_BASE, DEFAULT_SKIFF_END);
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

static void print_guest(const struct config_guest *cg, const struct assignment *a,
			const struct ledger *l, int g)
{
	unsigned int i, j;

	printf("%s: cpus", cg->name);
	for (i = 0; i < a->nr_cpus; i++)
		printf(" 0x%" PRIx64, a->cpu_mpidr[i]);
	printf("%s\n%s: memory", cg->all_cpus ? " (all)" : "", cg->name);
	for (i = 0; i < a->nr_mem; i++)
		printf(" 0x%" PRIx64 "+0x%" PRIx64, a->mem[i].base, a->mem[i].size);
	printf("%s\n%s:", cg->all_memory ? " (all but skiff's and other guests')" : "", cg->name);
	print_image(" kernel", &cg->kernel);
	print_image(", initrd", &cg->initrd);
	if (cg->has_bootargs)
		printf(", bootargs \"%s\"\n", cg->bootargs);
	else
		printf(", bootargs from fw_cfg\n");

	for (i = 0; i < a->nr_devices; i++) {
		const struct assign_device *d = &a->dev[i];

		printf("%s/%s: %s:", cg->name, cg->device[i].name, cg->device[i].path);
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
	if (a->doorbell_base)
		printf("%s: doorbell 0x%" PRIx64 " intid %u\n", cg->name, a->doorbell_base,
		       a->doorbell_intid);
	if (a->vconsole_base)
		printf("%s: virtual console 0x%" PRIx64 "\n", cg->name, a->vconsole_base);
	if (a->console_uart)
		printf("%s: gets the console UART: skiff hands it over\n", cg->name);
	/* skiff has no IOMMU driver: a DMA master reaches all memory, whatever stage 2 says */
	for (i = 0; i < a->nr_devices; i++)
		if (a->dev[i].node >= 0 && a->dev[i].dma != DMA_NONE)
			printf("%s/%s: %s: %s, with no IOMMU skiff programs%s: it can read and "
			       "write "
			       "any memory, skiff's and other guests' included\n",
			       cg->name, cg->device[i].name, cg->device[i].path,
			       dma_kind_name(a->dev[i].dma),
			       a->dev[i].iommu ? " (it names an IOMMU skiff leaves alone)" : "");
}

static void print_skiff(const struct config *cfg, const struct ledger *l)
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
	       "pmu-el2-counting %s\n",
	       cfg->stats_at_exit ? "on" : "off", cfg->test_controls ? "on" : "off",
	       cfg->oneshot_no_deferral ? "on" : "off", cfg->pmu_el2_counting ? "on" : "off");
	if (cfg->test_controls || cfg->oneshot_no_deferral || cfg->pmu_el2_counting)
		printf("skiff: warning: test-only switches are on: not for a product\n");
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
	uint64_t skiff_base = DEFAULT_SKIFF_BASE, skiff_end = DEFAULT_SKIFF_END;
	const char *files[2];
	size_t sizes[2] = { 0, 0 };
	void *blobs[2] = { NULL, NULL };
	char err[CONFIG_ERR_MAX];
	int i, nfiles = 0, status = EXIT_FAILURE;
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
		} else if (argv[i][0] == '-' || nfiles == 2) {
			usage(stderr);
			return EXIT_USAGE;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (nfiles != 2) {
		usage(stderr);
		return EXIT_USAGE;
	}

	for (i = 0; i < 2; i++) {
		blobs[i] = read_file(files[i], &sizes[i]);
		if (!blobs[i])
			goto out;
	}
	if (config_parse(blobs[0], sizes[0], &cfg, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s: %s\n", files[0], err);
		goto out;
	}
	if (plat_parse_buf(blobs[1], sizes[1], &plat, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s: %s\n", files[1], err);
		goto out;
	}
	ledger_init(&ledger);
	if (assign_guests(blobs[1], &plat, &cfg, skiff_base, skiff_end, &ledger, out, err,
			  sizeof(err))) {
		fprintf(stderr, PROG ": %s: %s\n", files[0], err);
		goto out;
	}
	if (build_guest_trees(files[0], &cfg, blobs[1], out))
		goto out;

	print_skiff(&cfg, &ledger);
	for (g = 0; g < cfg.nr_guests; g++)
		print_guest(&cfg.guest[g], &out[g], &ledger, (int)g);
	printf(PROG ": %s: ok for %s (%u guest%s)\n", files[0], files[1], cfg.nr_guests,
	       cfg.nr_guests == 1 ? "" : "s");
	status = EXIT_SUCCESS;
out:
	free(blobs[0]);
	free(blobs[1]);
	return status;
}
