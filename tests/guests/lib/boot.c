/*
 * boot.c - the test guests' runtime from start.S to guest_main(): reads the platform from
 * the device tree (CPUs, GIC, RAM, PSCI conduit, skiff's doorbell, the console), turns the MMU on
 * with an identity map (RAM Normal cacheable, everything else and a skiff,channel's shared
 * memory Device-nGnRE), sets up the GIC, and starts secondary CPUs with PSCI CPU_ON. Also:
 * barriers, delays, cache maintenance.
 */
#include <string.h>

#include "tests/guests/lib/bootargs.h"
#include "tests/guests/lib/fdt.h"
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/psci.h"
#include "tests/guests/lib/tap.h"
#include "tests/guests/lib/timer.h"

/* QEMU virt, used where the device tree says nothing */
#define VIRT_GICD 0x08000000UL
#define VIRT_GICR 0x080a0000UL
#define VIRT_GICR_SIZE 0xf60000UL
#define VIRT_GICC 0x08010000UL
#define VIRT_UART 0x09000000UL
#define DOORBELL_DEFAULT_INTID 132

#define GIC_DT_SPI 0
#define GIC_DT_PPI 1

#define CPU_ON_TIMEOUT_US 2000000
#define BARRIER_TIMEOUT_US 10000000

/* Identity map: one level-1 table of 1 GiB blocks covering a 4 GiB address space; the 1 GiB
 * that holds a skiff,channel's shared memory in 2 MiB blocks of a level-2 table */
#define MMU_BLOCK_SHIFT 30
#define MMU_NR_BLOCKS 4
#define MMU_L2_SHIFT 21
#define MMU_L2_ENTRIES 512
#define MMU_DESC_BLOCK 0x1UL
#define MMU_DESC_TABLE 0x3UL
#define MMU_DESC_ADDR_MASK 0x0000fffffffff000UL
#define MMU_DESC_ATTR(i) ((uint64_t)(i) << 2)
#define MMU_DESC_SH_INNER (3UL << 8)
#define MMU_DESC_AF BIT(10)
#define MMU_DESC_PXN BIT(53)
#define MMU_DESC_UXN BIT(54)
#define MAIR_IDX_DEVICE_NGNRNE 0
#define MAIR_IDX_DEVICE_NGNRE 1
#define MAIR_IDX_NORMAL 2
#define MAIR_VALUE                                                                        \
	(0x00UL << (8 * MAIR_IDX_DEVICE_NGNRNE) | 0x04UL << (8 * MAIR_IDX_DEVICE_NGNRE) | \
	 0xffUL << (8 * MAIR_IDX_NORMAL))
#define TCR_T0SZ(bits) ((uint64_t)(64 - (bits)))
#define TCR_IRGN0_WBWA (1UL << 8)
#define TCR_ORGN0_WBWA (1UL << 10)
#define TCR_SH0_INNER (3UL << 12)
#define TCR_TG0_4K (0UL << 14)
#define TCR_EPD1 BIT(23)
#define TCR_IPS_32BIT (0UL << 32)
#define TCR_VALUE                                                                                 \
	(TCR_T0SZ(32) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K | TCR_EPD1 | \
	 TCR_IPS_32BIT)
#define CTR_DMINLINE_SHIFT 16
#define CTR_DMINLINE_MASK 0xfU

#define MAX_RAM_RANGES 4

struct mmu_boot_regs {
	uint64_t mair;
	uint64_t tcr;
	uint64_t ttbr0;
};

_Static_assert(__builtin_offsetof(struct mmu_boot_regs, mair) == MMU_REGS_MAIR, "start.S");
_Static_assert(__builtin_offsetof(struct mmu_boot_regs, tcr) == MMU_REGS_TCR, "start.S");
_Static_assert(__builtin_offsetof(struct mmu_boot_regs, ttbr0) == MMU_REGS_TTBR0, "start.S");

extern char _start_image[];
extern char _end[];
extern char secondary_entry[];

struct platform plat;
struct mmu_boot_regs mmu_boot_regs;
volatile uint32_t cpu_online[GUEST_MAX_CPUS];

