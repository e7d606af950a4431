/*
 * main.c - the boot flow on the boot CPU: early console, MMU, device tree, banner, GIC,
 * this CPU's bring-up, fw_cfg, secondaries; then, with no guest yet, power off.
 * Every step that can fail stops boot with a message naming what is wrong.
 */
#include <libfdt.h>
#include <string.h>

#include "arch/arm64/boot.h"
#include "arch/arm64/layout.h"
#include "arch/arm64/mmu.h"
#include "arch/arm64/psci_fw.h"
#include "arch/arm64/sysreg.h"
#include "drivers/fw_cfg.h"
#include "drivers/gic.h"
#include "drivers/gicv2.h"
#include "drivers/gicv3.h"
#include "drivers/pl011.h"
#include "drivers/uart.h"
#include "drivers/timer.h"
#include "hyp/core/cpu.h"
#include "hyp/guests/guests.h"
#include "hyp/plan/fdt_struct.h"
#include "lib/log.h"
#include "hyp/run/smp.h"
#include "hyp/core/vm.h"
#include "hyp/run/vcpu.h"

#define FDT_SIZE_MAX (32u << 20)
#define FDT_HEADER_SIZE 40
#define MIB (1024ull * 1024)
#define SELFTEST_FILE "opt/skiff/selftest"
#define SELFTEST_EL2_FAULT "el2-fault"
#define SELFTEST_ENTRY_CHECK "entry-check"

static struct fw_cfg fw_cfg;
static bool have_fw_cfg;

void boot_primary(uint64_t dtb, uint64_t base, uint64_t mode, uint64_t el);

#define LOG_RETRY_US 1000 /* a full UART FIFO: try again this much later */

/* A PL011 at a fixed address for skiff's first lines, in firmware mode only: opt-in at build
 * time (EARLY_UART=0x...), for debugging before the device tree is read. */
static const struct log_console early_console = {
	.try_putc = pl011_try_putc,
	.putc = pl011_putc,
	.ctx = EARLY_UART,
};
/* The console /chosen/stdout-path names (hyp/plan/console_dt.h), driven by drivers/uart.h. */
static struct log_console uart_console;
static struct plat_range console_mapped; /* its registers, once mapped */

static void log_retry_later(void)
{
	timer_hyp_arm(timer_us_to_ticks(LOG_RETRY_US));
}

static struct log_clock log_clock = {
	.now = timer_count,
	.later = log_retry_later,
};

static uint64_t fdt_size_guess(uint64_t dtb)
{
	const uint8_t *h = (const uint8_t *)(uintptr_t)dtb;
	uint32_t size;

	if (!dtb)
		return 0;
	size = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
	return (size >= FDT_HEADER_SIZE && size <= FDT_SIZE_MAX) ? size : FDT_HEADER_SIZE;
}

static const char *psci_name(enum plat_psci_conduit c)
{
	return c == PLAT_PSCI_SMC ? "smc" : c == PLAT_PSCI_HVC ? "hvc" : "none";
}

static void map_platform(void)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < plat.mem_count && !ret; i++)
		ret = mmu_map_ram(plat.mem[i].base, plat.mem[i].size);
	if (!ret)
		ret = mmu_map_device(plat.gicd.base, plat.gicd.size);
	for (i = 0; i < plat.gicr_count && !ret; i++)
		ret = mmu_map_device(plat.gicr[i].base, plat.gicr[i].size);
	if (!ret && plat.gic_version == 2)
		ret = mmu_map_device(plat.gicc.base, plat.gicc.size);
	if (!ret && plat.gic_version == 2)
		ret = mmu_map_device(plat.gich.base, plat.gich.size);
	if (!ret && plat.has_fw_cfg)
		ret = mmu_map_device(plat.fw_cfg.base, plat.fw_cfg.size);
	if (ret)
		fatal("mmu: cannot map the platform (error %d, %u tables used)", ret,
		      mmu_tables_used());
}

