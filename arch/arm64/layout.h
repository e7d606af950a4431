/*
 * layout.h - sizes of the per-CPU boot resources, shared by C and assembly.
 */
#ifndef SKIFF_ARCH_LAYOUT_H
#define SKIFF_ARCH_LAYOUT_H

#define SKIFF_MAX_CPUS 8
#define SKIFF_STACK_SIZE 0x4000
#define SKIFF_BLOCK_SIZE 0x200000 /* images are placed 2 MiB aligned (arm64 booting.rst) */

/* arm64 Image header flags: bits 2:1 = 1 (4K pages), bit 3 = can be placed anywhere */
#define IMAGE_FLAGS_PAGE_4K (1 << 1)
#define IMAGE_FLAGS_PHYS_ANYWHERE (1 << 3)
#define IMAGE_MAGIC 0x644d5241 /* "ARM\x64" */

#define FDT_MAGIC_LE 0xedfe0dd0 /* 0xd00dfeed as a little-endian load sees it */

#define BOOT_MODE_PAYLOAD 0
#define BOOT_MODE_FIRMWARE 1

#endif
