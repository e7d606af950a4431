/*
 * test_guest_dtb.c - host tests of hyp/plan/guest_dtb.c: the default configuration on QEMU virt's
 * own device trees (every node and property of the guest tree against the host's), two guests
 * splitting QEMU virt and host-gdtb.dts (each tree holds only its own devices; references
 * followed or dropped by guest_dtb.h's rule), QEMU's PCIe bridge (interrupt-map kept, msi-map
 * dropped), and bad inputs (every too-small output buffer, missing host nodes, RAM the root's
 * cells cannot hold). Every tree passes fdt_check_full and a checker that resolves every phandle
 * reference in it. Fixtures from $SKIFF_BUILD (else build): /tests/dtb (platform.mk,
 * guest_dtb.mk), /tests/config (config.mk), /dts. Writes nothing. Built with ASan/UBSan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/fixture.h"

#include <libfdt.h>

#include "hyp/plan/guest_dtb.h"
#include "hyp/emul/vconsole.h"

#define SKIFF_BASE 0x40200000ull
#define SKIFF_END 0x40400000ull
#define OUT_SIZE (1u << 20)
#define INITRD_START 0x48000000ull
#define INITRD_END 0x48123456ull
#define BOOTARGS "console=ttyAMA0 earlycon"
#define DOORBELL_SIZE 0x1000ull
#define NR_VIRTIO 32
#define VIRTIO_BASE 0xa000000ull
#define VIRTIO_SIZE 0x200ull
#define MAX_PATHS 256
#define PATH_LEN 256

#define DEFAULT_CONFIG "dts/qemu-virt"
#define HOST_GDTB "tests/config/host-gdtb"

/* What a test expects beside what every guest tree has: nodes a reference brings in, and the
 * properties of the guest's devices that are left out of the copy. */
struct expect {
	const char *const *extra_nodes; /* NULL-terminated */
	const char *const *dropped;	/* NULL-terminated "path:property" */
	bool console;			/* stdout-path */
};

static struct config cfg;
static struct platform plat;
static struct ledger ledger;
static struct assignment asg[CONFIG_MAX_GUESTS];
static struct blob host;
static uint8_t *out;
static char err[CONFIG_ERR_MAX];
static const struct guest_dtb_extra extra = { BOOTARGS, INITRD_START, INITRD_END };
static char paths[MAX_PATHS][PATH_LEN];
static unsigned int nr_paths;

static void load(const char *name, struct blob *b)
{
	const char *dir = getenv("SKIFF_BUILD");
	char path[768];

	snprintf(path, sizeof(path), "%s/%s.dtb", dir && *dir ? dir : "build", name);
	fixture_read(path, "run make unit, or set SKIFF_BUILD", b);
}

static int setup(void **state)
{
	(void)state;
	out = malloc(OUT_SIZE);
	return out ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(host.data);
	host.data = NULL;
	free(out);
	out = NULL;
	return 0;
}

static void load_host(const char *host_name)
{
	free(host.data);
	load(host_name, &host);
	if (plat_parse_buf(host.data, host.size, &plat, err, sizeof(err)))
		fail_msg("%s: %s", host_name, err);
}

/* Parse config, load the host and assign: asg[] for each guest. */
static void assign(const char *config, const char *host_name)
{
	struct blob c;

	load(config, &c);
	if (config_parse(c.data, c.size, &cfg, err, sizeof(err)))
		fail_msg("%s: %s", config, err);
	free(c.data);
	load_host(host_name);
	ledger_init(&ledger);
	if (assign_guests(host.data, &plat, &cfg, SKIFF_BASE, SKIFF_END, &ledger, asg, NULL, err,
			  sizeof(err)))
		fail_msg("%s on %s: %s", config, host_name, err);
}

/* ---- the phandle checker: every reference in a tree names a node of that tree ---- */

static const char *const plain_refs[] = {
	"interrupt-parent",   "next-level-cache",
	"memory-region",      "operating-points-v2",
	"nvmem-cells",	      "sram",
	"phy-handle",	      "remote-endpoint",
	"interrupt-affinity", "cpu",
	"cpu-idle-states",    NULL,
};

static const char *const args_refs[][2] = {
	{ "clocks", "#clock-cells" },
	{ "assigned-clocks", "#clock-cells" },
	{ "assigned-clock-parents", "#clock-cells" },
	{ "resets", "#reset-cells" },
	{ "power-domains", "#power-domain-cells" },
	{ "phys", "#phy-cells" },
	{ "dmas", "#dma-cells" },
	{ "iommus", "#iommu-cells" },
	{ "interrupts-extended", "#interrupt-cells" },
	{ "msi-parent", "#msi-cells" },
	{ "pwms", "#pwm-cells" },
	{ "mboxes", "#mbox-cells" },
	{ "io-channels", "#io-channel-cells" },
	{ "gpios", "#gpio-cells" },
	{ "gpio", "#gpio-cells" },
	{ NULL, NULL },
};

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static uint32_t cells_of(const void *fdt, int node, const char *name, bool required,
			 const char *where)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p && required)
		fail_msg("%s names a node without %s", where, name);
	return p ? fdt32_to_cpu(*p) : 0;
}

