/*
 * guest_load.c - validates an arm64 Image header, plans where image and DTB go in guest
 * RAM, and copies the image from fw_cfg. The checks are plain C (host-tested); only
 * guest_load_fw_cfg touches memory, and only inside the VM's RAM.
 */
#include "hyp/guests/guest_load.h"
#include "lib/printf.h"

#include <string.h>

#define IMAGE_MAGIC_OFFSET 0x38
#define IMAGE_TEXT_OFFSET_OFFSET 0x08
#define IMAGE_SIZE_OFFSET 0x10
#define IMAGE_MAGIC_BYTES "ARM\x64"
#define SZ_2M 0x200000ull

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

int image_header_parse(const uint8_t *hdr, uint64_t file_size, unsigned int arch,
		       struct image_header_info *info, char *err, size_t err_size)
{
	bool zimage = file_size >= IMAGE_HEADER_SIZE &&
		      (uint32_t)le64(hdr + ZIMAGE_MAGIC_OFFSET) == ZIMAGE_MAGIC;

	*info = (struct image_header_info){ 0 };
	if (arch >= CONFIG_ARCH_AARCH32 || (arch == CONFIG_ARCH_AUTO && zimage)) {
		/* entered at its first byte; a zImage decompresses itself after its end */
		info->aarch32 = true;
		info->thumb = arch == CONFIG_ARCH_AARCH32_THUMB;
		info->text_offset = ZIMAGE_TEXT_OFFSET;
		info->image_size = zimage ? file_size * ZIMAGE_ROOM : file_size;
		return 0;
	}
	if (file_size < IMAGE_HEADER_SIZE) {
		fmt_snprintf(err, err_size, "kernel is %llu bytes, too small for an arm64 Image",
			     (unsigned long long)file_size);
		return -1;
	}
	if (memcmp(hdr + IMAGE_MAGIC_OFFSET, IMAGE_MAGIC_BYTES, 4)) {
		fmt_snprintf(err, err_size, "kernel is not an arm64 Image (no ARM\\x64 magic)");
		return -1;
	}
	info->text_offset = le64(hdr + IMAGE_TEXT_OFFSET_OFFSET);
	info->image_size = le64(hdr + IMAGE_SIZE_OFFSET);
	if (info->image_size == 0) {
		info->text_offset = IMAGE_TEXT_OFFSET_LEGACY;
		info->image_size = file_size;
	}
	if (info->text_offset >= SZ_2M || (info->text_offset & 0xfff)) {
		fmt_snprintf(err, err_size,
			     "kernel text_offset 0x%llx is not page-aligned below 2 MiB",
			     (unsigned long long)info->text_offset);
		return -1;
	}
	if (file_size > info->image_size) {
		fmt_snprintf(
			err, err_size,
			"kernel file (%llu bytes) is larger than its image_size (%llu): corrupt",
			(unsigned long long)file_size, (unsigned long long)info->image_size);
		return -1;
	}
	return 0;
}

int guest_layout_plan(const struct plat_range *ram, unsigned int nr_ram,
		      const struct image_header_info *info, uint64_t initrd_size,
		      struct guest_layout *out, char *err, size_t err_size)
{
	unsigned int i;

	for (i = 0; i < nr_ram; i++) {
		uint64_t base = align_up(ram[i].base, SZ_2M);
		uint64_t end = ram[i].base + ram[i].size;
		uint64_t image_end = base + info->text_offset + info->image_size;
		uint64_t dtb = align_up(image_end, SZ_2M);
		uint64_t initrd = dtb + GUEST_DTB_MAX;

		if (base < ram[i].base || dtb < base || initrd > end || initrd_size > end - initrd)
			continue;
		out->base = base;
		out->entry = base + info->text_offset;
		out->image_end = image_end;
		out->dtb = dtb;
		out->initrd = initrd_size ? initrd : 0;
		out->initrd_size = initrd_size;
		out->aarch32 = info->aarch32;
		out->thumb = info->thumb;
		return 0;
	}
	fmt_snprintf(err, err_size,
		     "no RAM range holds the %llu-byte kernel, its DTB and a %llu-byte initrd",
		     (unsigned long long)info->image_size, (unsigned long long)initrd_size);
	return -1;
}

int guest_load_fw_cfg(struct fw_cfg *fc, const struct vm *vm, bool with_initrd, unsigned int arch,
		      struct guest_layout *out, char *err, size_t err_size)
{
	uint32_t size = fw_cfg_read_u32(fc, FW_CFG_KERNEL_SIZE);
	uint32_t initrd_size = with_initrd ? fw_cfg_read_u32(fc, FW_CFG_INITRD_SIZE) : 0;
	struct image_header_info info;
	uint8_t hdr[IMAGE_HEADER_SIZE];

	if (size == 0)
		return 1;
	memset(hdr, 0, sizeof(hdr));
	if (fw_cfg_read(fc, FW_CFG_KERNEL_DATA, hdr, size < sizeof(hdr) ? size : sizeof(hdr))) {
		fmt_snprintf(err, err_size, "cannot read the kernel from fw_cfg");
		return -1;
	}
	if (image_header_parse(hdr, size, arch, &info, err, err_size) ||
	    guest_layout_plan(vm->ram, vm->nr_ram, &info, initrd_size, out, err, err_size))
		return -1;
	if (fw_cfg_read(fc, FW_CFG_KERNEL_DATA, (void *)(uintptr_t)out->entry, size)) {
		fmt_snprintf(err, err_size, "cannot read the kernel from fw_cfg");
		return -1;
	}
	if (initrd_size &&
	    fw_cfg_read(fc, FW_CFG_INITRD_DATA, (void *)(uintptr_t)out->initrd, initrd_size)) {
		fmt_snprintf(err, err_size, "cannot read the initrd from fw_cfg");
		return -1;
	}
	return 0;
}

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a_size && b_size && a < b + b_size && b < a + a_size;
}

static void move(uint64_t to, uint64_t from, uint64_t size)
{
	if (size && to != from)
		memmove((void *)(uintptr_t)to, (const void *)(uintptr_t)from, size);
}

int guest_load_memory(const struct vm *vm, uint64_t kernel, uint64_t kernel_size, uint64_t initrd,
		      uint64_t initrd_size, unsigned int arch, struct guest_layout *out, char *err,
		      size_t err_size)
{
	struct image_header_info info;

	if (image_header_parse((const uint8_t *)(uintptr_t)kernel, kernel_size, arch, &info, err,
			       err_size) ||
	    guest_layout_plan(vm->ram, vm->nr_ram, &info, initrd_size, out, err, err_size))
		return -1;
	/* Move first the one whose new place does not cover where the other still is. */
	if (initrd_size && overlaps(out->initrd, initrd_size, kernel, kernel_size)) {
		if (overlaps(out->entry, kernel_size, initrd, initrd_size)) {
			fmt_snprintf(err, err_size, "kernel at 0x%llx and initrd at 0x%llx overlap",
				     (unsigned long long)kernel, (unsigned long long)initrd);
			return -1;
		}
		move(out->entry, kernel, kernel_size);
		move(out->initrd, initrd, initrd_size);
	} else {
		move(out->initrd, initrd, initrd_size);
		move(out->entry, kernel, kernel_size);
	}
	return 0;
}
