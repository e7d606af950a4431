/*
 * guest_image.h - a guest's images as skiff keeps them for the guest's whole life: where its
 * kernel and initrd come from (QEMU's fw_cfg, or what a boot loader left in RAM: those pages
 * are left out of the guest's RAM by hyp/plan/assign.c, so they stay as loaded) and a copy of the
 * device tree skiff built for it. Loading them into the guest's RAM is the same at boot and
 * at every restart (SYSTEM_RESET, hyp/guests/lifecycle.c).
 */
#ifndef SKIFF_HYP_GUEST_IMAGE_H
#define SKIFF_HYP_GUEST_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/fw_cfg.h"
#include "hyp/plan/config.h"
#include "hyp/guests/guest_load.h"
#include "hyp/core/vm.h"

#define GUEST_IMAGE_DTB_POOL (128u << 10) /* kept device trees of every guest together */

struct guest_image {
	enum image_source kernel_src; /* IMAGE_FW_CFG or IMAGE_MEMORY */
	bool initrd;		      /* it has one: fw_cfg's or the one in memory */
	uint64_t kernel, kernel_size; /* IMAGE_MEMORY: where the boot loader left them */
	uint64_t initrd_addr, initrd_size;
	struct fw_cfg *fc;
	unsigned int arch;	 /* the configuration's enum config_arch */
	struct guest_layout lay; /* where they go in guest RAM, set by the first load */
	const void *dtb;	 /* the kept device tree (NULL before guest_image_keep_dtb) */
	uint32_t dtb_size;
};

/*
 * Load the kernel and initrd into vm's RAM as the arm64 boot protocol wants them (the first
 * load plans gi->lay; every later one finds the same plan), then the kept device tree if there
 * is one, and clean the caches over them. Serialised against other guests' loads (fw_cfg is
 * one device). 0, or -1 with err.
 */
int guest_image_load(struct guest_image *gi, const struct vm *vm, char *err, size_t err_size);

/* Keep a copy of the device tree now at gi->lay.dtb (built there by hyp/guests/guests.c). 0, or -1
 * with err when the pool is full. */
int guest_image_keep_dtb(struct guest_image *gi, char *err, size_t err_size);

#endif
