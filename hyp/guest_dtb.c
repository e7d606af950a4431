/*
 * guest_dtb.c - derives a guest's device tree from the host's with libfdt: replaces the
 * memory nodes with the guest's RAM, drops CPUs the guest does not have, points PSCI at
 * HVC, sets bootargs, removes the fw_cfg node skiff keeps, adds skiff's doorbell device.
 * Writes only into the output buffer.
 */
#include "hyp/guest_dtb.h"
#include "hyp/printf.h"

#include <libfdt.h>
#include <string.h>

#define DT_ROOT_ADDR_CELLS_DEFAULT 2
#define DT_ROOT_SIZE_CELLS_DEFAULT 1
#define GIC_SPI 0
#define IRQ_TYPE_LEVEL_HIGH 4

static int cells(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	return (p && len == 4) ? (int)fdt32_to_cpu(*p) : dflt;
}

static int put_cells(uint8_t *buf, int ncells, uint64_t val)
{
	fdt32_t c;

	if (ncells == 2) {
		c = cpu_to_fdt32((uint32_t)(val >> 32));
		memcpy(buf, &c, 4);
		buf += 4;
	}
	c = cpu_to_fdt32((uint32_t)val);
	memcpy(buf, &c, 4);
	return ncells * 4;
}

static int delete_by_prop(void *fdt, const char *prop, const char *val)
{
	for (;;) {
		int ret, node = fdt_node_offset_by_prop_value(fdt, -1, prop, val,
							      (int)strlen(val) + 1);

		if (node == -FDT_ERR_NOTFOUND)
			return 0;
		if (node < 0)
			return node;
		ret = fdt_del_node(fdt, node);
		if (ret)
			return ret;
	}
}

static int set_memory(void *fdt, const struct vm *vm)
{
	int ac = cells(fdt, 0, "#address-cells", DT_ROOT_ADDR_CELLS_DEFAULT);
	int sc = cells(fdt, 0, "#size-cells", DT_ROOT_SIZE_CELLS_DEFAULT);
	uint8_t reg[VM_MAX_RAM * 16];
	char name[32];
	unsigned int i;
	int len = 0, node, ret;

	ret = delete_by_prop(fdt, "device_type", "memory");
	if (ret)
		return ret;
	for (i = 0; i < vm->nr_ram; i++) {
		len += put_cells(reg + len, ac, vm->ram[i].base);
		len += put_cells(reg + len, sc, vm->ram[i].size);
	}
	fmt_snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)vm->ram[0].base);
	node = fdt_add_subnode(fdt, 0, name);
	if (node < 0)
		return node;
	ret = fdt_setprop_string(fdt, node, "device_type", "memory");
	return ret ? ret : fdt_setprop(fdt, node, "reg", reg, len);
}

static bool vm_has_mpidr(const struct vm *vm, uint64_t mpidr)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].mpidr == mpidr)
			return true;
	return false;
}

static uint64_t cpu_reg(const void *fdt, int cpus, int node)
{
	int ac = cells(fdt, cpus, "#address-cells", 1), len;
	const fdt32_t *p = fdt_getprop(fdt, node, "reg", &len);

	if (!p || len < ac * 4)
		return ~0ull;
	return ac == 2 ? ((uint64_t)fdt32_to_cpu(p[0]) << 32) | fdt32_to_cpu(p[1])
		       : fdt32_to_cpu(p[0]);
}

/* Drop cpu nodes for CPUs the guest does not get (restart after each delete: offsets move). */
static int trim_cpus(void *fdt, const struct vm *vm)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, ret;

	if (cpus < 0)
		return cpus;
restart:
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (!type || strcmp(type, "cpu"))
			continue;
		if (!vm_has_mpidr(vm, cpu_reg(fdt, cpus, node))) {
			ret = fdt_del_node(fdt, node);
			if (ret)
				return ret;
			goto restart;
		}
	}
	return 0;
}

static int set_psci(void *fdt)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");

	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-1.0");
	if (node < 0) {
		node = fdt_add_subnode(fdt, 0, "psci");
		if (node < 0)
			return node;
	}
	if (fdt_setprop(fdt, node, "compatible", compat, sizeof(compat)))
		return -FDT_ERR_NOSPACE;
	return fdt_setprop_string(fdt, node, "method", "hvc");
}

static int set_chosen(void *fdt, const struct guest_dtb_extra *x)
{
	int node = fdt_path_offset(fdt, "/chosen"), ret = 0;

	if (node < 0)
		node = fdt_add_subnode(fdt, 0, "chosen");
	if (node < 0)
		return node;
	if (x->bootargs && *x->bootargs)
		ret = fdt_setprop_string(fdt, node, "bootargs", x->bootargs);
	if (!ret && x->initrd_start)
		ret = fdt_setprop_u64(fdt, node, "linux,initrd-start", x->initrd_start);
	if (!ret && x->initrd_start)
		ret = fdt_setprop_u64(fdt, node, "linux,initrd-end", x->initrd_end);
	return ret;
}

static int add_doorbell(void *fdt, const struct guest_dtb_extra *x)
{
	uint32_t irq[3] = { cpu_to_fdt32(GIC_SPI), cpu_to_fdt32(x->doorbell_spi),
			    cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH) };
	uint8_t reg[16];
	char name[32];
	int node, ac = cells(fdt, 0, "#address-cells", DT_ROOT_ADDR_CELLS_DEFAULT);
	int sc = cells(fdt, 0, "#size-cells", DT_ROOT_SIZE_CELLS_DEFAULT), len = 0;

	if (!x->doorbell_base)
		return 0;
	fmt_snprintf(name, sizeof(name), "doorbell@%llx", (unsigned long long)x->doorbell_base);
	node = fdt_add_subnode(fdt, 0, name);
	if (node < 0)
		return node;
	len += put_cells(reg, ac, x->doorbell_base);
	len += put_cells(reg + len, sc, 0x1000);
	if (fdt_setprop_string(fdt, node, "compatible", "skiff,doorbell") ||
	    fdt_setprop(fdt, node, "reg", reg, len))
		return -FDT_ERR_NOSPACE;
	return fdt_setprop(fdt, node, "interrupts", irq, sizeof(irq));
}

int guest_dtb_build(const void *host_fdt, void *out, size_t out_size, const struct vm *vm,
		    const struct guest_dtb_extra *extra, char *err, size_t err_size)
{
	const char *step = "copying the host tree";
	int ret = fdt_open_into(host_fdt, out, (int)out_size);

	if (!ret) {
		step = "memory";
		ret = set_memory(out, vm);
	}
	if (!ret) {
		step = "cpus";
		ret = trim_cpus(out, vm);
	}
	if (!ret) {
		step = "psci";
		ret = set_psci(out);
	}
	if (!ret) {
		step = "chosen";
		ret = set_chosen(out, extra);
	}
	if (!ret) {
		step = "fw_cfg";
		ret = delete_by_prop(out, "compatible", "qemu,fw-cfg-mmio");
	}
	if (!ret) {
		step = "doorbell";
		ret = add_doorbell(out, extra);
	}
	if (!ret)
		ret = fdt_pack(out);
	if (ret)
		fmt_snprintf(err, err_size, "guest device tree: %s: %s", step, fdt_strerror(ret));
	return ret;
}
