/*
 * platform.h - the platform facts skiff takes from the host device tree: memory, CPUs,
 * GICv3, timer, console UART, PSCI conduit, fw_cfg. Parsing is plain C over libfdt;
 * it reads the blob only and touches no hardware.
 */
#ifndef SKIFF_HYP_PLATFORM_H
#define SKIFF_HYP_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arm64/psci_fw.h"
#include "hyp/plan/console_dt.h"
#include "lib/range.h"

#define PLAT_MAX_MEM 8
#define PLAT_MAX_CPUS 8
#define PLAT_MAX_GICR 4
#define PLAT_GICV2_REGS 4 /* GICD, GICC, GICH, GICV */
#define PLAT_MAX_RESV 64
#define PLAT_PAGE 0x1000ull /* what a reserved release address keeps: its 4 KiB page */
#define PLAT_PATH_MAX 128
#define PLAT_ERR_MAX 160

/* The generic timer's four PPIs, in the order of the arm,armv8-timer binding. */
enum plat_timer_irq {
	PLAT_TIMER_SEC_PHYS,
	PLAT_TIMER_PHYS,
	PLAT_TIMER_VIRT,
	PLAT_TIMER_HYP_PHYS,
	PLAT_TIMER_COUNT,
};

/* How a secondary CPU is started: its node's enable-method (cpus.yaml). */
enum plat_enable_method {
	PLAT_ENABLE_NONE,	/* absent, or one skiff does not know: the cpu is not used */
	PLAT_ENABLE_PSCI,	/* "psci": the firmware's CPU_ON */
	PLAT_ENABLE_SPIN_TABLE, /* "spin-table": the entry written to release_addr */
};

struct plat_cpu {
	uint64_t mpidr; /* affinity fields only, as the cpu node's reg gives them */
	/* spin-table: its cpu-release-addr, 8-byte aligned in RAM; else 0 */
	uint64_t release_addr;
	enum plat_enable_method enable_method; /* psci when both are listed */
	int node;			       /* its node (offset in the tree parsed) */
};

/* A reserved range of memory: a /memreserve/ entry or a reg of a /reserved-memory child. */
struct plat_resv {
	struct plat_range r;
	bool no_map; /* never given to a guest: /memreserve/, or the region has no-map */
	int node;    /* its /reserved-memory child; -1 for a /memreserve/ entry */
};

struct platform {
	struct plat_range mem[PLAT_MAX_MEM];
	unsigned int mem_count;

	struct plat_resv resv[PLAT_MAX_RESV]; /* /memreserve/ first, then /reserved-memory */
	unsigned int resv_count;

	struct plat_cpu cpu[PLAT_MAX_CPUS];
	unsigned int cpu_count;
	unsigned int cpus_ignored; /* present in the DT beyond PLAT_MAX_CPUS */
	/* index in cpu[] of the CPU skiff boots on: plat_parse assumes the first (where boot
	 * loaders start), main.c sets the one it runs on. The others run guests only with an
	 * enable-method skiff can start them with. */
	unsigned int boot_cpu;

	unsigned int
		gic_version; /* 3: arm,gic-v3; 2: a GICv2 (arm,gic-400, arm,cortex-a15-gic...) */
	struct plat_range gicd;
	struct plat_range gicr[PLAT_MAX_GICR]; /* GICv3 */
	unsigned int gicr_count;
	uint64_t gicr_stride; /* redistributor-stride, 0 when absent (use GICR_TYPER.Last) */
	struct plat_range gicc, gich, gicv; /* GICv2: CPU interface, virtual interface control and
					     * virtual CPU interface */
	unsigned int gic_maint_intid;	    /* INTID of the maintenance interrupt (PPI 9 -> 25) */
	int gic_phandle;
	int gic_node; /* the GIC skiff takes: the first enabled arm,gic-v3, else GICv2 */
	/* INTIDs the GIC implements (GICD_TYPER): 0 from plat_parse, which reads no hardware;
	 * set at boot once the distributor is found */
	unsigned int gic_nr_intids;

	unsigned int timer_intid[PLAT_TIMER_COUNT]; /* INTIDs, e.g. virt = 27 */
	int timer_node;

	struct plat_console con; /* the console: /chosen/stdout-path (hyp/plan/console_dt.h) */

	enum plat_psci_conduit psci;

	bool has_fw_cfg;
	struct plat_range fw_cfg;
};

/*
 * Fill *p from the flattened device tree at fdt (which must pass fdt_check_header).
 * Returns 0 on success. On failure returns a negative number and writes a message naming
 * the node and property at fault into err (for example "/intc@8000000: GIC is not v3
 * (compatible \"arm,cortex-a15-gic\")").
 * Required: a valid header, at least one memory bank, at least one cpu (a spin-table one with
 * an 8-byte cpu-release-addr, 8-byte aligned in a memory bank), a GIC with a maintenance
 * interrupt: an arm,gic-v3 node with GICD and GICR frames, or else a GICv2 with GICD, GICC,
 * GICH and GICV, an arm,armv8-timer node with its
 * four PPIs. Optional: the console (con.uart.kind UART_NONE when none, never an error), psci
 * (conduit NONE when absent), fw_cfg (qemu,fw-cfg-mmio).
 */
int plat_parse(const void *fdt, struct platform *p, char *err, size_t err_size);

/*
 * As plat_parse, for a blob known to lie within buf_size bytes at fdt: a blob shorter than
 * its header or whose totalsize exceeds buf_size is an error (plat_parse trusts totalsize).
 * Use it where the bound is known (a file, or the 2 MiB the arm64 boot protocol allows).
 */
int plat_parse_buf(const void *fdt, size_t buf_size, struct platform *p, char *err,
		   size_t err_size);

/* Index of the cpu whose MPIDR affinity fields equal mpidr's, or -1. */
int plat_cpu_index(const struct platform *p, uint64_t mpidr);

#endif
