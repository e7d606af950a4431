/*
 * modules.h - a guest's kernel and initramfs as a boot loader left them in RAM and named them
 * in the host tree, by the multiboot convention Xen's users know (Xen's
 * docs/misc/arm/device-tree/booting.txt): nodes under /chosen with compatible
 * "multiboot,kernel" or "multiboot,ramdisk" (each also "multiboot,module"), a reg giving the
 * module's address and size in /chosen's cells, and bootargs on the kernel module. Plain C over
 * libfdt; reads the blob only.
 */
#ifndef SKIFF_HYP_MODULES_H
#define SKIFF_HYP_MODULES_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/range.h"

#define MODULES_COMPAT_KERNEL "multiboot,kernel"
#define MODULES_COMPAT_RAMDISK "multiboot,ramdisk"

struct boot_modules {
	struct plat_range kernel;
	struct plat_range ramdisk; /* size 0: none */
	const char *bootargs;	   /* the kernel module's, in the blob; NULL when absent */
};

/*
 * The modules directly under node parent (/chosen, or a /chosen/<guest name> node): 1 with *m
 * when there is a kernel module, 0 when there is none, or -1 with err naming the module node
 * at fault (two kernels, a reg that is not one <address size> in parent's cells, size 0, a
 * range that wraps, bootargs that are not a string, a ramdisk without a kernel).
 */
int modules_find(const void *fdt, int parent, struct boot_modules *m, char *err, size_t err_size);

#endif
