/*
 * guest_load.h - placing a Linux arm64 Image (and later its initrd) in guest RAM as the
 * arm64 boot protocol (Documentation/arch/arm64/booting.rst) says, from QEMU's fw_cfg; or an
 * AArch32 image (a zImage, or any image the configuration calls AArch32) as the 32-bit one
 * (Documentation/arch/arm/booting.rst) does.
 */
#ifndef SKIFF_HYP_GUEST_LOAD_H
#define SKIFF_HYP_GUEST_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/fw_cfg.h"
#include "hyp/core/vm.h"
#include "hyp/plan/config.h"

#define IMAGE_HEADER_SIZE 64
#define IMAGE_TEXT_OFFSET_LEGACY 0x80000 /* image_size == 0: pre-3.17 kernels */
#define GUEST_DTB_MAX (2u << 20)	 /* booting.rst: the DTB must not exceed 2 MiB */
#define ZIMAGE_MAGIC_OFFSET 0x24	 /* arm/booting.rst: the zImage's magic word */
#define ZIMAGE_MAGIC 0x016f2818u
#define ZIMAGE_TEXT_OFFSET 0x8000 /* an AArch32 image is placed 32 KiB into its 2 MiB */
#define ZIMAGE_ROOM 4		  /* a zImage keeps 4 times its size free to decompress into */

struct image_header_info {
	uint64_t text_offset;
	uint64_t image_size; /* the room it needs */
	bool aarch32;
	bool thumb; /* AArch32, entered in Thumb state */
};

struct guest_layout {
	uint64_t base;	    /* 2 MiB-aligned */
	uint64_t entry;	    /* base + text_offset: where the Image is copied and entered */
	uint64_t image_end; /* entry + image_size */
	uint64_t dtb;	    /* 2 MiB-aligned, after the image */
	uint64_t initrd;    /* 2 MiB-aligned, after the DTB's 2 MiB (0 when none) */
	uint64_t initrd_size;
	/* no padding: guest_image_load() compares layouts with memcmp */
	uint32_t aarch32; /* 1: an AArch32 image, the VM's EL1 is AArch32 */
	uint32_t thumb;	  /* 1: entered in Thumb state (skiff starts it at entry + 1) */
};

/* Check an Image header (64 bytes) against a file of file_size bytes, for a guest whose
 * configuration says arch (enum config_arch): an AArch32 one (named so, or a zImage when arch
 * is CONFIG_ARCH_AUTO) needs no header. 0, or -1 with err. */
int image_header_parse(const uint8_t *hdr, uint64_t file_size, unsigned int arch,
		       struct image_header_info *info, char *err, size_t err_size);

/* Choose where the image, DTB and initrd (initrd_size bytes, 0 for none) go: the lowest
 * 2 MiB-aligned base in RAM where the image, a GUEST_DTB_MAX DTB after it and the initrd
 * after that fit in one range. 0, or -1 with err. */
int guest_layout_plan(const struct plat_range *ram, unsigned int nr_ram,
		      const struct image_header_info *info, uint64_t initrd_size,
		      struct guest_layout *out, char *err, size_t err_size);

/* Load the kernel (and initrd, if with_initrd and QEMU has one) QEMU passes (-kernel,
 * -initrd) into the VM. 1 if there is no kernel, 0 when loaded, -1 with err. */
int guest_load_fw_cfg(struct fw_cfg *fc, const struct vm *vm, bool with_initrd, unsigned int arch,
		      struct guest_layout *out, char *err, size_t err_size);

/* Take a kernel (and an initrd, size 0 for none) a boot loader already put in RAM: move
 * them where the layout wants them (memmove, in an order that never overwrites what is still
 * to be moved). The sources must lie in host RAM outside skiff. 0, or -1 with err. */
int guest_load_memory(const struct vm *vm, uint64_t kernel, uint64_t kernel_size, uint64_t initrd,
		      uint64_t initrd_size, unsigned int arch, struct guest_layout *out, char *err,
		      size_t err_size);

#endif