/* The distributor of the GIC the tree names, and the operations of its version. */
static unsigned int gic_init(void)
{
	unsigned int nr;

	if (plat.gic_version == 2) {
		struct gicv2_frames f = {
			.gicd = plat.gicd.base,
			.gicc = plat.gicc.base,
			.gicc_page1 = gicv2_gicc_page1(plat.gicc.base, plat.gicc.size),
			.gich = plat.gich.base,
		};

		gic = &gicv2_ops;
		nr = gicv2_dist_init(&f);
	} else {
		nr = gicv3_dist_init(plat.gicd.base, cpus[0].mpidr);
	}
	if (!nr)
		fatal("gic: 0x%llx is not a GICv%u distributor", (unsigned long long)plat.gicd.base,
		      plat.gic_version);
	return nr;
}

static void order_cpus(void)
{
	int boot = plat_cpu_index(&plat, cpu_mpidr());
	unsigned int i, n = 1;

	if (boot < 0)
		fatal("boot CPU (MPIDR 0x%llx) is not in /cpus", (unsigned long long)cpu_mpidr());
	// cppcheck-suppress negativeIndex ; fatal() does not return
	cpus[0].mpidr = plat.cpu[boot].mpidr;
	plat.boot_cpu = (unsigned int)boot;
	for (i = 0; i < plat.cpu_count; i++) {
		if ((int)i == boot)
			continue;
		if (plat.cpu[i].enable_method == PLAT_ENABLE_NONE) {
			log_info("cpu with mpidr 0x%llx: not used (enable-method not psci or "
				 "spin-table)",
				 (unsigned long long)plat.cpu[i].mpidr);
			continue;
		}
		cpus[n++].mpidr = plat.cpu[i].mpidr;
	}
	cpu_count = n;
	for (i = 0; i < cpu_count; i++) {
		cpus[i].idx = i;
		if (plat.gic_version == 3)
			cpus[i].gicr = gicv3_redist_find(plat.gicr, plat.gicr_count,
							 plat.gicr_stride, cpus[i].mpidr);
		log_cpu(i, "mpidr 0x%llx%s", (unsigned long long)cpus[i].mpidr,
			i == 0 ? " (boot)" : "");
	}
	if (plat.cpus_ignored)
		log_info("%u more cpus in the device tree not used (skiff has %u)",
			 plat.cpus_ignored, PLAT_MAX_CPUS);
}

static void print_platform(void)
{
	unsigned int i;

	for (i = 0; i < plat.mem_count; i++)
		log_info("memory: 0x%llx-0x%llx (%llu MiB)", (unsigned long long)plat.mem[i].base,
			 (unsigned long long)(plat.mem[i].base + plat.mem[i].size - 1),
			 (unsigned long long)(plat.mem[i].size / MIB));
	order_cpus();
	if (plat.gic_version == 3)
		log_info("gic: v3 gicd 0x%llx, gicr 0x%llx+0x%llx (%u regions), maintenance intid "
			 "%u",
			 (unsigned long long)plat.gicd.base, (unsigned long long)plat.gicr[0].base,
			 (unsigned long long)plat.gicr[0].size, plat.gicr_count,
			 plat.gic_maint_intid);
	else
		log_info(
			"gic: v2 gicd 0x%llx, gicc 0x%llx, gich 0x%llx, gicv 0x%llx%s, maintenance "
			"intid %u; guests get a GICv2 (no system-register interface)",
			(unsigned long long)plat.gicd.base, (unsigned long long)plat.gicc.base,
			(unsigned long long)plat.gich.base, (unsigned long long)plat.gicv.base,
			plat.gicc.size >= 0x20000 ? " (64 KiB aliases)" : "", plat.gic_maint_intid);
	log_info("timer: %llu Hz, intids: phys %u, virt %u, hyp %u",
		 (unsigned long long)timer_freq(), plat.timer_intid[PLAT_TIMER_PHYS],
		 plat.timer_intid[PLAT_TIMER_VIRT], plat.timer_intid[PLAT_TIMER_HYP_PHYS]);
	if (console_mapped.size)
		log_info("console: %s at 0x%llx (%s)", uart_kind_name(plat.con.uart.kind),
			 (unsigned long long)plat.con.uart.base, plat.con.path);
	else
		log_info("console: none (%s)", plat.con.why);
	log_info("psci: %s", psci_name(plat.psci));
}