static uint64_t l1_table[512] __attribute__((aligned(4096)));
static uint64_t l2_table[MMU_L2_ENTRIES] __attribute__((aligned(4096)));
static uint64_t ram_ranges[MAX_RAM_RANGES][2];
static unsigned int nr_ram_ranges;
static cpu_entry_fn cpu_fn[GUEST_MAX_CPUS];
static volatile uint32_t barrier_count;
static volatile uint32_t barrier_sense;
static uint32_t local_sense[GUEST_MAX_CPUS];

void udelay(uint64_t us)
{
	uint64_t end = counter_now() + us_to_ticks(us);

	while (counter_now() < end)
		cpu_relax();
}

static uintptr_t dcache_line(void)
{
	return 4UL << ((read_sysreg(ctr_el0) >> CTR_DMINLINE_SHIFT) & CTR_DMINLINE_MASK);
}

void dcache_clean_range(uintptr_t start, uintptr_t end)
{
	uintptr_t line = dcache_line();
	uintptr_t p;

	for (p = start & ~(line - 1); p < end; p += line)
		asm volatile("dc cvac, %0" ::"r"(p) : "memory");
	dsb_sy();
}

void dcache_inval_range(uintptr_t start, uintptr_t end)
{
	uintptr_t line = dcache_line();
	uintptr_t p;

	for (p = start & ~(line - 1); p < end; p += line)
		asm volatile("dc ivac, %0" ::"r"(p) : "memory");
	dsb_sy();
}

/* ---- device tree */
struct dt_scan {
	int cpus_node;
	const char *stdout_path; /* /chosen/stdout-path, NUL-terminated, or NULL */
};

static bool visit_node(const void *fdt, const struct fdt_node *node, void *arg)
{
	struct dt_scan *scan = arg;
	uint64_t addr, size;

	if (node->depth == 1 && strcmp(node->name, "cpus") == 0)
		scan->cpus_node = node->off;
	if (node->depth == 1 && strcmp(node->name, "chosen") == 0) {
		uint32_t len;
		const char *args = fdt_prop(fdt, node->off, "bootargs", &len);

		if (args && len && args[len - 1] == '\0')
			plat.bootargs = args;
		args = fdt_prop(fdt, node->off, "stdout-path", &len);
		if (args && len && args[len - 1] == '\0')
			scan->stdout_path = args;
	}
	if (node->parent >= 0 && node->parent == scan->cpus_node &&
	    fdt_prop_has_string(fdt, node->off, "device_type", "cpu") &&
	    fdt_reg(fdt, node, 0, &addr, NULL) && plat.ncpus < GUEST_MAX_CPUS)
		plat.mpidr[plat.ncpus++] = addr & MPIDR_AFF_MASK;
	if (fdt_prop_has_string(fdt, node->off, "device_type", "memory")) {
		unsigned int i;

		for (i = 0; nr_ram_ranges < MAX_RAM_RANGES && fdt_reg(fdt, node, i, &addr, &size);
		     i++) {
			ram_ranges[nr_ram_ranges][0] = addr;
			ram_ranges[nr_ram_ranges][1] = size;
			nr_ram_ranges++;
		}
	}
	return false;
}

static void sort_cpus(void)
{
	unsigned int i, j;

	for (i = 1; i < plat.ncpus; i++)
		for (j = i; j > 0 && plat.mpidr[j - 1] > plat.mpidr[j]; j--) {
			uint64_t t = plat.mpidr[j];

			plat.mpidr[j] = plat.mpidr[j - 1];
			plat.mpidr[j - 1] = t;
		}
}

/*
 * The console: the node /chosen/stdout-path names ("/path", or an alias, either possibly
 * followed by ":options"), if it speaks the PL011's DR/FR protocol - a PL011, or skiff's
 * virtual console, a transmit-only subset of one. Else QEMU virt's PL011 stays.
 */
static void find_console(const void *fdt, const char *stdout_path)
{
	const char *colon = strchr(stdout_path, ':');
	size_t len = colon ? (size_t)(colon - stdout_path) : strlen(stdout_path);
	struct fdt_node node;
	uint64_t addr;

	if (stdout_path[0] != '/') {
		char alias[32];
		uint32_t plen;

		if (!len || len >= sizeof(alias) || !fdt_find_path(fdt, "/aliases", 8, &node))
			return;
		memcpy(alias, stdout_path, len);
		alias[len] = '\0';
		stdout_path = fdt_prop(fdt, node.off, alias, &plen);
		if (!stdout_path || !plen || stdout_path[plen - 1] != '\0')
			return;
		len = strlen(stdout_path);
	}
	if (!fdt_find_path(fdt, stdout_path, len, &node))
		return;
	if (!fdt_prop_has_string(fdt, node.off, "compatible", "arm,pl011") &&
	    !fdt_prop_has_string(fdt, node.off, "compatible", "skiff,vconsole"))
		return;
	if (fdt_reg(fdt, &node, 0, &addr, NULL))
		plat.uart = addr;
}