/* Check every reference property of node; the number of phandles it holds. */
static unsigned int check_node_refs(const void *fdt, int node)
{
	unsigned int count = 0;
	char path[PATH_LEN], where[PATH_LEN + 64];
	int off;

	assert_int_equal(fdt_get_path(fdt, node, path, sizeof(path)), 0);
	fdt_for_each_property_offset(off, fdt, node)
	{
		const char *name, *cells = NULL;
		int len, i;
		const fdt32_t *v = fdt_getprop_by_offset(fdt, off, &name, &len);
		uint32_t pre = 0, post = 0, pos, n;
		bool ref = false, imap = false;

		for (i = 0; plain_refs[i]; i++)
			ref |= !strcmp(name, plain_refs[i]);
		for (i = 0; args_refs[i][0]; i++)
			if (!strcmp(name, args_refs[i][0])) {
				ref = true;
				cells = args_refs[i][1];
			}
		if (has_suffix(name, "-gpios") || has_suffix(name, "-gpio")) {
			ref = true;
			cells = "#gpio-cells";
		}
		ref |= has_suffix(name, "-supply") ||
		       (!strncmp(name, "pinctrl-", 8) && name[8] >= '0' && name[8] <= '9');
		if (!strcmp(name, "gpio-ranges")) {
			ref = true;
			post = 3;
		}
		if (!strcmp(name, "msi-map") || !strcmp(name, "iommu-map")) {
			ref = true;
			pre = 1;
			post = 2;
		}
		if (!strcmp(name, "interrupt-map")) {
			ref = imap = true;
			pre = cells_of(fdt, node, "#address-cells", false, path) +
			      cells_of(fdt, node, "#interrupt-cells", true, path);
		}
		if (!ref)
			continue;
		snprintf(where, sizeof(where), "%s:%s", path, name);
		if (len % 4)
			fail_msg("%s is %d bytes", where, len);
		n = (uint32_t)len / 4;
		for (pos = 0; pos < n;) {
			uint32_t ph;
			int target;

			pos += pre;
			if (pos >= n)
				fail_msg("%s: entry cut short", where);
			ph = fdt32_to_cpu(v[pos++]);
			if (!ph)
				continue;
			target = fdt_node_offset_by_phandle(fdt, ph);
			if (target < 0)
				fail_msg("%s: phandle 0x%x names no node of the guest tree", where,
					 ph);
			count++;
			if (imap)
				pos += cells_of(fdt, target, "#address-cells", false, where) +
				       cells_of(fdt, target, "#interrupt-cells", true, where);
			else if (cells)
				pos += cells_of(fdt, target, cells, true, where);
			pos += post;
			if (pos > n)
				fail_msg("%s: entry cut short", where);
		}
	}
	return count;
}

/* Every reference resolves and phandles are unique; the number of phandles referenced. */
static unsigned int check_refs(const void *fdt)
{
	uint32_t seen[MAX_PATHS];
	unsigned int count = 0, nr_seen = 0, i;
	int node, depth = 0;

	for (node = 0; node >= 0 && depth >= 0; node = fdt_next_node(fdt, node, &depth)) {
		uint32_t ph = fdt_get_phandle(fdt, node);

		count += check_node_refs(fdt, node);
		if (!ph)
			continue;
		for (i = 0; i < nr_seen; i++)
			assert_int_not_equal(seen[i], ph);
		assert_true(nr_seen < MAX_PATHS);
		seen[nr_seen++] = ph;
	}
	return count;
}

/* ---- comparing with the host ---- */

