/*
 * dma.c - judges from a device-tree node whether the device can master DMA (dma.h). Reads the
 * host device tree only. A node's own properties decide first (a DMA controller, DMA
 * coherency or translation, an IOMMU), then its compatible strings against two short lists;
 * what neither list names is taken as able to master DMA.
 */
#include "hyp/plan/dma.h"

#include <libfdt.h>
#include <string.h>

/* Substrings of compatible strings of devices that master DMA themselves. */
static const char *const masters[] = {
	"geni", /* Qualcomm's serial engines (UART, I2C, SPI) have DMA built in */
	"virtio", "ahci",    "sata", "sdhci", "mmc",	  "nvme",     "xhci", "ehci",
	"ohci",	  "dwc2",    "dwc3", "usb",   "gmac",	  "ethernet", "eqos", "fec",
	"macb",	  "stmmac",  "dma",  "pcie",  "pci-host", "gpu",      "mali", "vpu",
	"npu",	  "display", "hdmi", "nand",  "qspi",	  "crypto",
};

/* Substrings of compatible strings of devices that do not (a device with a "dmas" property
 * uses a separate DMA engine, which is the master). */
static const char *const non_masters[] = {
	"pl011",   "uart",	"serial",  "16550",   "8250", "pl031",	  "rtc",   "pl061",
	"gpio",	   "gpio-keys", "i2c",	   "pwm",     "wdt",  "watchdog", "timer", "syscon",
	"pinctrl", "clock",	"mailbox", "thermal", "adc",  "spi",	  "led",   "reset",
};

static bool has_prop(const void *fdt, int node, const char *name)
{
	return fdt_getprop(fdt, node, name, NULL) != NULL;
}

/* Whether word occurs in s. */
static bool contains(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++)
		if (!strncmp(s, word, n))
			return true;
	return false;
}

static bool compatible_matches(const void *fdt, int node, const char *const *list, unsigned int n)
{
	const char *c;
	int len;

	c = fdt_getprop(fdt, node, "compatible", &len);
	if (!c || len <= 0 || c[len - 1])
		return false;
	for (; len > 0; len -= (int)strlen(c) + 1, c += strlen(c) + 1) {
		unsigned int i;

		for (i = 0; i < n; i++)
			if (contains(c, list[i]))
				return true;
	}
	return false;
}

enum dma_kind dma_kind_of(const void *fdt, int node, int *iommu)
{
	*iommu = has_prop(fdt, node, "iommus") || has_prop(fdt, node, "iommu-map");
	if (*iommu || has_prop(fdt, node, "#dma-cells") || has_prop(fdt, node, "dma-coherent") ||
	    has_prop(fdt, node, "dma-ranges"))
		return DMA_MASTER;
	if (compatible_matches(fdt, node, masters, sizeof(masters) / sizeof(masters[0])))
		return DMA_MASTER;
	if (compatible_matches(fdt, node, non_masters,
			       sizeof(non_masters) / sizeof(non_masters[0])))
		return DMA_NONE;
	if (!has_prop(fdt, node, "reg"))
		return DMA_NONE; /* no registers to program a transfer with (gpio-keys) */
	return DMA_UNKNOWN;
}

const char *dma_kind_name(enum dma_kind k)
{
	switch (k) {
	case DMA_NONE:
		return "no DMA";
	case DMA_MASTER:
		return "masters DMA";
	default:
		return "may master DMA (a kind of device skiff does not know)";
	}
}