static void read_device_tree(void)
{
	const void *fdt = (const void *)plat.dtb;
	struct dt_scan scan = { .cpus_node = -1 };
	struct fdt_node node;
	uint64_t addr, size;
	unsigned int i;

	fdt_walk(fdt, visit_node, &scan);
	sort_cpus();
	if (scan.stdout_path)
		find_console(fdt, scan.stdout_path);

	if (fdt_find_compatible(fdt, "arm,gic-v3", &node)) {
		if (fdt_reg(fdt, &node, 0, &addr, NULL))
			plat.gicd = addr;
		if (fdt_reg(fdt, &node, 1, &addr, &size)) {
			plat.gicr = addr;
			plat.gicr_size = size;
		}
	} else if (fdt_find_compatible(fdt, "arm,gic-400", &node) ||
		   fdt_find_compatible(fdt, "arm,cortex-a15-gic", &node)) {
		/* reg: GICD, GICC [, GICH, GICV] - the guest's are the first two */
		plat.gic_version = 2;
		plat.gicc = VIRT_GICC;
		if (fdt_reg(fdt, &node, 0, &addr, NULL))
			plat.gicd = addr;
		if (fdt_reg(fdt, &node, 1, &addr, NULL))
			plat.gicc = addr;
	}
	if (fdt_find_compatible(fdt, "arm,psci-1.0", &node) ||
	    fdt_find_compatible(fdt, "arm,psci-0.2", &node) ||
	    fdt_find_compatible(fdt, "arm,psci", &node))
		plat.psci = fdt_prop_has_string(fdt, node.off, "method", "smc") ? PSCI_CONDUIT_SMC
										: PSCI_CONDUIT_HVC;
	plat.skiff = fdt_find_compatible(fdt, "skiff,hypervisor", &node);
	if (fdt_find_compatible(fdt, "skiff,doorbell", &node)) {
		uint32_t len;
		const void *p;

		plat.skiff = true;
		plat.doorbell = fdt_reg(fdt, &node, 0, &addr, NULL) ? addr : 0;
		p = fdt_prop(fdt, node.off, "interrupts", &len);
		if (p && len >= 8)
			plat.doorbell_intid = fdt_be32((const uint8_t *)p + 4) +
					      (fdt_be32(p) == GIC_DT_PPI ? 16 : 32);
	}
	for (i = 0; i < nr_ram_ranges; i++) {
		if (plat.image_base >= ram_ranges[i][0] &&
		    plat.image_base - ram_ranges[i][0] < ram_ranges[i][1]) {
			plat.ram_base = ram_ranges[i][0];
			plat.ram_size = ram_ranges[i][1];
		}
	}
}

bool bootarg(const char *key, char *val, size_t size)
{
	return bootargs_get(plat.bootargs, key, val, size);
}

unsigned int cpu_index_of_mpidr(uint64_t mpidr)
{
	unsigned int i;

	mpidr &= MPIDR_AFF_MASK;
	for (i = 0; i < plat.ncpus; i++)
		if (plat.mpidr[i] == mpidr)
			return i;
	return (unsigned int)(MPIDR_AFF0(mpidr) % GUEST_MAX_CPUS);
}

/* ---- MMU */
static bool range_is_ram(uint64_t base, uint64_t end)
{
	unsigned int i;

	if (!nr_ram_ranges)
		return plat.image_base < end && plat.image_end > base;
	for (i = 0; i < nr_ram_ranges; i++)
		if (ram_ranges[i][0] < end && ram_ranges[i][0] + ram_ranges[i][1] > base)
			return true;
	return false;
}

/*
 * A skiff,channel's shared memory ("reg" 1) is mapped Device nGnRE, as Linux maps it through
 * /dev/mem, so that this guest and a peer agree on its attributes (docs/channel.md, "Memory
 * attributes"): its 1 GiB block becomes a level-2 table of 2 MiB blocks, those holding the
 * channel Device (but any that holds RAM too), the others as before.
 */
