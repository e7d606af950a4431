/*
 * modules.c - reads the multiboot module nodes under one /chosen node (hyp/plan/modules.h):
 * which is the kernel, which the ramdisk, where each lies. Reads the blob only.
 */
#include <libfdt.h>
#include <stdarg.h>

#include "hyp/plan/fdt_props.h"
#include "hyp/plan/fdt_struct.h"
#include "hyp/plan/modules.h"
#include "lib/printf.h"

#define PROP_REG "reg"
#define PROP_BOOTARGS "bootargs"
#define PROP_ADDRESS_CELLS "#address-cells"
#define PROP_SIZE_CELLS "#size-cells"
#define DT_DEFAULT_ADDRESS_CELLS 2 /* DT spec 2.3.5 */
#define DT_DEFAULT_SIZE_CELLS 1
#define CELL_BYTES 4u
#define PATH_LEN 128

static int __attribute__((format(printf, 5, 6)))
mod_fail(const void *fdt, int node, char *err, size_t err_size, const char *fmt, ...)
{
	char path[PATH_LEN];
	va_list ap;

	if (fdt_get_path(fdt, node, path, sizeof(path)) < 0)
		fmt_snprintf(path, sizeof(path), "(node at offset %d)", node);
	va_start(ap, fmt);
	fmt_message(err, err_size, path, fmt, ap);
	va_end(ap);
	return -1;
}

static uint32_t cells_of(const void *fdt, int node, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	return v && len == (int)CELL_BYTES ? fdt32_ld(v) : dflt;
}

/* A module's one <address size> in parent's cells. */
static int module_reg(const void *fdt, int parent, int node, struct plat_range *r, char *err,
		      size_t err_size)
{
	uint32_t ac = cells_of(fdt, parent, PROP_ADDRESS_CELLS, DT_DEFAULT_ADDRESS_CELLS);
	uint32_t sc = cells_of(fdt, parent, PROP_SIZE_CELLS, DT_DEFAULT_SIZE_CELLS);
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, PROP_REG, &len);

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return mod_fail(fdt, parent, err, err_size,
				"#address-cells %u / #size-cells %u: not 1 or 2", ac, sc);
	if (!v || len != (int)((ac + sc) * CELL_BYTES))
		return mod_fail(fdt, node, err, err_size,
				"reg is not one <address size> (%u + %u cells)", ac, sc);
	r->base = fdt_cells_read(v, ac);
	r->size = fdt_cells_read(v + ac, sc);
	if (!r->size || r->base + (r->size - 1) < r->base)
		return mod_fail(fdt, node, err, err_size, "module 0x%llx+0x%llx is empty or wraps",
				(unsigned long long)r->base, (unsigned long long)r->size);
	return 0;
}

int modules_find(const void *fdt, int parent, struct boot_modules *m, char *err, size_t err_size)
{
	bool kernel = false, ramdisk = false;
	int node;

	m->kernel.base = m->kernel.size = 0;
	m->ramdisk.base = m->ramdisk.size = 0;
	m->bootargs = NULL;
	fdt_for_each_subnode(node, fdt, parent)
	{
		bool is_kernel = !fdt_node_check_compatible(fdt, node, MODULES_COMPAT_KERNEL);
		bool is_ramdisk =
			!is_kernel && !fdt_node_check_compatible(fdt, node, MODULES_COMPAT_RAMDISK);
		int len;
		const char *args;

		if (!is_kernel && !is_ramdisk)
			continue;
		if ((is_kernel && kernel) || (is_ramdisk && ramdisk))
			return mod_fail(fdt, node, err, err_size, "a second %s module",
					is_kernel ? "kernel" : "ramdisk");
		if (module_reg(fdt, parent, node, is_kernel ? &m->kernel : &m->ramdisk, err,
			       err_size))
			return -1;
		kernel |= is_kernel;
		ramdisk |= is_ramdisk;
		if (!is_kernel)
			continue;
		args = fdt_getprop(fdt, node, PROP_BOOTARGS, &len);
		if (args && !fdt_prop_is_string(args, len))
			return mod_fail(fdt, node, err, err_size, "bootargs is not a string");
		m->bootargs = args;
	}
	if (node != -FDT_ERR_NOTFOUND)
		return mod_fail(fdt, parent, err, err_size, "subnodes: %s",
				fdt_struct_strerror(node));
	if (ramdisk && !kernel)
		return mod_fail(fdt, parent, err, err_size,
				"a ramdisk module but no kernel module");
	return kernel ? 1 : 0;
}
