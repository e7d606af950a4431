/*
 * fake_mmio.c - the MMIO accessors of fake_mmio.h: each access goes to the attached fake
 * device's read or write hook; one that falls outside it fails the test. Touches only the
 * attached device (through its hooks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fake_mmio.h"

static const struct fake_mmio_dev *attached;

void fake_mmio_attach(const struct fake_mmio_dev *d)
{
	attached = d;
}

static size_t offset_of(uintptr_t addr, unsigned int width)
{
	if (!attached || addr < attached->base || addr + width > attached->base + attached->size)
		fail_msg("MMIO access of %u bytes at 0x%lx: no fake device there", width,
			 (unsigned long)addr);
	return addr - attached->base;
}

uint8_t mmio_read8(uintptr_t addr)
{
	size_t off = offset_of(addr, 1);

	return (uint8_t)attached->read(attached->dev, off, 1);
}

uint32_t mmio_read32(uintptr_t addr)
{
	size_t off = offset_of(addr, 4);

	return attached->read(attached->dev, off, 4);
}

void mmio_write8(uintptr_t addr, uint8_t val)
{
	size_t off = offset_of(addr, 1);

	attached->write(attached->dev, off, 1, val);
}

void mmio_write32(uintptr_t addr, uint32_t val)
{
	size_t off = offset_of(addr, 4);

	attached->write(attached->dev, off, 4, val);
}