static bool in_list(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* Whether "path:prop" is in the test's list of dropped properties. */
static bool dropped(const struct expect *e, const char *path, const char *prop)
{
	char key[PATH_LEN + 64];

	snprintf(key, sizeof(key), "%s:%s", path, prop);
	return e && in_list(e->dropped, key);
}

static int out_node(const char *path)
{
	int n = fdt_path_offset(out, path);

	if (n < 0)
		fail_msg("guest tree has no %s", path);
	return n;
}

static int host_node(const char *path)
{
	int n = fdt_path_offset(host.data, path);

	if (n < 0)
		fail_msg("host tree has no %s", path);
	return n;
}

static void assert_no_node(const char *path)
{
	if (fdt_path_offset(out, path) >= 0)
		fail_msg("guest tree has %s", path);
}

static void assert_prop(int node, const char *name, const void *val, int len)
{
	int l;
	const void *v = fdt_getprop(out, node, name, &l);

	if (!v)
		fail_msg("no %s in guest node at %d", name, node);
	assert_int_equal(l, len);
	assert_memory_equal(v, val, (size_t)len);
}

static void assert_str(int node, const char *name, const char *s)
{
	assert_prop(node, name, s, (int)strlen(s) + 1);
}

static void assert_no_prop(int node, const char *name)
{
	if (fdt_getprop(out, node, name, NULL))
		fail_msg("guest node at %d has %s", node, name);
}

static unsigned int nr_props(const void *fdt, int node)
{
	unsigned int n = 0;
	int off;

	fdt_for_each_property_offset(off, fdt, node) n++;
	return n;
}

/*
 * Guest node on has host node hn's properties, same values, except those in skip (absent) and
 * those the test lists as dropped; and no other property but those in add.
 */
static void assert_props_as_host(int on, int hn, const char *const *skip, const char *const *add,
				 const struct expect *e)
{
	char path[PATH_LEN];
	int off;

	assert_int_equal(fdt_get_path(host.data, hn, path, sizeof(path)), 0);
	fdt_for_each_property_offset(off, host.data, hn)
	{
		const char *name;
		int len, olen;
		const void *v = fdt_getprop_by_offset(host.data, off, &name, &len);
		const void *ov = fdt_getprop(out, on, name, &olen);

		if (in_list(skip, name) || dropped(e, path, name)) {
			if (ov && !in_list(add, name))
				fail_msg("%s: %s should be left out", path, name);
			continue;
		}
		if (!ov)
			fail_msg("%s: %s is missing", path, name);
		if (in_list(add, name))
			continue;
		assert_int_equal(olen, len);
		assert_memory_equal(ov, v, (size_t)len);
	}
	fdt_for_each_property_offset(off, out, on)
	{
		const char *name;

		fdt_getprop_by_offset(out, off, &name, NULL);
		if (!in_list(add, name) && !fdt_getprop(host.data, hn, name, NULL))
			fail_msg("%s: %s is not the host's", path, name);
	}
}

/* Guest node on is host node hn with all its subnodes (but the properties dropped). */
static void assert_subtree_as_host(int on, int hn, const struct expect *e)
{
	int oc, hc;

	assert_props_as_host(on, hn, NULL, NULL, e);
	oc = fdt_first_subnode(out, on);
	fdt_for_each_subnode(hc, host.data, hn)
	{
		assert_true(oc >= 0);
		assert_string_equal(fdt_get_name(out, oc, NULL), fdt_get_name(host.data, hc, NULL));
		assert_subtree_as_host(oc, hc, e);
		oc = fdt_next_subnode(out, oc);
	}
	assert_true(oc < 0);
}

static void add_path(const char *p)
{
	unsigned int i;

	for (i = 0; i < nr_paths; i++)
		if (!strcmp(paths[i], p))
			return;
	assert_true(nr_paths < MAX_PATHS);
	snprintf(paths[nr_paths++], PATH_LEN, "%s", p);
}

/* Host node hn and its subtree, and the nodes above it, are expected in the guest tree. */
static void expect_subtree(int hn, bool above)
{
	char p[PATH_LEN];
	int depth = 0, n = hn;

	do {
		assert_int_equal(fdt_get_path(host.data, n, p, sizeof(p)), 0);
		add_path(p);
		n = fdt_next_node(host.data, n, &depth);
	} while (n >= 0 && depth > 0);
	for (n = hn; above && n > 0; n = fdt_parent_offset(host.data, n)) {
		assert_int_equal(fdt_get_path(host.data, n, p, sizeof(p)), 0);
		add_path(p);
	}
}

/* The guest tree has exactly the expected nodes. */
static void assert_node_set(void)
{
	unsigned int count = 0, i;
	int node, depth = 0;

	for (node = 0; node >= 0 && depth >= 0; node = fdt_next_node(out, node, &depth)) {
		char p[PATH_LEN];
		bool known = false;

		assert_int_equal(fdt_get_path(out, node, p, sizeof(p)), 0);
		for (i = 0; i < nr_paths; i++)
			known |= !strcmp(paths[i], p);
		if (!known)
			fail_msg("guest tree has %s, not expected", p);
		count++;
	}
	for (i = 0; i < nr_paths; i++)
		out_node(paths[i]);
	assert_int_equal(count, nr_paths);
}

static void put_cells(fdt32_t *c, uint64_t v)
{
	c[0] = cpu_to_fdt32((uint32_t)(v >> 32));
	c[1] = cpu_to_fdt32((uint32_t)v);
}

static void build(const struct assignment *a, const struct guest_dtb_extra *x)
{
	memset(out, 0x5a, OUT_SIZE);
	if (guest_dtb_build(host.data, out, OUT_SIZE, a, x, err, sizeof(err)))
		fail_msg("guest_dtb_build: %s", err);
	assert_true(fdt_totalsize(out) <= OUT_SIZE);
	assert_int_equal(fdt_check_full(out, fdt_totalsize(out)), 0);
}

/*
 * Check guest g's tree (just built with x) against the host: root, chosen, aliases, memory,
 * psci, cpus, GIC, timer, doorbell, devices; exactly those nodes, the nodes above them, and
 * e's extra nodes. The number of phandles its references hold.
 */
static unsigned int check_tree(unsigned int g, const struct guest_dtb_extra *x,
			       const struct expect *e)
{
	static const char *const root_props[] = { "compatible", "model", "#address-cells",
						  "#size-cells", NULL };
	static const char *const gic_skip[] = { "interrupts", "ranges", NULL };
	static const char *const enable[] = { "enable-method", NULL };
	static const char *const cpu_skip[] = { "enable-method", "cpu-idle-states",
						"cpu-release-addr", NULL };
	static const char psci[] = "arm,psci-1.0\0arm,psci-0.2";
	const struct assignment *a = &asg[g];
	int gic = fdt_node_offset_by_compatible(host.data, -1, "arm,gic-v3");
	int timer = fdt_node_offset_by_compatible(host.data, -1, "arm,armv8-timer");
	int hn, on, len, i, hchosen = fdt_path_offset(host.data, "/chosen");
	uint32_t u32;
	fdt32_t reg[ASSIGN_MAX_MEM * 4];
	char p[PATH_LEN];
	unsigned int d, c, n;
	const void *v;

	nr_paths = 0;
	add_path("/");
	add_path("/chosen");
	add_path("/psci");
	add_path("/hypervisor");
	assert_str(out_node("/hypervisor"), "compatible", "skiff,hypervisor");
	assert_int_equal(nr_props(out, out_node("/hypervisor")), 1);

	/* root */
	for (i = 0; root_props[i]; i++) {
		v = fdt_getprop(host.data, 0, root_props[i], &len);
		if (v)
			assert_prop(0, root_props[i], v, len);
	}
	u32 = cpu_to_fdt32(fdt_get_phandle(host.data, gic));
	assert_prop(0, "interrupt-parent", &u32, 4);
	n = 1;
	for (i = 0; root_props[i]; i++)
		n += fdt_getprop(host.data, 0, root_props[i], NULL) != NULL;
	assert_int_equal(nr_props(out, 0), n);

	/* chosen */
	on = out_node("/chosen");
	n = 0;
	if (x->bootargs && *x->bootargs) {
		assert_str(on, "bootargs", x->bootargs);
		n++;
	} else {
		assert_no_prop(on, "bootargs");
	}
	if (x->initrd_start) {
		fdt64_t q = cpu_to_fdt64(x->initrd_start);

		assert_prop(on, "linux,initrd-start", &q, 8);
		q = cpu_to_fdt64(x->initrd_end);
		assert_prop(on, "linux,initrd-end", &q, 8);
		n += 2;
	}
	v = fdt_getprop(host.data, hchosen, "stdout-path", &len);
	assert_int_equal(a->console_uart, e->console);
	if (e->console) {
		assert_non_null(v);
		assert_prop(on, "stdout-path", v, len);
		n++;
	} else if (a->vconsole_base) { /* no UART of its own: skiff's virtual console */
		snprintf(p, sizeof(p), "/vconsole@%llx", (unsigned long long)a->vconsole_base);
		assert_str(on, "stdout-path", p);
		n++;
	} else {
		assert_no_prop(on, "stdout-path");
	}
	for (i = 0; i < 2; i++) {
		const char *name = i ? "rng-seed" : "kaslr-seed";

		v = fdt_getprop(host.data, hchosen, name, &len);
		if (v) {
			assert_prop(on, name, v, len);
			n++;
		}
	}
	assert_int_equal(nr_props(out, on), n);

	/* memory */
	snprintf(p, sizeof(p), "/memory@%llx", (unsigned long long)a->mem[0].base);
	add_path(p);
	on = out_node(p);
	assert_str(on, "device_type", "memory");
	assert_true(a->nr_mem > 0 && a->nr_mem <= ASSIGN_MAX_MEM);
	for (d = 0; d < a->nr_mem; d++) {
		put_cells(&reg[d * 4], a->mem[d].base);
		put_cells(&reg[d * 4 + 2], a->mem[d].size);
	}
	assert_prop(on, "reg", reg, (int)(a->nr_mem * 16));
	assert_int_equal(nr_props(out, on), 2);

	/* psci */
	on = out_node("/psci");
	assert_prop(on, "compatible", psci, sizeof(psci));
	assert_str(on, "method", "hvc");
	assert_int_equal(nr_props(out, on), 2);

	/* cpus: one per vCPU, in vCPU order, the host's but for enable-method */
	hn = host_node("/cpus");
	on = out_node("/cpus");
	add_path("/cpus");
	assert_props_as_host(on, hn, NULL, NULL, e);
	c = 0;
	for (n = 0, on = fdt_first_subnode(out, on); on >= 0; on = fdt_next_subnode(out, on)) {
		const char *type = fdt_getprop(out, on, "device_type", NULL);
		const fdt32_t *r = fdt_getprop(out, on, "reg", &len);
		int h;

		if (!type || strcmp(type, "cpu"))
			continue;
		assert_true(c < a->nr_cpus);
		assert_non_null(r);
		assert_int_equal(len, 4);
		assert_int_equal(fdt32_to_cpu(*r), a->cpu_mpidr[c]);
		assert_str(on, "enable-method", "psci");
		assert_int_equal(fdt_get_path(out, on, p, sizeof(p)), 0);
		h = host_node(p);
		assert_props_as_host(on, h, cpu_skip, enable, e);
		expect_subtree(h, false);
		c++;
	}
	assert_int_equal(c, a->nr_cpus);

	/* the GIC, without its maintenance interrupt, ranges and ITS; the timer */
	assert_int_equal(fdt_get_path(host.data, gic, p, sizeof(p)), 0);
	add_path(p);
	on = out_node(p);
	assert_props_as_host(on, gic, gic_skip, NULL, e);
	assert_int_equal(fdt_first_subnode(out, on), -FDT_ERR_NOTFOUND);
	assert_true(fdt_node_offset_by_compatible(out, -1, "arm,gic-v3-its") < 0);
	assert_int_equal(fdt_get_path(host.data, timer, p, sizeof(p)), 0);
	expect_subtree(timer, true);
	assert_subtree_as_host(out_node(p), timer, e);

	/* skiff's doorbell */
	if (a->doorbell_base) {
		fdt32_t db[4], irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(a->doorbell_intid - 32),
					  cpu_to_fdt32(4) };

		snprintf(p, sizeof(p), "/doorbell@%llx", (unsigned long long)a->doorbell_base);
		add_path(p);
		on = out_node(p);
		put_cells(&db[0], a->doorbell_base);
		put_cells(&db[2], DOORBELL_SIZE);
		assert_str(on, "compatible", "skiff,doorbell");
		assert_prop(on, "reg", db, sizeof(db));
		assert_prop(on, "interrupts", irq, sizeof(irq));
		assert_int_equal(nr_props(out, on), 3);
	}

	/* skiff's virtual console: a register page, no interrupt */
	if (a->vconsole_base) {
		fdt32_t r[4];

		snprintf(p, sizeof(p), "/vconsole@%llx", (unsigned long long)a->vconsole_base);
		add_path(p);
		on = out_node(p);
		put_cells(&r[0], a->vconsole_base);
		put_cells(&r[2], VCONSOLE_SIZE);
		assert_str(on, "compatible", "skiff,vconsole");
		assert_prop(on, "reg", r, sizeof(r));
		assert_int_equal(nr_props(out, on), 2);
	}

	/* the guest's devices, whole, at their host paths, with the nodes above them */
	for (d = 0; d < a->nr_devices; d++) {
		if (a->dev[d].node < 0)
			continue;
		assert_int_equal(fdt_get_path(host.data, a->dev[d].node, p, sizeof(p)), 0);
		expect_subtree(a->dev[d].node, true);
		assert_subtree_as_host(out_node(p), a->dev[d].node, e);
	}
	for (i = 0; e->extra_nodes && e->extra_nodes[i]; i++)
		add_path(e->extra_nodes[i]);
	if (fdt_path_offset(host.data, "/aliases") >= 0)
		add_path("/aliases");
	assert_node_set();
	return check_refs(out);
}

