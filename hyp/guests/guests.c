/*
 * guests.c - from configuration to running guests: picks and parses the configuration,
 * fills the ownership ledger through hyp/plan/assign.c (every conflict stops boot with a message
 * before any guest runs), creates the VMs, loads each kernel (fw_cfg or a boot loader's
 * image in RAM) with its initrd and device tree, keeps what a restart needs (guest_image.c),
 * and powers the guests on (lifecycle.c).
 */
#include "hyp/guests/guests.h"
#include "arch/arm64/cache.h"
#include "arch/arm64/mmu.h"
#include "arch/arm64/stage2.h"
#include "arch/arm64/sysreg.h"
#include "hyp/plan/assign.h"
#include "hyp/plan/config_source.h"
#include "hyp/core/cpu.h"
#include "hyp/plan/guest_dtb.h"
#include "hyp/guests/guest_image.h"
#include "hyp/exit/hvc.h"
#include "hyp/plan/ledger.h"
#include "hyp/guests/lifecycle.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "hyp/core/vm.h"
#include "hyp/run/vcpu.h"

#include <libfdt.h>
#include <string.h>

#define CMDLINE_MAX CONFIG_BOOTARGS_MAX
#define DMA_LINE_MAX 160

static struct config cfg;
static struct ledger ledger;
static struct assignment assignment[CONFIG_MAX_GUESTS];
static struct vm vms[CONFIG_MAX_GUESTS];
static struct guest_image images[CONFIG_MAX_GUESTS];
static bool runnable[CONFIG_MAX_GUESTS];
static int console_guest = -1; /* the guest given skiff's console UART */
static char fw_cmdline[CMDLINE_MAX];

/* Whether fw_cfg's kernel is skiff itself: a boot loader (U-Boot on QEMU) loaded skiff from
 * -kernel, so that item is not a guest. */
static bool fw_cfg_kernel_is_skiff(struct fw_cfg *fc)
{
	extern char _start_image[];
	uint8_t hdr[IMAGE_HEADER_SIZE];

	if (fw_cfg_read_u32(fc, FW_CFG_KERNEL_SIZE) < sizeof(hdr) ||
	    fw_cfg_read(fc, FW_CFG_KERNEL_DATA, hdr, sizeof(hdr)))
		return false;
	return memcmp(hdr, _start_image, sizeof(hdr)) == 0;
}

static bool fw_cfg_has_kernel(struct fw_cfg *fc)
{
	static int answer = -1;

	if (answer < 0) {
		answer = fc && fw_cfg_read_u32(fc, FW_CFG_KERNEL_SIZE);
		if (answer && fw_cfg_kernel_is_skiff(fc)) {
			log_info("fw_cfg: the kernel there is skiff itself (started by a boot "
				 "loader)");
			answer = 0;
		}
	}
	return answer;
}

static void read_fw_cmdline(struct fw_cfg *fc)
{
	uint32_t len = fc ? fw_cfg_read_u32(fc, FW_CFG_CMDLINE_SIZE) : 0;

	if (len >= sizeof(fw_cmdline))
		fatal("guest: command line of %u bytes is longer than %u", len,
		      (unsigned int)sizeof(fw_cmdline) - 1);
	if (len && fw_cfg_read(fc, FW_CFG_CMDLINE_DATA, fw_cmdline, len))
		fatal("guest: cannot read the command line from fw_cfg");
	fw_cmdline[len] = '\0';
}

/*
 * skiff cannot stop a device's DMA (it has no IOMMU driver), so it names every assigned device
 * that can master DMA: such a device can read and write any memory, skiff's included. One line
 * per kind, then the devices, as many to a line as fit.
 */
static void log_dma_masters(const void *host_fdt, unsigned int g)
{
	const struct config_guest *cg = &cfg.guest[g];
	const struct assignment *a = &assignment[g];
	enum dma_kind k;

	for (k = DMA_MASTER; k <= DMA_UNKNOWN; k++) {
		char line[DMA_LINE_MAX];
		unsigned int d, n = 0, len = 0;

		for (d = 0; d < a->nr_devices; d++) {
			/* a device devices = "all" gave: its host node's name */
			const char *name = d < cg->nr_devices
						   ? cg->device[d].name
						   : fdt_get_name(host_fdt, a->dev[d].node, NULL);
			size_t need = strlen(name) + (a->dev[d].iommu ? 8 : 1);

			if (a->dev[d].node < 0 || a->dev[d].dma != k)
				continue;
			if (!n++)
				log_guest((int)g,
					  "%s, with no IOMMU skiff programs: each can read and "
					  "write any memory, skiff's and other guests' included:",
					  k == DMA_MASTER ? "devices that master DMA"
							  : "devices skiff does not know, taken "
							    "as DMA masters");
			if (len && len + need >= sizeof(line)) {
				log_guest((int)g, "  %s", line);
				len = 0;
			}
			len += (unsigned int)fmt_snprintf(line + len, sizeof(line) - len, "%s%s%s",
							  len ? " " : "", name,
							  a->dev[d].iommu ? "(iommu)" : "");
		}
		if (len)
			log_guest((int)g, "  %s", line);
	}
}

