/*
 * test_dma.c - host unit tests for hyp/plan/dma.c: which device-tree nodes skiff takes as able to
 * master DMA (what its own properties say first, then its compatible strings against the two
 * lists, and anything unknown with registers taken as a master). Builds its trees in memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hyp/plan/dma.h"

#define TREE_SIZE 8192

static char tree[TREE_SIZE];

/* A node named name with a compatible list (strings separated by '\0', ending "\0\0"), reg if
 * has_reg, and one more empty property (or none). */
static void node(const char *name, const char *compat, size_t compat_len, bool has_reg,
		 const char *extra)
{
	static const fdt32_t reg[2] = { 0, 0 };

	assert_int_equal(fdt_begin_node(tree, name), 0);
	if (compat)
		assert_int_equal(fdt_property(tree, "compatible", compat, (int)compat_len), 0);
	if (has_reg)
		assert_int_equal(fdt_property(tree, "reg", reg, sizeof(reg)), 0);
	if (extra)
		assert_int_equal(fdt_property(tree, extra, NULL, 0), 0);
	assert_int_equal(fdt_end_node(tree), 0);
}

#define NODE(name, compat, reg, extra) node(name, compat, sizeof(compat), reg, extra)

static int setup(void **state)
{
	(void)state;
	assert_int_equal(fdt_create(tree, TREE_SIZE), 0);
	assert_int_equal(fdt_finish_reservemap(tree), 0);
	assert_int_equal(fdt_begin_node(tree, ""), 0);
	NODE("uart", "arm,pl011\0arm,primecell", true, NULL);
	NODE("uart8250", "snps,dw-apb-uart", true, NULL);
	NODE("ns16550", "vendor,x\0ns16550a", true, NULL);
	NODE("virtio", "virtio,mmio", true, NULL);
	NODE("unknown", "vendor,widget", true, NULL);
	NODE("behind-iommu", "vendor,widget", true, "iommus");
	NODE("dma-engine", "vendor,widget", true, "#dma-cells");
	NODE("coherent", "vendor,widget", true, "dma-coherent");
	NODE("keys", "gpio-keys", false, NULL);
	NODE("noreg", "vendor,widget", false, NULL);
	NODE("usb", "vendor,x\0snps,dwc3", true, NULL);
	NODE("eth", "vendor,gmac-4.10", true, NULL);
	NODE("geni", "qcom,geni-debug-uart", true, NULL); /* a UART, but with its own DMA */
	node("bare", NULL, 0, true, NULL);
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_finish(tree), 0);
	return 0;
}

static void expect(const char *path, enum dma_kind kind, int iommu)
{
	int n = fdt_path_offset(tree, path), got_iommu = -1;

	assert_true(n > 0);
	if (dma_kind_of(tree, n, &got_iommu) != kind)
		fail_msg("%s: kind %d, expected %d", path, dma_kind_of(tree, n, &got_iommu), kind);
	assert_int_equal(got_iommu, iommu);
}

static void test_kinds(void **state)
{
	(void)state;
	expect("/uart", DMA_NONE, 0);
	expect("/uart8250", DMA_NONE, 0);
	expect("/ns16550", DMA_NONE, 0);
	expect("/virtio", DMA_MASTER, 0);
	expect("/unknown", DMA_UNKNOWN, 0);
	expect("/behind-iommu", DMA_MASTER, 1);
	expect("/dma-engine", DMA_MASTER, 0);
	expect("/coherent", DMA_MASTER, 0);
	expect("/keys", DMA_NONE, 0);
	expect("/noreg", DMA_NONE, 0);
	expect("/usb", DMA_MASTER, 0);
	expect("/eth", DMA_MASTER, 0);
	expect("/geni", DMA_MASTER, 0);
	expect("/bare", DMA_UNKNOWN, 0);
	assert_string_equal(dma_kind_name(DMA_MASTER), "masters DMA");
	assert_string_equal(dma_kind_name(DMA_NONE), "no DMA");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests_name("dma", tests, setup, NULL);
}
