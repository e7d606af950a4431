/*
 * assign.h - applies a parsed configuration to the host platform: which CPUs, RAM, MMIO
 * pages and SPIs each guest gets, every one claimed in the ownership ledger so that nothing
 * is given twice and nothing skiff needs is given away. Plain C over libfdt: the same code
 * runs in the hypervisor and in tools/skiff-check.
 */
#ifndef SKIFF_HYP_ASSIGN_H
#define SKIFF_HYP_ASSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hyp/plan/config.h"
#include "hyp/plan/dma.h"
#include "hyp/plan/ledger.h"
#include "hyp/plan/platform.h"

/*
 * Limits of one guest, sized for devices = "all" on real boards: of the 152 GICv3 boards in
 * Linux 6.1's arm64 trees that skiff-check takes, the most (RK3399 Chromebooks) have 87
 * devices with 92 reg entries, 70 ranges to map and 49 SPIs. Each struct assignment is static.
 */
#define ASSIGN_MAX_MEM 12      /* RAM ranges of one guest ("all RAM" can come in pieces) */
#define ASSIGN_MAX_DEVICES 256 /* its configured devices, then those devices = "all" adds */
#define ASSIGN_MAX_REGS 256    /* reg entries of a guest's devices, as the host DT gives them */
#define ASSIGN_MAX_MMIO 192    /* page ranges to map into a guest's stage 2 */
#define ASSIGN_MAX_SPIS 192    /* passed-through SPIs of one guest */
/* devices with SPIs in all guests together: a struct passthrough each (528 bytes, vm.c) */
#define ASSIGN_MAX_IRQ_DEVICES 128
#define ASSIGN_DOORBELL_SIZE 0x1000ull	 /* hyp/emul/doorbell.h's DOORBELL_SIZE */
#define ASSIGN_VCONSOLE_SIZE 0x1000ull	 /* hyp/emul/vconsole.h's VCONSOLE_SIZE */
#define ASSIGN_CHANNEL_DB_SIZE 0x1000ull /* hyp/emul/channel.h's CHANNEL_DB_SIZE */

/* One end of a channel@N (docs/channel.md), as the guest at that end sees it. */
struct assign_channel {
	uint8_t channel;       /* index into config.channel[] */
	uint8_t end;	       /* 0: the first guest its guests property names, 1: the second */
	uint8_t peer;	       /* the guest at the other end */
	uint32_t intid;	       /* this guest's doorbell SPI, which the peer raises */
	uint64_t db_base;      /* this guest's doorbell page (ASSIGN_CHANNEL_DB_SIZE bytes) */
	struct plat_range mem; /* the shared memory, IPA = PA, the same in both guests */
};

struct assign_spi {
	uint32_t intid;	    /* physical = virtual INTID (SPI number + 32) */
	enum irq_mode mode; /* from interrupt-modes; hw when not given */
	bool edge;	    /* edge-triggered (interrupt-triggers, else the host DT's flags) */
	uint16_t device;    /* index into assignment.dev[] (and config_guest.device[]) */
	uint8_t index;	    /* which interrupt of that device (0 for its first) */
};

struct assign_device {
	int node;	    /* host device-tree node offset (for the guest device tree) */
	enum dma_kind dma;  /* whether it can master DMA (hyp/plan/dma.h): no IOMMU stops it */
	bool iommu;	    /* its node names an IOMMU, which skiff does not program */
	uint8_t nr_spi;	    /* at most IRQ_MAX_DEV_LINES */
	uint16_t first_reg; /* its reg entries are reg[first_reg .. + nr_reg) */
	uint16_t nr_reg;
	uint16_t first_spi; /* its interrupts are spi[first_spi .. + nr_spi) */
};