static void mmu_map_channel(void)
{
	const void *fdt = (const void *)plat.dtb;
	uint64_t base, size, gib;
	struct fdt_node node;
	unsigned int i;

	if (!plat.dtb_ok || !fdt_find_compatible(fdt, "skiff,channel", &node) ||
	    !fdt_reg(fdt, &node, 1, &base, &size) || !size ||
	    (base >> MMU_BLOCK_SHIFT) >= MMU_NR_BLOCKS ||
	    (base + size - 1) >> MMU_BLOCK_SHIFT != base >> MMU_BLOCK_SHIFT)
		return;
	gib = base >> MMU_BLOCK_SHIFT;
	for (i = 0; i < MMU_L2_ENTRIES; i++) {
		uint64_t a = (gib << MMU_BLOCK_SHIFT) + ((uint64_t)i << MMU_L2_SHIFT);
		uint64_t end = a + (1UL << MMU_L2_SHIFT);

		l2_table[i] = a | (l1_table[gib] & ~MMU_DESC_ADDR_MASK);
		if (a < base + size && end > base && !range_is_ram(a, end))
			l2_table[i] = a | MMU_DESC_BLOCK | MMU_DESC_AF |
				      MMU_DESC_ATTR(MAIR_IDX_DEVICE_NGNRE) | MMU_DESC_PXN |
				      MMU_DESC_UXN;
	}
	l1_table[gib] = (uintptr_t)l2_table | MMU_DESC_TABLE;
}

void mmu_setup_primary(void)
{
	uint64_t sctlr;
	unsigned int i;

	for (i = 0; i < MMU_NR_BLOCKS; i++) {
		uint64_t base = (uint64_t)i << MMU_BLOCK_SHIFT;

		if (range_is_ram(base, base + (1UL << MMU_BLOCK_SHIFT)))
			l1_table[i] = base | MMU_DESC_BLOCK | MMU_DESC_AF | MMU_DESC_SH_INNER |
				      MMU_DESC_ATTR(MAIR_IDX_NORMAL) | MMU_DESC_UXN;
		else
			l1_table[i] = base | MMU_DESC_BLOCK | MMU_DESC_AF |
				      MMU_DESC_ATTR(MAIR_IDX_DEVICE_NGNRE) | MMU_DESC_PXN |
				      MMU_DESC_UXN;
	}
	mmu_map_channel();
	mmu_boot_regs.mair = MAIR_VALUE;
	mmu_boot_regs.tcr = TCR_VALUE;
	mmu_boot_regs.ttbr0 = (uintptr_t)l1_table;

	/*
	 * Everything so far was written with the MMU off, straight to memory: drop any stale
	 * line the caches may hold for the image before they start being used.
	 */
	dcache_inval_range(plat.image_base, plat.image_end);
	write_sysreg(mmu_boot_regs.mair, mair_el1);
	write_sysreg(mmu_boot_regs.tcr, tcr_el1);
	write_sysreg(mmu_boot_regs.ttbr0, ttbr0_el1);
	isb();
	asm volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
	sctlr = read_sysreg(sctlr_el1);
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	sctlr &= ~(uint64_t)SCTLR_A;
	write_sysreg(sctlr, sctlr_el1);
	isb();
	asm volatile("ic iallu\n\tdsb nsh\n\tisb" ::: "memory");
}

/* ---- boot */
void guest_boot_primary(uintptr_t dtb, uintptr_t load, unsigned long el, unsigned long entry_el);
void guest_boot_secondary(uint64_t ctx);

