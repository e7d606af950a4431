/*
 * fw_cfg_mmio.c - binds struct fw_cfg_io to QEMU's fw_cfg MMIO registers on Arm: byte reads
 * of the data register, big-endian selector and DMA address stores, with the barriers the
 * DMA interface needs. AArch64 only. Knows no fw_cfg protocol (drivers/fw_cfg.c does) and
 * assumes the identity map: a pointer is the address the device sees.
 */
#include "drivers/fw_cfg.h"

/* Accessors in asm so each is exactly one single-copy-atomic load or store. */
static inline uint8_t fw_cfg_mmio_read8(uintptr_t addr)
{
	uint8_t v;

	__asm__ __volatile__("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void fw_cfg_mmio_write16(uintptr_t addr, uint16_t v)
{
	__asm__ __volatile__("strh %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline void fw_cfg_mmio_write64(uintptr_t addr, uint64_t v)
{
	__asm__ __volatile__("str %x0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static void fw_cfg_mmio_select(void *ctx, uint16_t key)
{
	fw_cfg_mmio_write16((uintptr_t)ctx + FW_CFG_MMIO_SELECTOR, __builtin_bswap16(key));
}

static uint8_t fw_cfg_mmio_read_data8(void *ctx)
{
	return fw_cfg_mmio_read8((uintptr_t)ctx + FW_CFG_MMIO_DATA);
}

/*
 * The descriptor and buffer must reach memory before the device looks (dsb before); the
 * store of all 64 bits starts the transfer, and the dsb after it waits for that store to
 * complete before the caller polls control.
 */
static void fw_cfg_mmio_dma_kick(void *ctx, uint64_t desc_addr)
{
	__asm__ __volatile__("dsb sy" ::: "memory");
	fw_cfg_mmio_write64((uintptr_t)ctx + FW_CFG_MMIO_DMA, __builtin_bswap64(desc_addr));
	__asm__ __volatile__("dsb sy" ::: "memory");
}

static uint64_t fw_cfg_mmio_dma_addr(void *ctx, const void *ptr)
{
	(void)ctx;
	return (uint64_t)(uintptr_t)ptr;
}

const struct fw_cfg_io fw_cfg_mmio_io_template = {
	.select = fw_cfg_mmio_select,
	.read_data8 = fw_cfg_mmio_read_data8,
	.dma_kick = fw_cfg_mmio_dma_kick,
	.dma_addr = fw_cfg_mmio_dma_addr,
	.ctx = NULL,
};

void fw_cfg_mmio_io_init(struct fw_cfg_io *io, uintptr_t base)
{
	*io = fw_cfg_mmio_io_template;
	io->ctx = (void *)base;
}