static struct config_blob blob; /* where the configuration came from: scrubbed from guest RAM */

/* A device devices = "all" leaves out, and why. */
static void note_left_out(const char *msg)
{
	log_info("config: left out %s", msg);
}

/* stage2-4k-pages: skiff's memory grows by its stage-2 tables, next to its image */
static void take_stage2_tables(struct plat_range loader_dtb)
{
	struct mmu_reserved res = mmu_reserved();
	uint64_t base = 0;
	unsigned int n = assign_stage2_place(&plat, &cfg, &res.base, &res.end, &base);
	uint64_t size = (uint64_t)n * PT_PAGE_SIZE;

	if (!n)
		return;
	mmu_set_reserved(res);
	if (loader_dtb.size && base < loader_dtb.base + loader_dtb.size &&
	    loader_dtb.base < base + size)
		fatal("config: stage2-4k-pages: its tables at 0x%llx+0x%llx would overwrite "
		      "the boot loader's device tree at 0x%llx: load it elsewhere",
		      (unsigned long long)base, (unsigned long long)size,
		      (unsigned long long)loader_dtb.base);
	stage2_add_pool((uint64_t(*)[PT_ENTRIES])(uintptr_t)base, n);
	log_info("config: stage2-4k-pages: %u stage-2 tables at 0x%llx (%llu KiB)", n,
		 (unsigned long long)base, (unsigned long long)(size >> 10));
}

static void load_config(const void *host_fdt, struct fw_cfg *fc, struct plat_range loader_dtb)
{
	struct mmu_reserved res;
	char err[CONFIG_ERR_MAX];
	unsigned int i;

	blob = config_source_find(fc, host_fdt);
	if (config_parse(blob.fdt, blob.size, &cfg, err, sizeof(err)))
		fatal("config (%s): %s", blob.origin, err);
	take_stage2_tables(loader_dtb);
	res = mmu_reserved();
	ledger_init(&ledger);
	if (assign_guests(host_fdt, &plat, &cfg, res.base, res.end, &ledger, assignment,
			  note_left_out, err, sizeof(err)))
		fatal("config: %s", err);
	log_info("config: %s, %u guest%s", blob.origin, cfg.nr_guests,
		 cfg.nr_guests == 1 ? "" : "s");
	for (i = 0; i < cfg.nr_guests; i++) {
		const struct assignment *a = &assignment[i];

		log_set_guest_name((int)i, cfg.guest[i].name);
		log_guest((int)i, "%u cpus, %u RAM ranges, %u devices, %u SPIs%s%s%s", a->nr_cpus,
			  a->nr_mem, a->nr_devices, a->nr_spis,
			  a->console_uart ? ", the console UART" : "",
			  a->doorbell_base ? ", doorbell" : "",
			  a->vconsole_base ? ", virtual console" : "");
		log_dma_masters(host_fdt, i);
	}
	hvc_info.test_controls = cfg.test_controls;
	hvc_info.spi_counter = vm_spi_counter;
}

/* Where guest i's kernel and initrd come from; false when it has none to run. */
static bool find_images(unsigned int i, struct fw_cfg *fc, struct guest_image *gi)
{
	const struct assignment *g = &assignment[i]; /* its images, multiboot/auto resolved */

	gi->kernel_src = g->kernel.source;
	gi->arch = cfg.guest[i].arch;
	if (g->kernel.source == IMAGE_FW_CFG) {
		if (!fw_cfg_has_kernel(fc))
			return false;
		gi->fc = fc;
		gi->initrd =
			g->initrd.source == IMAGE_FW_CFG && fw_cfg_read_u32(fc, FW_CFG_INITRD_SIZE);
		return true;
	}
	if (g->kernel.source != IMAGE_MEMORY)
		return false;
	gi->kernel = g->kernel.addr;
	gi->kernel_size = g->kernel.size;
	gi->initrd = g->initrd.source == IMAGE_MEMORY;
	gi->initrd_addr = g->initrd.addr;
	gi->initrd_size = g->initrd.size;
	return true;
}