void guest_boot_primary(uintptr_t dtb, uintptr_t load, unsigned long el, unsigned long entry_el)
{
	unsigned int cpu;

	write_sysreg(0, tpidr_el1);
	plat.dtb = dtb;
	plat.gic_version = 3;
	plat.gicd = VIRT_GICD;
	plat.gicr = VIRT_GICR;
	plat.gicr_size = VIRT_GICR_SIZE;
	plat.uart = VIRT_UART;
	plat.psci = PSCI_CONDUIT_HVC;
	plat.doorbell_intid = DOORBELL_DEFAULT_INTID;
	plat.image_base = load;
	plat.bootargs = "";
	plat.image_end = load + ((uintptr_t)_end - (uintptr_t)_start_image);
	if (el != 1)
		bail_out("guest %s entered at EL%lu, expected EL1", guest_name, el);

	plat.dtb_ok = fdt_check_header((const void *)dtb);
	if (plat.dtb_ok)
		read_device_tree();
	if (!plat.ncpus) {
		plat.ncpus = 1;
		plat.mpidr[0] = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
	}
	cpu = cpu_index_of_mpidr(read_sysreg(mpidr_el1));
	write_sysreg(cpu, tpidr_el1);

	mmu_setup_primary();
	timers_off();
	gic_dist_init();
	gic_cpu_init();
	printk("# guest %s: %s, %u cpus, dtb 0x%lx, image 0x%lx-0x%lx, ram 0x%llx+0x%llx, "
	       "psci %s, console 0x%lx, GICv%u\n",
	       guest_name, plat.skiff ? "under skiff" : "native (no skiff,hypervisor node)",
	       plat.ncpus, (unsigned long)dtb, (unsigned long)plat.image_base,
	       (unsigned long)plat.image_end, (unsigned long long)plat.ram_base,
	       (unsigned long long)plat.ram_size, plat.psci == PSCI_CONDUIT_SMC ? "smc" : "hvc",
	       (unsigned long)plat.uart, plat.gic_version);
	if (entry_el != el)
		printk("# guest %s: entered at EL%lu, no hypervisor: dropped to EL%lu\n",
		       guest_name, entry_el, el);
	cpu_online[cpu] = 1;
	guest_main();
	tap_done();
}

void guest_boot_secondary(uint64_t ctx)
{
	unsigned int cpu = cpu_index_of_mpidr(read_sysreg(mpidr_el1));
	cpu_entry_fn fn;

	write_sysreg(cpu, tpidr_el1);
	timers_off();
	gic_cpu_init();
	fn = READ_ONCE(cpu_fn[cpu]);
	__atomic_store_n(&cpu_online[cpu], 1, __ATOMIC_RELEASE);
	if (fn)
		fn(ctx);
	__atomic_store_n(&cpu_online[cpu], 0, __ATOMIC_RELEASE);
	psci_cpu_off();
}

uintptr_t secondary_entry_address(void)
{
	return (uintptr_t)secondary_entry;
}

void cpu_prepare_entry(unsigned int cpu, cpu_entry_fn fn)
{
	cpu_fn[cpu] = fn;
	cpu_online[cpu] = 0;
	dsb_sy();
	/* The new CPU reads the image with its MMU off until start.S turns it on. */
	dcache_clean_range(plat.image_base, plat.image_end);
}

int64_t cpu_start(unsigned int cpu, cpu_entry_fn fn, uint64_t ctx)
{
	if (cpu >= plat.ncpus)
		return PSCI_RET_INVALID_PARAMETERS;
	cpu_prepare_entry(cpu, fn);
	return psci_cpu_on(plat.mpidr[cpu], secondary_entry_address(), ctx);
}

bool cpu_start_all(cpu_entry_fn fn, uint64_t ctx)
{
	unsigned int me = this_cpu();
	bool ok = true;
	unsigned int cpu;

	for (cpu = 0; cpu < plat.ncpus; cpu++) {
		int64_t ret;

		if (cpu == me)
			continue;
		ret = cpu_start(cpu, fn, ctx);
		if (ret != PSCI_RET_SUCCESS) {
			printk("# cpu%u: PSCI CPU_ON failed: %lld\n", cpu, (long long)ret);
			ok = false;
			continue;
		}
		if (!wait_until(READ_ONCE(cpu_online[cpu]), CPU_ON_TIMEOUT_US)) {
			printk("# cpu%u: not online after CPU_ON\n", cpu);
			ok = false;
		}
	}
	return ok;
}

void smp_barrier(void)
{
	unsigned int cpu = this_cpu();
	uint32_t sense = local_sense[cpu] = !local_sense[cpu];

	if (atomic_inc(&barrier_count) == plat.ncpus) {
		barrier_count = 0;
		__atomic_store_n(&barrier_sense, sense, __ATOMIC_RELEASE);
		return;
	}
	if (!wait_until(__atomic_load_n(&barrier_sense, __ATOMIC_ACQUIRE) == sense,
			BARRIER_TIMEOUT_US))
		bail_out("cpu%u: barrier timed out (a CPU is missing)", cpu);
}
