/*
 * guest_image.c - loads a guest's kernel, initrd and device tree into its RAM from what skiff
 * keeps of them (guest_image.h), at boot and at every restart. Writes only inside the guest's
 * RAM and its own pool of kept device trees.
 */
#include "hyp/guests/guest_image.h"
#include "arch/arm64/cache.h"
#include "lib/printf.h"
#include "lib/spinlock.h"

#include <libfdt.h>
#include <string.h>

static struct spinlock load_lock; /* fw_cfg is one device; loads of two guests take turns */
static uint64_t dtb_pool[GUEST_IMAGE_DTB_POOL / sizeof(uint64_t)];
static size_t dtb_pool_used;

int guest_image_load(struct guest_image *gi, const struct vm *vm, char *err, size_t err_size)
{
	struct guest_layout lay;
	uint64_t end;
	int ret;

	spin_lock(&load_lock);
	if (gi->kernel_src == IMAGE_FW_CFG)
		ret = guest_load_fw_cfg(gi->fc, vm, gi->initrd, gi->arch, &lay, err, err_size);
	else
		ret = guest_load_memory(
			vm, gi->kernel, gi->kernel_size, gi->initrd ? gi->initrd_addr : 0,
			gi->initrd ? gi->initrd_size : 0, gi->arch, &lay, err, err_size);
	spin_unlock(&load_lock);
	if (ret > 0) {
		fmt_snprintf(err, err_size, "fw_cfg has no kernel (any more)");
		return -1;
	}
	if (ret)
		return -1;
	if (gi->dtb && memcmp(&lay, &gi->lay, sizeof(lay))) {
		fmt_snprintf(err, err_size, "its images no longer load where they did at boot");
		return -1;
	}
	gi->lay = lay;
	if (gi->dtb)
		memcpy((void *)(uintptr_t)lay.dtb, gi->dtb, gi->dtb_size);
	end = lay.initrd ? lay.initrd + lay.initrd_size : lay.dtb + GUEST_DTB_MAX;
	cache_clean_range(lay.base, end);
	cache_icache_invalidate_all(); /* the guest's previous life ran other code there */
	return 0;
}

int guest_image_keep_dtb(struct guest_image *gi, char *err, size_t err_size)
{
	const void *fdt = (const void *)(uintptr_t)gi->lay.dtb;
	uint32_t size = fdt_totalsize(fdt);
	size_t room = sizeof(dtb_pool) - dtb_pool_used;

	if (fdt_check_header(fdt) || size > room) {
		fmt_snprintf(err, err_size,
			     "its device tree (%u bytes) is over the %zu bytes kept for restarts",
			     size, room);
		return -1;
	}
	gi->dtb = (const char *)dtb_pool + dtb_pool_used;
	gi->dtb_size = size;
	memcpy((char *)dtb_pool + dtb_pool_used, fdt, size);
	dtb_pool_used += (size + 7) & ~(size_t)7;
	return 0;
}
