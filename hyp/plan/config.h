/*
 * config.h - skiff's configuration: which guests exist and what each gets (CPUs, RAM,
 * devices by host device-tree path, per-interrupt modes, command line, kernel source).
 * A configuration is a device tree (binding: dts/README.md); config_parse() reads it with
 * libfdt into struct config and checks its own consistency. Checking it against a host
 * platform is hyp/plan/assign.c's job. Plain C: the same code runs in tools/skiff-check.
 */
#ifndef SKIFF_HYP_CONFIG_H
#define SKIFF_HYP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irq/mode.h"

#define CONFIG_MAX_GUESTS 4
#define CONFIG_MAX_CPUS 8
#define CONFIG_MAX_MEM 4
#define CONFIG_MAX_DEVICES 48
#define CONFIG_MAX_DEV_IRQS IRQ_MAX_DEV_LINES
#define CONFIG_PATH_MAX 128
#define CONFIG_NAME_MAX 32
#define CONFIG_BOOTARGS_MAX 1024
#define CONFIG_ERR_MAX 256
#define CONFIG_MAX_CHANNELS 4

enum irq_trigger {
	IRQ_TRIGGER_DT, /* as the host device tree says */
	IRQ_TRIGGER_LEVEL,
	IRQ_TRIGGER_EDGE,
};

enum image_source {
	IMAGE_NONE,
	IMAGE_FW_CFG,	 /* QEMU's -kernel / -initrd */
	IMAGE_MEMORY,	 /* already in RAM at addr, size bytes (put there by a boot loader) */
	IMAGE_MULTIBOOT, /* in RAM, named by multiboot modules in /chosen (hyp/plan/modules.h) */
	IMAGE_AUTO,	 /* multiboot modules when /chosen has them, else fw_cfg */
};

struct config_image {
	enum image_source source;
	uint64_t addr;
	uint64_t size;
};

/* A device's path that names the host's console: the node /chosen/stdout-path names. */
#define CONFIG_DEVICE_STDOUT "stdout-path"

struct config_device {
	char name[CONFIG_NAME_MAX]; /* the config node's name, for messages */
	char path[CONFIG_PATH_MAX]; /* host device-tree path, or CONFIG_DEVICE_STDOUT */
	unsigned int nr_modes;	    /* interrupt-modes entries given; the rest default to hw */
	enum irq_mode mode[CONFIG_MAX_DEV_IRQS];
	unsigned int nr_triggers;
	enum irq_trigger trigger[CONFIG_MAX_DEV_IRQS];
	bool optional;	  /* skip it (not an error) when the host has no node at path */
	bool whole_pages; /* the guest gets the whole 4 KiB pages its registers sit in */
};

struct config_range {
	uint64_t base;
	uint64_t size;
};

/* A guest's execution state at EL1 (arch); absent: from its kernel image (a zImage is AArch32) */
enum config_arch {
	CONFIG_ARCH_AUTO,
	CONFIG_ARCH_AARCH64,
	CONFIG_ARCH_AARCH32,
	CONFIG_ARCH_AARCH32_THUMB, /* AArch32, entered in Thumb state */
};

struct config_guest {
	char name[CONFIG_NAME_MAX]; /* "guest@0" */
	bool all_cpus;		    /* no cpus property: every CPU skiff has */
	unsigned int nr_cpus;
	uint64_t cpu_mpidr[CONFIG_MAX_CPUS]; /* affinity values, as the host /cpus reg */
	bool all_memory;		     /* no memory property: all RAM but skiff's */
	unsigned int nr_mem;
	struct config_range mem[CONFIG_MAX_MEM];
	char bootargs[CONFIG_BOOTARGS_MAX]; /* "" when absent (fw_cfg's -append is used) */
	bool has_bootargs;
	struct config_image kernel;
	struct config_image initrd;
	bool doorbell;		  /* give the guest skiff's doorbell test device */
	bool vconsole;		  /* give the guest skiff's virtual console (hyp/emul/vconsole.c) */
	bool all_devices;	  /* devices = "all": every host device nobody else has, as well */
	unsigned int gic_version; /* gic-version: 2 or 3, which must be the host's; 0 absent */
	unsigned int arch;	  /* enum config_arch: arch = "aarch64", "aarch32", ... */
	unsigned int nr_devices;
	struct config_device device[CONFIG_MAX_DEVICES];
};

/* channel@N: shared memory between two guests, with a doorbell each way (docs/channel.md). */
struct config_channel {
	char name[CONFIG_NAME_MAX]; /* "channel@0" */
	unsigned int guest[2];	    /* the two guests, indices into config.guest[]: ends 0 and 1 */
	struct config_range mem;    /* host-physical, mapped at the same address in both */
};

struct config {
	bool stats_at_exit;	   /* print the counters when a guest powers off */
	bool test_controls;	   /* the guest may flip test-only switches through HVC */
	bool oneshot_no_deferral;  /* test-only: release the oneshot mask at EOI, as KVM */
	bool pmu_el2_counting;	   /* test-only: guests may count at EL2 (make bench) */
	bool gicv2_hw_lrs_on_qemu; /* test-only: HW=1 LRs on QEMU's GICv2 (make bench) */
	bool stage2_4k_pages; /* guest RAM mapped page by page at stage 2 (QEMU: docs/config.md) */
	struct config_range device_window; /* IPA window for skiff's devices; size 0: none */
	struct config_range spi_window;	   /* SPI numbers (INTID - 32) for them; size 0: none */
	bool device_window_auto;	   /* "auto": hyp/plan/assign.c picks free ones */
	bool spi_window_auto;
	unsigned int nr_guests;
	struct config_guest guest[CONFIG_MAX_GUESTS];
	unsigned int nr_channels;
	struct config_channel channel[CONFIG_MAX_CHANNELS];
};

/*
 * Parse the configuration blob. 0, or -1 with err naming the node and property at fault
 * ("guest@0/uart: interrupt-modes: \"fast\" is not hw, eoi or oneshot").
 */
int config_parse(const void *fdt, size_t size, struct config *cfg, char *err, size_t err_size);

const char *irq_mode_name(enum irq_mode m);

#endif
