/*
 * guest_dtb.h - the device tree a guest boots with, derived from the host's: its memory,
 * its CPUs, PSCI over HVC, its command line, skiff's virtual devices; nothing skiff keeps
 * for itself (fw_cfg). Plain C over libfdt.
 */
#ifndef SKIFF_HYP_GUEST_DTB_H
#define SKIFF_HYP_GUEST_DTB_H

#include <stddef.h>
#include <stdint.h>

#include "hyp/vm.h"

struct guest_dtb_extra {
	const char *bootargs;	/* NULL or "" leaves /chosen/bootargs out */
	uint64_t doorbell_base; /* 0: none */
	uint32_t doorbell_spi;	/* SPI number (INTID - 32) */
	uint64_t initrd_start;	/* 0: none; else /chosen linux,initrd-start and -end */
	uint64_t initrd_end;
};

/* Build into out (out_size bytes). 0, or a negative libfdt error with err filled. */
int guest_dtb_build(const void *host_fdt, void *out, size_t out_size, const struct vm *vm,
		    const struct guest_dtb_extra *extra, char *err, size_t err_size);

#endif