/* ---- the default configuration on QEMU virt ---- */

static const char *const qemu_extra[] = { "/apb-pclk", NULL };

static void check_default(const char *host_name, bool keys)
{
	const struct assignment *a = &asg[0];
	const struct expect e = { qemu_extra, NULL, true };
	unsigned int refs, i;
	char p[64];

	assign(DEFAULT_CONFIG, host_name);
	build(a, &extra);
	refs = check_tree(0, &extra, &e);
	/* clocks of the PL011 (2), PL031, PL061; interrupt-parent of root; gpio-keys' gpios */
	assert_int_equal(refs, 4 + 1 + keys);
	assert_subtree_as_host(out_node("/apb-pclk"), host_node("/apb-pclk"), &e);

	/* exactly the default configuration's devices */
	out_node("/pl011@9000000");
	out_node("/pl031@9010000");
	out_node("/pl061@9030000");
	for (i = 0; i < NR_VIRTIO; i++) {
		snprintf(p, sizeof(p), "/virtio_mmio@%llx",
			 (unsigned long long)(VIRTIO_BASE + i * VIRTIO_SIZE));
		out_node(p);
	}
	if (keys)
		out_node("/gpio-keys/poweroff");
	else
		assert_no_node("/gpio-keys");
	out_node("/doorbell@b000000");
	assert_no_node("/fw-cfg@9020000");
	assert_no_node("/flash@0");
	assert_no_node("/pcie@10000000");
	assert_no_node("/platform-bus@c000000");
	assert_no_node("/pmu");
	assert_no_node("/intc@8000000/its@8080000");
	assert_no_node("/cpus/cpu-map");
	assert_no_node("/pl011@9040000"); /* secure=on's secure UART */
	assert_no_node("/reserved-memory");
	assert_no_node("/aliases");
	assert_no_prop(out_node("/intc@8000000"), "interrupts");
	assert_no_prop(out_node("/intc@8000000"), "ranges");
}

/* On a GICv2 host the guest's GIC is the host's node (its compatible, phandle, cells) with reg
 * GICD, one 4 KiB page skiff emulates, and GICC, the two pages where skiff maps the hardware's
 * GICV: no GICH or GICV, no maintenance interrupt, no v2m MSI frame. */
static void test_gicv2(void **state)
{
	const fdt32_t reg[] = { cpu_to_fdt32(0), cpu_to_fdt32(0x8000000),
				cpu_to_fdt32(0), cpu_to_fdt32(0x1000),
				cpu_to_fdt32(0), cpu_to_fdt32(0x8010000),
				cpu_to_fdt32(0), cpu_to_fdt32(0x2000) };
	const void *v;
	int gic, len;

	(void)state;
	assign(DEFAULT_CONFIG, "tests/dtb/qemu-gicv2");
	assert_int_equal(asg[0].gic_version, 2);
	build(&asg[0], &extra);
	gic = out_node("/intc@8000000");
	v = fdt_getprop(out, gic, "reg", &len);
	assert_non_null(v);
	assert_int_equal(len, sizeof(reg));
	assert_memory_equal(v, reg, sizeof(reg));
	v = fdt_getprop(out, gic, "compatible", &len);
	assert_non_null(v);
	assert_string_equal(v, "arm,cortex-a15-gic");
	assert_non_null(fdt_getprop(out, gic, "interrupt-controller", NULL));
	assert_int_equal(fdt_get_phandle(out, gic),
			 fdt_get_phandle(host.data, host_node("/intc@8000000")));
	assert_no_prop(gic, "interrupts");
	assert_no_node("/intc@8000000/v2m@8020000");
	out_node("/pl011@9000000");
}

