# tests/unit/dma.mk - host test of hyp/plan/dma.c: which device-tree nodes can master DMA.
UNIT_TESTS += dma
dma_SRCS := hyp/plan/dma.c
