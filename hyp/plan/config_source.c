/*
 * config_source.c - picks the configuration blob: fw_cfg file, then /chosen/skiff,config in
 * the host device tree, then the embedded default. Copies a fw_cfg file into skiff's memory;
 * reads the others in place.
 */
#include "hyp/plan/config_source.h"
#include "lib/log.h"

#include <libfdt.h>

#define CHOSEN_CONFIG_PROP "skiff,config"

extern const char default_config_start[], default_config_end[];

static uint64_t config_buf[CONFIG_BLOB_MAX / sizeof(uint64_t)];

static bool from_fw_cfg(struct fw_cfg *fc, struct config_blob *out)
{
	struct fw_cfg_file f;

	if (!fc || fw_cfg_find(fc, CONFIG_FW_CFG_FILE, &f))
		return false;
	if (f.size > CONFIG_BLOB_MAX)
		fatal("config: fw_cfg %s is %u bytes, more than %u", CONFIG_FW_CFG_FILE, f.size,
		      CONFIG_BLOB_MAX);
	if (fw_cfg_read(fc, f.select, config_buf, f.size))
		fatal("config: cannot read fw_cfg %s", CONFIG_FW_CFG_FILE);
	out->fdt = config_buf;
	out->size = f.size;
	out->origin = "fw_cfg " CONFIG_FW_CFG_FILE;
	return true;
}

static uint64_t be64_at(const fdt32_t *p)
{
	return ((uint64_t)fdt32_to_cpu(p[0]) << 32) | fdt32_to_cpu(p[1]);
}

static bool from_chosen(const void *host_fdt, struct config_blob *out)
{
	int node = fdt_path_offset(host_fdt, "/chosen"), len;
	const fdt32_t *p;

	if (node < 0)
		return false;
	p = fdt_getprop(host_fdt, node, CHOSEN_CONFIG_PROP, &len);
	if (!p)
		return false;
	if (len != 16)
		fatal("config: /chosen/%s is %d bytes, not <addr(2 cells) size(2 cells)>",
		      CHOSEN_CONFIG_PROP, len);
	out->fdt = (const void *)(uintptr_t)be64_at(p);
	out->size = be64_at(p + 2);
	out->origin = "/chosen/" CHOSEN_CONFIG_PROP;
	return true;
}

struct config_blob config_source_find(struct fw_cfg *fc, const void *host_fdt)
{
	struct config_blob b;

	if (from_fw_cfg(fc, &b) || from_chosen(host_fdt, &b))
		return b;
	b.fdt = default_config_start;
	b.size = (size_t)((uintptr_t)default_config_end - (uintptr_t)default_config_start);
	b.origin = "built-in default";
	return b;
}