static void test_default_smp1(void **state)
{
	(void)state;
	check_default("tests/dtb/qemu-smp1", true);
}

static void test_default_smp2(void **state)
{
	(void)state;
	check_default("tests/dtb/qemu-smp2", true);
}

static void test_default_smp4(void **state)
{
	(void)state;
	check_default("tests/dtb/qemu-smp4", true);
	assert_int_equal(asg[0].nr_cpus, 4);
}

static void test_default_smp12(void **state)
{
	(void)state;
	check_default("tests/dtb/qemu-smp12", true);
	assert_int_equal(asg[0].nr_cpus, PLAT_MAX_CPUS);
}

static void test_default_a53_512m(void **state)
{
	(void)state;
	check_default("tests/dtb/qemu-a53-512M", true);
	assert_string_equal(fdt_getprop(out, out_node("/cpus/cpu@1"), "compatible", NULL),
			    "arm,cortex-a53");
}

static void test_default_max_3g(void **state)
{
	(void)state;
	check_default("tests/dtb/qemu-max-3G", true);
	assert_int_equal(asg[0].mem[1].base + asg[0].mem[1].size, 0x100000000ull);
}

static void test_default_acpioff(void **state)
{
	(void)state;
	check_default("tests/dtb/qemu-acpioff", true);
}

static void test_default_secure(void **state)
{
	(void)state;
	check_default("tests/dtb/qemu-secure", true);
	out_node("/memory@40000000");
}

/* No bootargs, no initrd: /chosen has only what the host gives. */
static void test_default_bare(void **state)
{
	static const struct guest_dtb_extra bare = { "", 0, 0 };
	const struct expect e = { qemu_extra, NULL, true };

	(void)state;
	assign(DEFAULT_CONFIG, "tests/dtb/qemu-smp2");
	build(&asg[0], &bare);
	check_tree(0, &bare, &e);
	build(&asg[0], &(const struct guest_dtb_extra){ NULL, 0, 0 });
	check_tree(0, &bare, &e);
}

/*
 * A board's reserved memory: the region without no-map inside the guest's RAM is reserved in
 * its tree, in the root's cells; TF-A's no-map region (outside its RAM) and the host's own
 * /reserved-memory nodes are not there. The built-in default gives the guest the console.
 */
static void test_reserved_memory(void **state)
{
	fdt32_t reg[4], two = cpu_to_fdt32(2);
	int rm;

	(void)state;
	put_cells(reg, 0x7f000000);
	put_cells(reg + 2, 0x100000);
	assign("tests/config/asg-multiboot", "tests/config/host-boot");
	build(&asg[0], &extra);
	rm = out_node("/reserved-memory");
	assert_prop(rm, "#address-cells", &two, sizeof(two));
	assert_prop(rm, "#size-cells", &two, sizeof(two));
	assert_prop(rm, "ranges", NULL, 0);
	assert_prop(out_node("/reserved-memory/region@7f000000"), "reg", reg, sizeof(reg));
	assert_int_equal(fdt_first_subnode(out, out_node("/reserved-memory/region@7f000000")),
			 -FDT_ERR_NOTFOUND);
	assert_no_node("/reserved-memory/tfa@7e000000");
	assert_no_node("/reserved-memory/ramoops@7f000000");
	assert_no_node("/reserved-memory/region@7e000000");

	/* no reserved memory: no node */
	assign("dts/default", "tests/dtb/qemu-smp2");
	build(&asg[0], &extra);
	assert_no_node("/reserved-memory");
	assert_true(asg[0].console_uart);
	out_node("/pl011@9000000");
}

/*
 * devices = "all" (tests/config/asg-all.dts on host-all.dts): guest@0's tree has exactly its
 * devices (the bus above them as a container, the sub-block of the device given whole), none
 * of those it left out and none of guest@1's; guest@1's has only its own.
 */
static void test_devices_all(void **state)
{
	const struct expect e0 = { NULL, NULL, true }, e1 = { NULL, NULL, false };
	static const char *const never[] = {
		"/overlap@8000000", "/pcie@1e000000",  "/pmu", "/ppi-dev", "/many@1d002000",
		"/regulator",	    "/fw-cfg@9020000", NULL
	};
	unsigned int i;

	(void)state;
	assign("tests/config/asg-all", "tests/config/host-all");
	build(&asg[0], &extra);
	check_tree(0, &extra, &e0);
	out_node("/bus@1c000000/gpio@2000");
	out_node("/bus@1c000000/button@1000");
	out_node("/bus@1c000000/eth@10000/mdio@f00");
	assert_no_node("/bus@1c000000/off@3000");
	assert_no_node("/bus@1c000000/sensor@4000");
	assert_no_node("/gpio@1d000000");
	assert_no_node("/rtc@1d001000");
	for (i = 0; never[i]; i++)
		assert_no_node(never[i]);

	build(&asg[1], &extra);
	check_tree(1, &extra, &e1);
	out_node("/gpio@1d000000");
	out_node("/rtc@1d001000");
	assert_no_node("/bus@1c000000");
	assert_no_node("/pl011@9000000");
	for (i = 0; never[i]; i++)
		assert_no_node(never[i]);
}

/* The same inputs give the same bytes, in a buffer of exactly the tree's size too. */
static void test_deterministic(void **state)
{
	uint8_t *copy, *exact;
	uint32_t size;

	(void)state;
	assign(DEFAULT_CONFIG, "tests/dtb/qemu-smp4");
	build(&asg[0], &extra);
	size = fdt_totalsize(out);
	copy = malloc(size);
	assert_non_null(copy);
	memcpy(copy, out, size);
	build(&asg[0], &extra);
	assert_int_equal(fdt_totalsize(out), size);
	assert_memory_equal(out, copy, size);
	exact = malloc(size);
	assert_non_null(exact);
	assert_int_equal(guest_dtb_build(host.data, exact, size, &asg[0], &extra, err, sizeof(err)),
			 0);
	assert_memory_equal(exact, copy, size);
	free(exact);
	free(copy);
}

