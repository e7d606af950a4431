/*
 * test_guest_load.c - hyp/guests/guest_load.c against Linux's arm64 boot protocol
 * (Documentation/arch/arm64/booting.rst): header checks with their messages, placement of
 * the image at a 2 MiB-aligned base plus text_offset, the DTB 2 MiB-aligned after the image,
 * the initrd after the DTB's 2 MiB, and a boot loader's images moved in RAM without one
 * overwriting the other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hyp/guests/guest_load.h"

#define SZ_2M 0x200000ull
#define MIB (1024ull * 1024)

static char err[256];

static void header(uint8_t *h, uint64_t text_offset, uint64_t image_size)
{
	memset(h, 0, IMAGE_HEADER_SIZE);
	memcpy(h + 0x38, "ARM\x64", 4);
	memcpy(h + 0x08, &text_offset, 8); /* little-endian host, as the Image */
	memcpy(h + 0x10, &image_size, 8);
}

static void test_header_ok(void **state)
{
	uint8_t h[IMAGE_HEADER_SIZE];
	struct image_header_info info;

	(void)state;
	header(h, 0, 40 * MIB);
	assert_int_equal(image_header_parse(h, 30 * MIB, CONFIG_ARCH_AUTO, &info, err, sizeof(err)),
			 0);
	assert_int_equal(info.text_offset, 0);
	assert_int_equal(info.image_size, 40 * MIB);
	header(h, 0x80000, 0); /* image_size 0: a pre-3.17 kernel, text_offset 0x80000 */
	assert_int_equal(image_header_parse(h, 5 * MIB, CONFIG_ARCH_AUTO, &info, err, sizeof(err)),
			 0);
	assert_int_equal(info.text_offset, IMAGE_TEXT_OFFSET_LEGACY);
	assert_int_equal(info.image_size, 5 * MIB);
}

