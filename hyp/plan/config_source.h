/*
 * config_source.h - where skiff's configuration comes from, in order: the QEMU fw_cfg file
 * opt/skiff/config.dtb; a blob the boot loader's device tree points at with
 * /chosen/skiff,config = <addr-hi addr-lo size-hi size-lo>; the default linked into the
 * image (dts/qemu-virt.dts).
 */
#ifndef SKIFF_HYP_CONFIG_SOURCE_H
#define SKIFF_HYP_CONFIG_SOURCE_H

#include <stddef.h>

#include "drivers/fw_cfg.h"

#define CONFIG_FW_CFG_FILE "opt/skiff/config.dtb"
#define CONFIG_BLOB_MAX (64u << 10)

struct config_blob {
	const void *fdt;
	size_t size;
	const char *origin; /* for messages */
};

/* fc may be NULL (no fw_cfg). Stops boot with a message when a named source is unusable. */
struct config_blob config_source_find(struct fw_cfg *fc, const void *host_fdt);

#endif