/* ---- two guests: each tree holds only its own devices ---- */

static void test_two_guests_qemu(void **state)
{
	const struct expect e0 = { qemu_extra, NULL, true }, e1 = { qemu_extra, NULL, false };
	unsigned int i;
	char p[64];

	(void)state;
	assign("tests/config/asg-two-guests", "tests/dtb/qemu-smp4");
	build(&asg[0], &extra);
	check_tree(0, &extra, &e0);
	out_node("/pl011@9000000");
	assert_no_node("/pl031@9010000");
	assert_no_node("/pl061@9030000");
	assert_no_node("/gpio-keys");
	for (i = 0; i < 16; i++) {
		snprintf(p, sizeof(p), "/virtio_mmio@%llx",
			 (unsigned long long)(VIRTIO_BASE + i * VIRTIO_SIZE));
		assert_int_equal(fdt_path_offset(out, p) >= 0, i < 8);
	}
	out_node("/cpus/cpu@0");
	out_node("/cpus/cpu@1");
	assert_no_node("/cpus/cpu@2");
	out_node("/memory@60000000");

	build(&asg[1], &extra);
	check_tree(1, &extra, &e1);
	assert_no_node("/pl011@9000000");
	out_node("/pl031@9010000");
	for (i = 0; i < 16; i++) {
		snprintf(p, sizeof(p), "/virtio_mmio@%llx",
			 (unsigned long long)(VIRTIO_BASE + i * VIRTIO_SIZE));
		assert_int_equal(fdt_path_offset(out, p) >= 0, i >= 8);
	}
	assert_no_node("/cpus/cpu@0");
	out_node("/cpus/cpu@2");
	out_node("/cpus/cpu@3");
	assert_no_prop(out_node("/chosen"), "stdout-path");
	assert_int_not_equal(asg[0].doorbell_base, asg[1].doorbell_base);
}

static void assert_build_fails(const struct assignment *a, int ret, const char *msg)
{
	assert_int_equal(guest_dtb_build(host.data, out, OUT_SIZE, a, &extra, err, sizeof(err)),
			 ret);
	assert_string_equal(err, msg);
}

/* A disabled GIC, cpu and timer node ahead of the enabled ones: the guest gets the ones skiff
 * took (tests/config/host-disabled-first.dts). */
static void test_disabled_first(void **state)
{
	int n;

	(void)state;
	assign("tests/config/minimal", "tests/config/host-disabled-first");
	build(&asg[0], &extra);
	out_node("/intc@8000000");
	assert_no_node("/intc@7000000");
	n = out_node("/");
	assert_int_equal(
		fdt_get_phandle(out, out_node("/intc@8000000")),
		fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(out, n, "interrupt-parent", NULL)));
	out_node("/cpus/cpu@0");
	out_node("/cpus/cpu@1");
	assert_no_node("/cpus/cpu-off@0");
	out_node("/timer");
	assert_no_node("/timer-off");
}

/* Host trees of shapes nobody writes on purpose, found by tests/fuzz's guest_dtb target: a
 * reference to the root's phandle is left out (the root's phandle is not copied); an owned
 * node inside another CPU's node, or named like a node skiff writes, stops the build with a
 * message rather than bring the container along or leave a reference dangling. */
static void test_odd_shapes(void **state)
{
	(void)state;
	assign("tests/config/asg-odd-clocked", "tests/config/host-odd-shapes");
	build(&asg[0], &extra);
	assert_no_prop(out_node("/clocked@1d300000"), "clocks");
	assert_no_node("/box@1d100000");

	assign("tests/config/asg-cpu0", "tests/config/host-timer-in-cpu");
	assert_build_fails(&asg[0], -FDT_ERR_BADSTRUCTURE,
			   "guest device tree: the timer: /cpus/cpu@1 is a CPU node not the "
			   "guest's: FDT_ERR_BADSTRUCTURE");
	assign("tests/config/asg-cpu1", "tests/config/host-timer-in-cpu");
	build(&asg[0], &extra);
	out_node("/cpus/cpu@1/timer");
	assert_no_node("/cpus/cpu@0");

	assign("tests/config/minimal", "tests/config/host-gic-generated-name");
	assert_build_fails(&asg[0], -FDT_ERR_BADSTRUCTURE,
			   "guest device tree: the GIC: /reserved-memory@8000000 is named like a "
			   "node skiff writes: FDT_ERR_BADSTRUCTURE");
}

/* A vCPU's cpu node, a node a property of it names and the timer are copied with their caches,
 * idle states and graph ports, and without the nodes in them that describe the host's own: a
 * device, a memory node, another CPU (tests/config/host-cpu-children.dts); the reference to the
 * device left out goes too. */
static void test_cpu_children(void **state)
{
	static const char *const kept[] = {
		"/cpus/cpu@0/l2-cache", "/cpus/cpu@0/thermal-idle",  "/cpus/cpu@0/ports/port@0",
		"/opp-table",		"/opp-table/opp-1000000000", NULL,
	};
	static const char *const gone[] = {
		"/cpus/cpu@0/uart@1d300000",
		"/cpus/cpu@0/uart@1d300000/memory@40000000",
		"/cpus/cpu@0/memory@60000000",
		"/cpus/cpu@0/cpu@1",
		"/cpus/cpu@1",
		"/opp-table/sram@1d400000",
		"/timer/box/memory@40000000",
		"/timer/box/sram@1d500000",
		NULL,
	};
	const char *const *p;
	int cpu;

	(void)state;
	assign("tests/config/asg-cpu0", "tests/config/host-cpu-children");
	build(&asg[0], &extra);
	for (p = kept; *p; p++)
		out_node(*p);
	for (p = gone; *p; p++)
		assert_no_node(*p);
	cpu = out_node("/cpus/cpu@0");
	assert_non_null(fdt_getprop(out, cpu, "next-level-cache", NULL));
	assert_non_null(fdt_getprop(out, cpu, "operating-points-v2", NULL));
	assert_no_prop(cpu, "sram");
}

/* ---- references on host-gdtb.dts ---- */