static void build_dtb(unsigned int i, const void *host_fdt, const struct guest_layout *lay)
{
	const struct config_guest *g = &cfg.guest[i];
	struct guest_dtb_extra extra = {
		.bootargs = g->has_bootargs		    ? g->bootargs
			    : assignment[i].module_bootargs ? assignment[i].module_bootargs
							    : fw_cmdline,
		.initrd_start = lay->initrd,
		.initrd_end = lay->initrd + lay->initrd_size,
	};
	char err[CONFIG_ERR_MAX];

	if (guest_dtb_build(host_fdt, (void *)(uintptr_t)lay->dtb, GUEST_DTB_MAX, &assignment[i],
			    &extra, err, sizeof(err)))
		fatal("%s: %s", g->name, err);
}

static void scrub(uint64_t base, uint64_t size)
{
	unsigned int g, m;

	for (g = 0; g < cfg.nr_guests; g++)
		for (m = 0; m < assignment[g].nr_mem; m++) {
			const struct plat_range *r = &assignment[g].mem[m];
			uint64_t b = base > r->base ? base : r->base;
			uint64_t e =
				base + size < r->base + r->size ? base + size : r->base + r->size;

			if (b >= e)
				continue;
			memset((void *)(uintptr_t)b, 0, e - b);
			cache_clean_range(b, e);
			log_guest((int)g,
				  "0x%llx+0x%llx of its RAM held the boot loader's device tree "
				  "or configuration: zeroed",
				  (unsigned long long)b, (unsigned long long)(e - b));
		}
}

unsigned int guests_prepare(const void *host_fdt, struct fw_cfg *fc, struct plat_range loader_dtb)
{
	unsigned int i, n = 0;

	load_config(host_fdt, fc, loader_dtb);
	scrub(loader_dtb.base, loader_dtb.size);
	if (blob.fdt)
		scrub((uint64_t)(uintptr_t)blob.fdt, blob.size);
	read_fw_cmdline(fc);
	/* channels' shared memory starts zeroed: nothing the boot loader left there is seen */
	for (i = 0; i < cfg.nr_channels; i++) {
		memset((void *)(uintptr_t)cfg.channel[i].mem.base, 0, cfg.channel[i].mem.size);
		cache_clean_range(cfg.channel[i].mem.base,
				  cfg.channel[i].mem.base + cfg.channel[i].mem.size);
	}
	for (i = 0; i < cfg.nr_guests; i++) {
		struct guest_image *gi = &images[i];
		char err[CONFIG_ERR_MAX];

		vm_create(&vms[i], i, &cfg, &assignment[i], &lifecycle_vm_ops);
		if (!find_images(i, fc, gi)) {
			lifecycle_add(&vms[i], NULL, cfg.stats_at_exit);
			log_guest((int)i, "no kernel to run");
			continue;
		}
		lifecycle_add(&vms[i], gi, cfg.stats_at_exit);
		if (guest_image_load(gi, &vms[i], err, sizeof(err)))
			fatal("%s: %s", cfg.guest[i].name, err);
		if (gi->lay.aarch32) {
			/* ID_AA64PFR0_EL1.EL1 [7:4]: 2 when EL1 can be AArch32 */
			if (((read_sysreg(id_aa64pfr0_el1) >> 4) & 0xf) != 2)
				fatal("%s: an AArch32 kernel, and this CPU's EL1 is AArch64 only",
				      cfg.guest[i].name);
			vm_set_aarch32(&vms[i]);
		}
		build_dtb(i, host_fdt, &gi->lay);
		if (guest_image_keep_dtb(gi, err, sizeof(err)))
			fatal("%s: %s", cfg.guest[i].name, err);
		cache_clean_range(gi->lay.dtb, gi->lay.dtb + gi->dtb_size);
		runnable[i] = true;
		if (assignment[i].console_uart)
			console_guest = (int)i;
		log_guest((int)i, "%u vcpus, %skernel at 0x%llx, dtb at 0x%llx%s%s",
			  vms[i].nr_vcpus, gi->lay.aarch32 ? "AArch32 " : "",
			  (unsigned long long)gi->lay.entry, (unsigned long long)gi->lay.dtb,
			  gi->lay.initrd ? ", initrd" : "",
			  gi->kernel_src == IMAGE_MEMORY
				  ? " (the loaded images are kept for restarts)"
				  : "");
		n++;
	}
	return n;
}

_Noreturn void guests_start(void)
{
	struct cpu *self = cpu_self();
	unsigned int i;

	if (console_guest >= 0)
		log_info("guest: the console UART is %s's now; skiff logs to its ring "
			 "(SKIFF_HVC_LOG_READ), printed when the last guest is off",
			 cfg.guest[console_guest].name);
	log_info("guest: entering");
	log_flush();
	if (console_guest >= 0)
		log_handover_console(console_guest);
	log_start_async();
	for (i = 0; i < cfg.nr_guests; i++)
		if (runnable[i])
			lifecycle_start(&vms[i]);
	if (self->vcpu)
		vcpu_run(self->vcpu);
	for (;;)
		wfi(); /* no vCPU here */
}