static void probe_fw_cfg(void)
{
	static struct fw_cfg_io io;
	struct fw_cfg *fc = &fw_cfg;
	struct fw_cfg_file f;
	uint32_t files = 0;

	if (!plat.has_fw_cfg)
		return;
	fw_cfg_mmio_io_init(&io, plat.fw_cfg.base);
	if (fw_cfg_init(fc, &io)) {
		log_info("fw_cfg: at 0x%llx: no QEMU signature",
			 (unsigned long long)plat.fw_cfg.base);
		return;
	}
	have_fw_cfg = true;
	fw_cfg_file_count(fc, &files);
	log_info("fw_cfg: at 0x%llx%s, %u files, kernel %u bytes, initrd %u bytes",
		 (unsigned long long)plat.fw_cfg.base, fc->dma ? " (dma)" : "", files,
		 fw_cfg_read_u32(fc, FW_CFG_KERNEL_SIZE), fw_cfg_read_u32(fc, FW_CFG_INITRD_SIZE));
	if (fw_cfg_find(fc, SELFTEST_FILE, &f) == 0) {
		char buf[16];

		memset(buf, 0, sizeof(buf));
		fw_cfg_read(fc, f.select, buf, f.size < sizeof(buf) - 1 ? f.size : sizeof(buf) - 1);
		if (!strncmp(buf, SELFTEST_EL2_FAULT, strlen(SELFTEST_EL2_FAULT)) &&
		    cpu_count > 1) {
			smp_fault_cpu = (int)cpu_count - 1;
			log_info("selftest: cpu%d will take a data abort at EL2", smp_fault_cpu);
		}
		if (!strncmp(buf, SELFTEST_ENTRY_CHECK, strlen(SELFTEST_ENTRY_CHECK)) &&
		    cpu_count > 1) {
			selftest_entry_cpu = (int)cpu_count - 1;
			log_info("selftest: cpu%d will find stage 2 off before its first guest "
				 "entry",
				 selftest_entry_cpu);
		}
	}
}

/*
 * The host's device tree, copied into skiff's own memory once it has been checked: the boot
 * loader may have put the original in RAM a guest is given, where loading that guest's images
 * could overwrite it and where the guest could read it. guests_prepare zeroes what of the
 * original lies in a guest's RAM. QEMU pads its tree to 1 MiB: the padding is not copied.
 */
#define HOST_DTB_COPY_MAX (256u << 10)
static uint8_t host_dtb[HOST_DTB_COPY_MAX] __attribute__((aligned(8)));

/* Returns the copy's address; *used is how much of the original holds the tree. */
static uint64_t copy_device_tree(uint64_t dtb, uint32_t *used_out)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	uint32_t rsv = fdt_off_mem_rsvmap(fdt), st = fdt_off_dt_struct(fdt);
	uint32_t str = fdt_off_dt_strings(fdt), used = str + fdt_size_dt_strings(fdt);

	/* the blocks in dtc's order, ending before the padding (fdt_check_header put each inside
	 * it) */
	if (rsv < FDT_HEADER_SIZE || st < rsv || str < st + fdt_size_dt_struct(fdt) || used < str ||
	    used > fdt_totalsize(fdt))
		fatal("device tree at 0x%llx: blocks not in the order header, memreserve, struct, "
		      "strings",
		      (unsigned long long)dtb);
	if (used > sizeof(host_dtb))
		fatal("device tree at 0x%llx: %u bytes, more than skiff's copy holds (%u KiB)",
		      (unsigned long long)dtb, used, HOST_DTB_COPY_MAX >> 10);
	memcpy(host_dtb, fdt, used);
	fdt_set_totalsize(host_dtb, used);
	*used_out = used;
	return (uint64_t)(uintptr_t)host_dtb;
}

/* Check the tree where the boot loader left it, copy it, and read the platform from the copy:
 * the copy's address. */
