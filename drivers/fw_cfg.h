/*
 * fw_cfg.h - QEMU's firmware configuration device: signature and feature check, the
 * file directory, and reading items (kernel, initrd, command line, named files) through
 * the DMA interface when present, else the data register.
 * The logic talks to the device only through struct fw_cfg_io, so host tests can fake it;
 * drivers/fw_cfg_mmio.c binds it to the real MMIO registers.
 */
#ifndef SKIFF_DRIVERS_FW_CFG_H
#define SKIFF_DRIVERS_FW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Selector keys (QEMU docs/specs/fw_cfg.rst). */
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_ID 0x0001
#define FW_CFG_KERNEL_SIZE 0x0008
#define FW_CFG_INITRD_SIZE 0x000b
#define FW_CFG_KERNEL_DATA 0x0011
#define FW_CFG_INITRD_DATA 0x0012
#define FW_CFG_CMDLINE_SIZE 0x0014
#define FW_CFG_CMDLINE_DATA 0x0015
#define FW_CFG_FILE_DIR 0x0019

#define FW_CFG_NAME_MAX 56
#define FW_CFG_DIR_ENTRY_SIZE 64 /* be32 size, be16 select, be16 reserved, name[56] */

/* FW_CFG_ID feature bits (little-endian u32). */
#define FW_CFG_VERSION 0x01 /* traditional (data register) interface */
#define FW_CFG_VERSION_DMA 0x02

/* Register offsets of the MMIO device (Arm): data reads any width in item byte order,
 * the selector is 16-bit big-endian, the DMA address 64-bit big-endian; writing its low
 * half (offset 20) or all 64 bits (offset 16) starts the transfer. */
#define FW_CFG_MMIO_DATA 0x00
#define FW_CFG_MMIO_SELECTOR 0x08
#define FW_CFG_MMIO_DMA 0x10
#define FW_CFG_MMIO_DMA_LO 0x14

/* The DMA access structure in guest memory; every field big-endian. */
struct fw_cfg_dma_access {
	uint32_t control;
	uint32_t length;
	uint64_t address;
};

/* Its control bits; with SELECT the selector key is in bits 31:16. The device clears
 * control to 0 when done, or leaves ERROR set. */
#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10
#define FW_CFG_DMA_CTL_KEY_SHIFT 16

/* Errors returned by the functions below (always negative). */
#define FW_CFG_ERR_NODEV (-1) /* signature is not "QEMU" */
#define FW_CFG_ERR_IO (-2)    /* the DMA transfer reported ERROR or never completed */
#define FW_CFG_ERR_RANGE (-3) /* directory index >= count */
#define FW_CFG_ERR_NOENT (-4) /* no file of that name */

struct fw_cfg_file {
	uint32_t size;
	uint16_t select;
	char name[FW_CFG_NAME_MAX]; /* always NUL-terminated */
};

/* The device's three registers, as the narrow interface to hardware (or a fake). */
struct fw_cfg_io {
	void (*select)(void *ctx, uint16_t key); /* write the selector register */
	uint8_t (*read_data8)(void *ctx);	 /* one byte from the data register */
	/* write the guest-physical address of a struct fw_cfg_dma_access to the DMA
	 * register (big-endian, 64-bit); the device has completed it on return or
	 * sets control to 0 / error when it has */
	void (*dma_kick)(void *ctx, uint64_t desc_addr);
	/* address as the device sees it (the identity map makes this the pointer) */
	uint64_t (*dma_addr)(void *ctx, const void *ptr);
	void *ctx;
};

struct fw_cfg {
	const struct fw_cfg_io *io;
	bool dma; /* FW_CFG_ID bit 1 */
};

/* 0 when the signature reads "QEMU"; sets fc->dma from the feature bits. */
int fw_cfg_init(struct fw_cfg *fc, const struct fw_cfg_io *io);

/* Read len bytes of item key from its start into dst. 0 on success, negative on error. */
int fw_cfg_read(struct fw_cfg *fc, uint16_t key, void *dst, size_t len);

/* A little-endian 32-bit item such as FW_CFG_KERNEL_SIZE (0 when reading fails). */
uint32_t fw_cfg_read_u32(struct fw_cfg *fc, uint16_t key);

/* Number of files in the directory, and the i-th entry (0 on success, negative if out of
 * range or unreadable). */
int fw_cfg_file_count(struct fw_cfg *fc, uint32_t *count);
int fw_cfg_file_at(struct fw_cfg *fc, uint32_t index, struct fw_cfg_file *out);

/* Find a file by exact name (for example "opt/skiff/config.dtb"). 0 if found. */
int fw_cfg_find(struct fw_cfg *fc, const char *name, struct fw_cfg_file *out);

/* Parse one raw 64-byte directory entry (big-endian fields) into out. Pure. */
void fw_cfg_parse_entry(const uint8_t raw[64], struct fw_cfg_file *out);

/* The real device (drivers/fw_cfg_mmio.c, image only): the template holds its functions
 * with no ctx; fw_cfg_mmio_io_init copies it and sets ctx to the MMIO base address from the
 * device tree. */
extern const struct fw_cfg_io fw_cfg_mmio_io_template;
void fw_cfg_mmio_io_init(struct fw_cfg_io *io, uintptr_t base);

#endif
