/*
 * guests.c - from configuration to running guests: picks and parses the configuration,
 * fills the ownership ledger through hyp/assign.c (every conflict stops boot with a message
 * before any guest runs), creates the VMs, loads each kernel (fw_cfg or a boot loader's
 * image in RAM) with its initrd and device tree, and powers the guests on.
 */
#include "hyp/guests.h"
#include "arch/arm64/cache.h"
#include "arch/arm64/mmu.h"
#include "arch/arm64/sysreg.h"
#include "hyp/assign.h"
#include "hyp/config_source.h"
#include "hyp/cpu.h"
#include "hyp/guest_dtb.h"
#include "hyp/guest_load.h"
#include "hyp/hvc.h"
#include "hyp/ledger.h"
#include "hyp/log.h"
#include "hyp/vm_boot.h"

#include <string.h>

#define CMDLINE_MAX CONFIG_BOOTARGS_MAX

static struct config cfg;
static struct ledger ledger;
static struct assignment assignment[CONFIG_MAX_GUESTS];
static struct vm vms[CONFIG_MAX_GUESTS];
static bool runnable[CONFIG_MAX_GUESTS];
static bool console_to_guest;
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

static void load_config(const void *host_fdt, struct fw_cfg *fc)
{
	struct config_blob blob = config_source_find(fc, host_fdt);
	struct mmu_reserved res = mmu_reserved();
	char err[CONFIG_ERR_MAX];
	unsigned int i;

	if (config_parse(blob.fdt, blob.size, &cfg, err, sizeof(err)))
		fatal("config (%s): %s", blob.origin, err);
	ledger_init(&ledger);
	if (assign_guests(host_fdt, &plat, &cfg, res.base, res.end, &ledger, assignment, err,
			  sizeof(err)))
		fatal("config: %s", err);
	log_info("config: %s, %u guest%s", blob.origin, cfg.nr_guests,
		 cfg.nr_guests == 1 ? "" : "s");
	for (i = 0; i < cfg.nr_guests; i++)
		log_info("config: %s: %u cpus, %u RAM ranges, %u devices, %u SPIs%s%s",
			 cfg.guest[i].name, assignment[i].nr_cpus, assignment[i].nr_mem,
			 assignment[i].nr_devices, assignment[i].nr_spis,
			 assignment[i].console_uart ? ", the console UART" : "",
			 assignment[i].doorbell_base ? ", doorbell" : "");
	hvc_info.test_controls = cfg.test_controls;
	hvc_info.oneshot_no_deferral = &cfg.oneshot_no_deferral;
}

/* Load guest i's kernel and initrd; false when it has none to run. */
static bool load_images(unsigned int i, struct fw_cfg *fc, struct guest_layout *lay)
{
	const struct config_guest *g = &cfg.guest[i];
	char err[CONFIG_ERR_MAX];
	int ret;

	if (g->kernel.source == IMAGE_FW_CFG) {
		if (!fw_cfg_has_kernel(fc))
			return false;
		ret = guest_load_fw_cfg(fc, &vms[i], g->initrd.source == IMAGE_FW_CFG, lay, err,
					sizeof(err));
	} else if (g->kernel.source == IMAGE_MEMORY) {
		bool rd = g->initrd.source == IMAGE_MEMORY;

		ret = guest_load_memory(&vms[i], g->kernel.addr, g->kernel.size,
					rd ? g->initrd.addr : 0, rd ? g->initrd.size : 0, lay, err,
					sizeof(err));
	} else {
		return false;
	}
	if (ret)
		fatal("%s: %s", g->name, err);
	return true;
}

static void build_dtb(unsigned int i, const void *host_fdt, const struct guest_layout *lay)
{
	const struct config_guest *g = &cfg.guest[i];
	struct guest_dtb_extra extra = {
		.bootargs = g->has_bootargs ? g->bootargs : fw_cmdline,
		.initrd_start = lay->initrd,
		.initrd_end = lay->initrd + lay->initrd_size,
	};
	char err[CONFIG_ERR_MAX];

	if (guest_dtb_build(host_fdt, (void *)(uintptr_t)lay->dtb, GUEST_DTB_MAX, &assignment[i],
			    &extra, err, sizeof(err)))
		fatal("%s: %s", g->name, err);
}

unsigned int guests_prepare(const void *host_fdt, struct fw_cfg *fc)
{
	unsigned int i, n = 0;

	load_config(host_fdt, fc);
	read_fw_cmdline(fc);
	for (i = 0; i < cfg.nr_guests; i++) {
		struct guest_layout lay;

		vm_create(&vms[i], i, &cfg, &assignment[i]);
		if (!load_images(i, fc, &lay)) {
			log_info("%s: no kernel to run", cfg.guest[i].name);
			continue;
		}
		build_dtb(i, host_fdt, &lay);
		cache_clean_range(lay.base, (lay.initrd ? lay.initrd + lay.initrd_size
							: lay.dtb + GUEST_DTB_MAX));
		vms[i].vcpus[0].boot_entry = lay.entry;
		vms[i].vcpus[0].boot_context = lay.dtb;
		runnable[i] = true;
		console_to_guest |= assignment[i].console_uart;
		log_info("%s: %u vcpus, kernel at 0x%llx, dtb at 0x%llx%s", cfg.guest[i].name,
			 vms[i].nr_vcpus, (unsigned long long)lay.entry,
			 (unsigned long long)lay.dtb, lay.initrd ? ", initrd" : "");
		n++;
	}
	return n;
}

_Noreturn void guests_start(void)
{
	struct cpu *self = cpu_self();
	unsigned int i;

	for (i = 0; i < cfg.nr_guests; i++) {
		if (!runnable[i])
			continue;
		vcpu_set_power(&vms[i].vcpus[0], VCPU_ON_PENDING);
		vms[i].ops->wake(&vms[i].vcpus[0]);
	}
	if (console_to_guest)
		log_info("guest: the console UART is the guest's now; skiff logs to its ring "
			 "(SKIFF_HVC_LOG_READ)");
	log_info("guest: entering");
	if (console_to_guest)
		log_handover_console();
	if (self->vcpu)
		vcpu_run(self->vcpu);
	for (;;)
		wfi(); /* no vCPU here */
}