static void test_refs_guest0(void **state)
{
	static const char *const extra_nodes[] = {
		"/cpus/l2-cache0",
		"/opp-table",
		"/opp-table/opp-1000000000",
		"/osc24m",
		"/regulators",
		"/regulators/regulator@0",
		"/regulators/regulator@1",
		"/msi-frame",
		"/aliases",
		NULL,
	};
	static const char *const dropped_props[] = {
		"/soc/uart@90000:pinctrl-0",	 /* the pin controller has reg: nobody's */
		"/soc/uart@90000:memory-region", /* reserved memory */
		"/soc/dma@c0000:msi-parent",	 /* the ITS */
		"/soc/dma@c0000:memory-region",	 /* a reserved-memory pool (no reg) */
		"/soc/nic@d0000:msi-parent",
		"/soc/gpio@a0000:gpio-ranges",	  /* the pin controller */
		"/broken@1d200000:clocks",	  /* phandle 0xdead names no node */
		"/broken@1d200000:resets",	  /* one argument of #reset-cells = <2> */
		"/broken@1d200000:power-domains", /* no #power-domain-cells */
		"/cpus/cpu@0:clocks",		  /* the CPU clock controller */
		NULL,
	};
	const struct expect e = { extra_nodes, dropped_props, true };
	int n;

	(void)state;
	assign("tests/config/gdtb-two", HOST_GDTB);
	build(&asg[0], &extra);
	/* uart: clocks 2, vdd-supply, dmas 2; vdd's vin-supply; nic's phy-handle; the phy's
	 * reset-gpios; keys; broken's interrupts-extended, assigned-clocks; cpu's
	 * next-level-cache, operating-points-v2; root and soc interrupt-parent; gpio0's clocks;
	 * nic's msi-map (2 entries) */
	assert_int_equal(check_tree(0, &extra, &e), 2 + 1 + 2 + 1 + 1 + 1 + 1 + 2 + 2 + 2 + 1 + 2);

	/* added by reference, whole, the regulator without its gpio (guest@1's controller) */
	assert_subtree_as_host(out_node("/osc24m"), host_node("/osc24m"), &e);
	assert_subtree_as_host(out_node("/opp-table"), host_node("/opp-table"), &e);
	assert_subtree_as_host(out_node("/cpus/l2-cache0"), host_node("/cpus/l2-cache0"), &e);
	assert_props_as_host(out_node("/regulators"), host_node("/regulators"), NULL, NULL, &e);
	assert_props_as_host(out_node("/regulators/regulator@0"),
			     host_node("/regulators/regulator@0"),
			     (const char *const[]){ "gpio", NULL }, NULL, &e);
	assert_props_as_host(out_node("/regulators/regulator@1"),
			     host_node("/regulators/regulator@1"), NULL, NULL, &e);
	assert_props_as_host(out_node("/soc"), host_node("/soc"), NULL, NULL, &e);

	/* what nobody's devices and the rule keep out */
	assert_no_node("/soc/pinctrl@10000");
	assert_no_node("/soc/other@e0000");
	assert_no_node("/soc/gpio@b0000");
	assert_no_node("/soc/led@f0000");
	assert_no_node("/reset-controller");
	assert_no_node("/clock-controller@1c000000");
	assert_no_node("/reserved-memory");
	assert_no_node("/cpus/idle-states");
	assert_no_node("/cpus/cpu-map");
	assert_no_node("/cpus/cpu@1");
	assert_no_node("/intc@8000000/its@8080000");
	assert_no_prop(out_node("/cpus/cpu@0"), "cpu-idle-states");

	/* the host's bootargs are not the guest's; aliases of its nodes only */
	assert_str(out_node("/chosen"), "bootargs", BOOTARGS);
	n = out_node("/aliases");
	assert_str(n, "serial0", "/pl011@9000000");
	assert_str(n, "serial1", "/soc/uart@90000");
	assert_str(n, "gpio0", "/soc/gpio@a0000");
	assert_int_equal(nr_props(out, n), 3);
	assert_int_equal(fdt_path_offset(out, "serial1"), out_node("/soc/uart@90000"));
}

static void test_refs_guest1(void **state)
{
	static const char *const extra_nodes[] = {
		"/cpus/l2-cache0", "/opp-table", "/opp-table/opp-1000000000", "/osc24m", "/pinmux",
		"/aliases",	   NULL,
	};
	static const char *const dropped_props[] = {
		"/soc/led@f0000:gpios", /* its first GPIO is on guest@0's controller */
		"/cpus/cpu@1:clocks",
		NULL,
	};
	const struct expect e = { extra_nodes, dropped_props, false };
	int n;

	(void)state;
	assign("tests/config/gdtb-two", HOST_GDTB);
	build(&asg[1], &extra);
	/* gpio1's and led's clocks; next-level-cache, operating-points-v2; root and soc
	 * interrupt-parent; gpio1's gpio-ranges (2 entries) */
	assert_int_equal(check_tree(1, &extra, &e), 2 + 2 + 2 + 2);
	assert_props_as_host(out_node("/soc"), host_node("/soc"), NULL, NULL, &e);
	assert_no_node("/soc/uart@90000");
	assert_no_node("/soc/gpio@a0000");
	assert_no_node("/pl011@9000000");
	assert_no_node("/keys");
	assert_no_node("/regulators");
	assert_no_node("/cpus/cpu@0");
	assert_no_node("/doorbell@b000000");
	assert_int_equal(asg[1].vconsole_base, 0xb001000); /* after guest@0's doorbell */
	out_node("/vconsole@b001000");
	out_node("/memory@60000000");
	n = out_node("/aliases");
	assert_str(n, "gpio1", "/soc/gpio@b0000");
	assert_int_equal(nr_props(out, n), 1);
}

/* A host device naming a phandle no node has: that property only is dropped. */
static void test_missing_phandle(void **state)
{
	int n;

	(void)state;
	assign("tests/config/gdtb-two", HOST_GDTB);
	build(&asg[0], &extra);
	n = out_node("/broken@1d200000");
	assert_no_prop(n, "clocks");
	assert_non_null(fdt_getprop(out, n, "interrupts-extended", NULL));
	assert_non_null(fdt_getprop(out, n, "assigned-clocks", NULL));
	assert_str(n, "compatible", "test,broken");
}

/* QEMU's PCIe bridge: interrupt-map to the GIC kept, msi-map to the ITS dropped. */
static void test_pcie(void **state)
{
	static const char *const dropped_props[] = { "/pcie@10000000:msi-map", NULL };
	const struct expect e = { NULL, dropped_props, false };
	int n, len;
	const void *v;

	(void)state;
	assign("tests/config/gdtb-pcie", "tests/dtb/qemu-smp2");
	build(&asg[0], &extra);
	/* interrupt-map: 16 entries to the GIC; root's interrupt-parent */
	assert_int_equal(check_tree(0, &extra, &e), 16 + 1);
	n = out_node("/pcie@10000000");
	assert_no_prop(n, "msi-map");
	v = fdt_getprop(host.data, host_node("/pcie@10000000"), "interrupt-map", &len);
	assert_prop(n, "interrupt-map", v, len);
}