static uint64_t parse_device_tree(uint64_t dtb, uint32_t *used)
{
	char err[PLAT_ERR_MAX];
	uint64_t copy;
	int ret;

	if (!dtb)
		fatal("no device tree: x0 holds none and there is none at 0x%lx",
		      (unsigned long)FW_DTB_ADDR);
	ret = fdt_check_header((const void *)(uintptr_t)dtb);
	if (ret)
		fatal("device tree at 0x%llx is not valid: %s", (unsigned long long)dtb,
		      fdt_struct_strerror(ret));
	copy = copy_device_tree(dtb, used);
	if (plat_parse((const void *)(uintptr_t)copy, &plat, err, sizeof(err)))
		fatal("device tree: %s", err);
	return copy;
}

/*
 * The console, as Linux's argument-less earlycon finds it: the UART /chosen/stdout-path names
 * in the boot loader's tree, found before the tree is parsed whole so that what is wrong with
 * the tree is printed. None is not an error: the lines stay in the ring (SKIFF_HVC_LOG_READ).
 */
static void console_from_dt(uint64_t dtb, bool mmu_on)
{
	if (!dtb || fdt_check_header((const void *)(uintptr_t)dtb))
		return;
	console_dt_find((const void *)(uintptr_t)dtb, &plat.con);
	if (!plat.con.reg.size || !uart_console_init(&plat.con.uart, &uart_console))
		return;
	if (mmu_on) {
		if (mmu_map_device(plat.con.reg.base, plat.con.reg.size))
			return;
		console_mapped = plat.con.reg;
	}
	log_set_console(&uart_console);
}

void boot_primary(uint64_t dtb, uint64_t base, uint64_t mode, uint64_t el)
{
	unsigned int up, guests;
	uint64_t host;
	uint32_t dtb_used;
	int ret;

	log_set_halt(cpu_halt);
	if (EARLY_UART && mode == BOOT_MODE_FIRMWARE)
		log_set_console(&early_console);
	if (el != 2) {
		console_from_dt(dtb, false); /* MMU off: the UART at its own address */
		fatal("entered at EL%llu: skiff must be started at EL2 "
		      "(QEMU: -M virt,virtualization=on)",
		      (unsigned long long)el);
	}
	ret = mmu_enable_boot(base, dtb, fdt_size_guess(dtb),
			      mode == BOOT_MODE_FIRMWARE ? EARLY_UART : 0);
	if (ret)
		fatal("mmu: cannot build the boot map (error %d)", ret);
	log_enable_lock();
	console_from_dt(dtb, true);
	log_info("skiff %s EL2 hypervisor", SKIFF_VERSION);
	host = parse_device_tree(dtb, &dtb_used);
	log_info("boot: %s at 0x%llx, dtb at 0x%llx",
		 mode == BOOT_MODE_FIRMWARE ? "firmware" : "payload", (unsigned long long)base,
		 (unsigned long long)dtb);
	map_platform();
	log_clock.freq = timer_freq();
	log_set_clock(&log_clock);
	print_platform();
	psci_fw_init(plat.psci);
	vm_boot_nr_intids = gic_init();
	plat.gic_nr_intids = vm_boot_nr_intids; /* for spi-window = "auto" */
	if (!cpu_bring_up(&cpus[0]))
		fatal("boot cpu bring-up failed");
	cpu_set_state(&cpus[0], CPU_UP);
	cpu_log_up(&cpus[0]);
	probe_fw_cfg();
	guests = guests_prepare((const void *)(uintptr_t)host, have_fw_cfg ? &fw_cfg : NULL,
				(struct plat_range){ dtb, dtb_used });
	up = smp_start_secondaries();
	if (up == cpu_count)
		log_info("all %u cpus up", up);
	else
		log_info("%u of %u cpus up", up, cpu_count);
	if (guests)
		guests_start();
	log_info("no guest to run: powering off");
	/* log_info() leaves its line to a CPU that holds the console (a secondary printing its
	 * alert): wait for it, or the power-off cuts the console mid-line */
	log_flush();
	psci_fw_system_off();
	fatal("PSCI SYSTEM_OFF returned");
}
