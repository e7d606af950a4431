# tests/unit/dma.mk - host test of hyp/dma.c: which device-tree nodes can master DMA.
UNIT_TESTS += dma
dma_SRCS := hyp/dma.c