/* ---- bad inputs ---- */

/* Every buffer smaller than the tree: an error naming the step, never a write past it. */
static void test_small_buffers(void **state)
{
	static const char *const steps[] = {
		"guest device tree: header: FDT_ERR_NOSPACE",
		"guest device tree: /: FDT_ERR_NOSPACE",
		"guest device tree: chosen: FDT_ERR_NOSPACE",
		"guest device tree: memory: FDT_ERR_NOSPACE",
		"guest device tree: psci: FDT_ERR_NOSPACE",
		"guest device tree: doorbell: FDT_ERR_NOSPACE",
		"guest device tree: /cpus: FDT_ERR_NOSPACE",
		"guest device tree: /cpus/cpu@0: FDT_ERR_NOSPACE",
		"guest device tree: /intc@8000000: FDT_ERR_NOSPACE",
		"guest device tree: /pl011@9000000: FDT_ERR_NOSPACE",
		"guest device tree: /gpio-keys/poweroff: FDT_ERR_NOSPACE",
		"guest device tree: /virtio_mmio@a003e00: FDT_ERR_NOSPACE",
	};
	bool seen[sizeof(steps) / sizeof(steps[0])] = { false };
	uint32_t size, n;
	unsigned int i;

	(void)state;
	assign(DEFAULT_CONFIG, "tests/dtb/qemu-smp2");
	build(&asg[0], &extra);
	size = fdt_totalsize(out);
	for (n = 0; n < size; n++) {
		uint8_t *buf = malloc(n ? n : 1);

		assert_non_null(buf);
		err[0] = '\0';
		assert_int_equal(
			guest_dtb_build(host.data, buf, n, &asg[0], &extra, err, sizeof(err)),
			-FDT_ERR_NOSPACE);
		if (strncmp(err, "guest device tree: ", 19) || !strstr(err, ": FDT_ERR_NOSPACE"))
			fail_msg("size %u: \"%s\"", n, err);
		for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
			seen[i] |= !strcmp(err, steps[i]);
		free(buf);
	}
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (!seen[i])
			fail_msg("never saw \"%s\"", steps[i]);
}

/* One vCPU (MPIDR 0, /cpus/cpu@0) and 1 GiB at 0x40000000, nothing else; the host's first GIC
 * and timer nodes, -1 where it has none. */
static void minimal(struct assignment *a)
{
	memset(a, 0, sizeof(*a));
	a->gic_node = fdt_node_offset_by_compatible(host.data, -1, "arm,gic-v3");
	a->timer_node = fdt_node_offset_by_compatible(host.data, -1, "arm,armv8-timer");
	a->cpu_node[0] = fdt_path_offset(host.data, "/cpus/cpu@0");
	a->nr_cpus = 1;
	a->nr_mem = 1;
	a->mem[0].base = 0x40000000;
	a->mem[0].size = 0x40000000;
}

static void test_bad_inputs(void **state)
{
	struct assignment a;

	(void)state;
	load_host("tests/dtb/good");
	minimal(&a);
	build(&a, &extra);
	out_node("/cpus/cpu@0");

	a.cpu_node[0] = a.gic_node; /* not a node under /cpus */
	assert_build_fails(&a, -FDT_ERR_NOTFOUND, "guest device tree: /cpus: FDT_ERR_NOTFOUND");
	minimal(&a);
	a.nr_mem = 0;
	assert_build_fails(&a, -FDT_ERR_BADVALUE, "guest device tree: memory: FDT_ERR_BADVALUE");

	/* a host cpu reg with bits outside the affinity fields: the guest's is its MPIDR */
	load_host("tests/dtb/cpu-reg2");
	minimal(&a);
	a.cpu_node[0] = fdt_path_offset(host.data, "/cpus/cpu@c1000201");
	a.cpu_mpidr[0] = 0x201;
	build(&a, &extra);
	{
		const fdt32_t *r = fdt_getprop(out, out_node("/cpus/cpu@c1000201"), "reg", NULL);

		assert_non_null(r);
		assert_int_equal(fdt32_to_cpu(r[0]), 0);
		assert_int_equal(fdt32_to_cpu(r[1]), 0x201);
	}

	load_host("tests/dtb/root-size1");
	minimal(&a);
	build(&a, &extra);
	a.mem[0].size = 0x100000000ull;
	assert_build_fails(&a, -FDT_ERR_BADVALUE, "guest device tree: memory: FDT_ERR_BADVALUE");

	/* hosts plat_parse refuses, guest_dtb_build is not fooled by */
	free(host.data);
	load("tests/dtb/no-timer", &host);
	minimal(&a);
	assert_build_fails(&a, -FDT_ERR_NOTFOUND,
			   "guest device tree: the timer (arm,armv8-timer): FDT_ERR_NOTFOUND");

	free(host.data);
	load("tests/dtb/qemu-gicv2", &host);
	minimal(&a);
	assert_build_fails(&a, -FDT_ERR_NOTFOUND, "guest device tree: the GIC: FDT_ERR_NOTFOUND");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gicv2),	       cmocka_unit_test(test_default_smp1),
		cmocka_unit_test(test_default_smp2),   cmocka_unit_test(test_default_smp4),
		cmocka_unit_test(test_default_smp12),  cmocka_unit_test(test_default_a53_512m),
		cmocka_unit_test(test_default_max_3g), cmocka_unit_test(test_default_acpioff),
		cmocka_unit_test(test_default_secure), cmocka_unit_test(test_default_bare),
		cmocka_unit_test(test_deterministic),  cmocka_unit_test(test_two_guests_qemu),
		cmocka_unit_test(test_disabled_first), cmocka_unit_test(test_odd_shapes),
		cmocka_unit_test(test_cpu_children),   cmocka_unit_test(test_refs_guest0),
		cmocka_unit_test(test_refs_guest1),    cmocka_unit_test(test_missing_phandle),
		cmocka_unit_test(test_pcie),	       cmocka_unit_test(test_small_buffers),
		cmocka_unit_test(test_bad_inputs),     cmocka_unit_test(test_reserved_memory),
		cmocka_unit_test(test_devices_all),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
