/*
 * dma.h - whether a host device can master DMA, judged from its device-tree node. skiff has no
 * IOMMU (SMMU) driver: a device that masters DMA reads and writes any physical memory,
 * skiff's and the other guests' included, whatever stage 2 says. skiff cannot prevent that, so
 * it says it: at boot and in skiff-check, for every assigned device (hyp/plan/assign.c).
 */
#ifndef SKIFF_HYP_DMA_H
#define SKIFF_HYP_DMA_H

enum dma_kind {
	DMA_NONE,    /* a kind of device known not to master DMA (UART, RTC, GPIO, keys...) */
	DMA_MASTER,  /* masters DMA (virtio, network, storage, USB, DMA engines...) */
	DMA_UNKNOWN, /* not known to skiff: taken as able to master DMA */
};

/* The kind of host node node. *iommu is set when the node names an IOMMU (iommus /
 * iommu-map), which skiff does not program. */
enum dma_kind dma_kind_of(const void *fdt, int node, int *iommu);

/* "masters DMA", "may master DMA (a kind of device skiff does not know)", "no DMA". */
const char *dma_kind_name(enum dma_kind k);

#endif