struct assignment {
	unsigned int nr_cpus;
	uint64_t cpu_mpidr[PLAT_MAX_CPUS]; /* host MPIDRs (affinity fields), host DT order */
	int cpu_node[PLAT_MAX_CPUS];	   /* their host cpu nodes */
	int gic_node;			   /* the host's GIC and timer nodes, as plat_parse chose */
	unsigned int gic_version;	   /* the host's GIC: 3, or 2 (the guest's is the same) */
	int timer_node;
	unsigned int nr_mem;
	struct plat_range mem[ASSIGN_MAX_MEM]; /* guest RAM, IPA = PA, 4 KiB-aligned */
	/* reserved regions (not no-map) inside the guest's RAM, which its tree marks reserved */
	unsigned int nr_resv;
	struct plat_range resv[PLAT_MAX_RESV];
	unsigned int nr_devices;
	/* in config order (config_guest.device[]), then those devices = "all" adds */
	struct assign_device dev[ASSIGN_MAX_DEVICES];
	unsigned int nr_regs;
	struct plat_range reg[ASSIGN_MAX_REGS]; /* device MMIO as claimed (CPU addresses) */
	unsigned int nr_mmio;
	struct plat_range mmio[ASSIGN_MAX_MMIO]; /* to map, IPA = PA: page-rounded, sorted,
						    overlapping and adjacent pages merged */
	unsigned int nr_spis;
	struct assign_spi spi[ASSIGN_MAX_SPIS];
	bool console_uart;	/* the guest was given skiff's console UART: hand it over */
	uint64_t doorbell_base; /* skiff's doorbell (ASSIGN_DOORBELL_SIZE bytes); 0: none */
	uint32_t doorbell_intid;
	uint64_t vconsole_base; /* skiff's virtual console (ASSIGN_VCONSOLE_SIZE); 0: none */
	unsigned int nr_chan;	/* the channel ends it has, in config.channel[] order */
	struct assign_channel chan[CONFIG_MAX_CHANNELS];
	/* the windows those come from, as configured or as "auto" found them; size 0: none */
	struct config_range device_window;
	struct config_range spi_window; /* SPI numbers (INTID - 32) */
	/* where its kernel and initrd come from: the configuration's, with "multiboot" and "auto"
	 * resolved to IMAGE_MEMORY (the modules in /chosen) or IMAGE_FW_CFG */
	struct config_image kernel;
	struct config_image initrd;
	const char *module_bootargs; /* the kernel module's bootargs (in the host tree), or NULL */
	/* pages of the configured memory left out of the guest's RAM: the kernel and initrd a
	 * boot loader put there, kept as loaded for restarts (hyp/guests/guest_image.h) */
	unsigned int nr_kept;
	struct plat_range kept[2];
};

/* Told each device devices = "all" leaves out, and why: "guest@0/devices: /soc/its@1820000:
 * MMIO 0x1820000+0x10000 already assigned to skiff (the GIC)". */
typedef void assign_note_fn(const char *msg);

/*
 * Apply cfg (config_parse'd) to the host described by host_fdt and plat (plat_parse'd
 * from it). skiff's own memory is [skiff_base, skiff_end). l must be fresh (ledger_init);
 * it is filled with every claim and names guests by cfg's names, so it must not outlive cfg.
 * out has cfg->nr_guests entries. note (may be NULL) hears of the devices devices = "all"
 * leaves out. 0, or -1 with err naming the guest, config node, host node and resource
 * ("guest@0/uart: /pl011@9000000: no such node in the host device tree").
 */
int assign_guests(const void *host_fdt, const struct platform *plat, const struct config *cfg,
		  uint64_t skiff_base, uint64_t skiff_end, struct ledger *l, struct assignment *out,
		  assign_note_fn *note, char *err, size_t err_size);

/*
 * The stage-2 tables skiff needs beyond its static pool (STAGE2_POOL_TABLES) for cfg on plat:
 * 0, unless cfg asks for stage2-4k-pages; then enough to map all of plat's RAM page by page,
 * split among the guests as it may be.
 */
unsigned int assign_stage2_more_tables(const struct platform *plat, const struct config *cfg);
/*
 * Where they go: skiff keeps them as part of its own memory [*skiff_base, *skiff_end), right
 * after its image if the RAM range holding it has room there, else right before it; the range
 * grows by them. Returns how many (0: none, nothing changed) and their address in *tables.
 * Called before assign_guests() by hyp/guests/guests.c and tools/skiff_check.c alike, so that
 * both plan one layout; assign_guests() refuses a range that is then not inside one RAM range.
 */
unsigned int assign_stage2_place(const struct platform *plat, const struct config *cfg,
				 uint64_t *skiff_base, uint64_t *skiff_end, uint64_t *tables);

#endif