static void test_header_errors(void **state)
{
	uint8_t h[IMAGE_HEADER_SIZE];
	struct image_header_info info;

	(void)state;
	header(h, 0, MIB);
	assert_int_equal(image_header_parse(h, 63, CONFIG_ARCH_AUTO, &info, err, sizeof(err)), -1);
	assert_string_equal(err, "kernel is 63 bytes, too small for an arm64 Image");
	h[0x38] = 'X';
	assert_int_equal(image_header_parse(h, MIB, CONFIG_ARCH_AUTO, &info, err, sizeof(err)), -1);
	assert_string_equal(err, "kernel is not an arm64 Image (no ARM\\x64 magic)");
	header(h, 0x1234, MIB);
	assert_int_equal(image_header_parse(h, MIB, CONFIG_ARCH_AUTO, &info, err, sizeof(err)), -1);
	assert_string_equal(err, "kernel text_offset 0x1234 is not page-aligned below 2 MiB");
	header(h, SZ_2M, MIB);
	assert_int_equal(image_header_parse(h, MIB, CONFIG_ARCH_AUTO, &info, err, sizeof(err)), -1);
	header(h, 0, MIB);
	assert_int_equal(image_header_parse(h, MIB + 1, CONFIG_ARCH_AUTO, &info, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "kernel file (1048577 bytes) is larger than its image_size "
				 "(1048576): corrupt");
}

static void test_layout(void **state)
{
	struct plat_range ram[] = {
		{ 0x40000000, SZ_2M }, /* too small: below skiff, holds the host DTB */
		{ 0x40400000 + 0x1000, 0x3fc00000 - 0x1000 }, /* not 2 MiB aligned at its start */
	};
	struct image_header_info info = { .text_offset = 0x10000, .image_size = 30 * MIB + 5 };
	struct guest_layout l;

	(void)state;
	assert_int_equal(guest_layout_plan(ram, 2, &info, 3 * MIB, &l, err, sizeof(err)), 0);
	assert_int_equal(l.base, 0x40600000); /* first 2 MiB boundary inside the range */
	assert_int_equal(l.entry, 0x40610000);
	assert_int_equal(l.image_end, l.entry + info.image_size);
	assert_int_equal(l.dtb % SZ_2M, 0);
	assert_true(l.dtb >= l.image_end && l.dtb - l.image_end < SZ_2M);
	assert_int_equal(l.initrd, l.dtb + GUEST_DTB_MAX);
	assert_int_equal(l.initrd_size, 3 * MIB);

	/* no initrd: none planned */
	assert_int_equal(guest_layout_plan(ram, 2, &info, 0, &l, err, sizeof(err)), 0);
	assert_int_equal(l.initrd, 0);

	/* nothing fits: an error naming the sizes */
	info.image_size = 2048 * MIB;
	assert_int_equal(guest_layout_plan(ram, 2, &info, 0, &l, err, sizeof(err)), -1);
	assert_string_equal(err, "no RAM range holds the 2147483648-byte kernel, its DTB and a "
				 "0-byte initrd");
}

/* A boot loader left kernel and initrd in guest RAM: guest_load_memory moves them where the
 * layout wants them, the one whose new place covers the other's old place last. */
static void test_load_memory_moves(void **state)
{
	const uint64_t ram_size = 16 * MIB;
	uint8_t *ram = aligned_alloc(SZ_2M, ram_size + SZ_2M);
	uint64_t base = (uint64_t)(uintptr_t)ram;
	struct vm vm;
	struct guest_layout l;
	uint8_t *kernel = ram + 6 * MIB + 0x1000, *initrd = ram + 1 * MIB;
	uint64_t ksize = 2 * MIB, rsize = 512 * 1024, i;

	(void)state;
	assert_non_null(ram);
	memset(&vm, 0, sizeof(vm));
	vm.nr_ram = 1;
	vm.ram[0].base = base;
	vm.ram[0].size = ram_size;
	for (i = 0; i < ksize; i++)
		kernel[i] = (uint8_t)(i * 7);
	header(kernel, 0, ksize);
	for (i = 0; i < rsize; i++)
		initrd[i] = (uint8_t)(i * 13 + 1);
	/* the kernel goes to base (over the initrd's old place), the initrd after the DTB */
	assert_int_equal(guest_load_memory(&vm, (uint64_t)(uintptr_t)kernel, ksize,
					   (uint64_t)(uintptr_t)initrd, rsize, CONFIG_ARCH_AUTO, &l,
					   err, sizeof(err)),
			 0);
	assert_int_equal(l.entry, base);
	for (i = 64; i < ksize; i++)
		assert_int_equal(ram[i], (uint8_t)(i * 7));
	for (i = 0; i < rsize; i++)
		assert_int_equal(((uint8_t *)(uintptr_t)l.initrd)[i], (uint8_t)(i * 13 + 1));
	free(ram);
}

/* AArch32: a zImage (magic 0x016f2818 at 0x24) or an image the configuration calls AArch32 */
static void test_aarch32_images(void **state)
{
	struct plat_range ram[] = { { 0x40000000, 256 * MIB } };
	uint8_t h[IMAGE_HEADER_SIZE];
	struct image_header_info info;
	struct guest_layout l;
	uint32_t magic = ZIMAGE_MAGIC;

	(void)state;
	memset(h, 0, sizeof(h));
	memcpy(h + ZIMAGE_MAGIC_OFFSET, &magic, 4);
	assert_int_equal(image_header_parse(h, MIB, CONFIG_ARCH_AUTO, &info, err, sizeof(err)), 0);
	assert_true(info.aarch32);
	assert_false(info.thumb);
	assert_int_equal(info.text_offset, ZIMAGE_TEXT_OFFSET);
	assert_int_equal(info.image_size, ZIMAGE_ROOM * MIB); /* room to decompress into */
	assert_int_equal(guest_layout_plan(ram, 1, &info, 0, &l, err, sizeof(err)), 0);
	assert_true(l.aarch32);
	assert_int_equal(l.entry, 0x40008000);
	assert_true(l.dtb >= l.entry + ZIMAGE_ROOM * MIB);
	/* named aarch32-thumb: no header needed, entered in Thumb state */
	memset(h, 0, sizeof(h));
	assert_int_equal(
		image_header_parse(h, 100, CONFIG_ARCH_AARCH32_THUMB, &info, err, sizeof(err)), 0);
	assert_true(info.aarch32 && info.thumb);
	assert_int_equal(info.image_size, 100);
	assert_int_equal(image_header_parse(h, 100, CONFIG_ARCH_AARCH32, &info, err, sizeof(err)),
			 0);
	assert_true(info.aarch32 && !info.thumb);
	/* named aarch64: a zImage is not an arm64 Image; nor is a headerless file */
	memcpy(h + ZIMAGE_MAGIC_OFFSET, &magic, 4);
	assert_int_equal(image_header_parse(h, MIB, CONFIG_ARCH_AARCH64, &info, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "kernel is not an arm64 Image (no ARM\\x64 magic)");
	/* an arm64 Image is never taken for AArch32 */
	header(h, 0, MIB);
	assert_int_equal(image_header_parse(h, MIB, CONFIG_ARCH_AUTO, &info, err, sizeof(err)), 0);
	assert_false(info.aarch32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_ok),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_aarch32_images),
		cmocka_unit_test(test_load_memory_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
