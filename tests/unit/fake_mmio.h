/*
 * fake_mmio.h - force-included (NAME_CFLAGS := -include tests/unit/fake_mmio.h) into host tests
 * of drivers that use drivers/mmio.h: stands in for it, and sends every 8-bit and 32-bit
 * access to the one fake device a test attached, as an offset into it. An access outside
 * that device fails the test. Test-only; must not be included by anything in the image.
 */
#ifndef SKIFF_TESTS_FAKE_MMIO_H
#define SKIFF_TESTS_FAKE_MMIO_H

#define SKIFF_DRIVERS_MMIO_H /* drivers/mmio.h is replaced by this file */

#include <stddef.h>
#include <stdint.h>

struct fake_mmio_dev {
	uintptr_t base; /* a made-up address: nothing is mapped there */
	size_t size;
	uint32_t (*read)(void *dev, size_t off, unsigned int width);
	void (*write)(void *dev, size_t off, unsigned int width, uint32_t val);
	void *dev;
};

/* Send accesses to d from now on (NULL: to no device). */
void fake_mmio_attach(const struct fake_mmio_dev *d);

uint8_t mmio_read8(uintptr_t addr);
uint32_t mmio_read32(uintptr_t addr);
void mmio_write8(uintptr_t addr, uint8_t val);
void mmio_write32(uintptr_t addr, uint32_t val);

#endif
