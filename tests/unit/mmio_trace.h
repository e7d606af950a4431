/*
 * mmio_trace.h - force-included (NAME_CFLAGS := -include tests/unit/mmio_trace.h) into host
 * tests that hand a driver ordinary memory laid out as its device, like drivers/mmio.h does,
 * but that also need the order of its writes: stands in for drivers/mmio.h, accesses the
 * memory the same way and reports every write, after making it, to mmio_trace_write(), which
 * the test defines. Test-only; must not be included by anything in the image.
 */
#ifndef SKIFF_TESTS_MMIO_TRACE_H
#define SKIFF_TESTS_MMIO_TRACE_H

#define SKIFF_DRIVERS_MMIO_H /* drivers/mmio.h is replaced by this file */

#include <stdint.h>

/* Called after each write of width bytes (1, 4 or 8) of val at addr. */
void mmio_trace_write(uintptr_t addr, unsigned int width, uint64_t val);

static inline uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t val)
{
	*(volatile uint32_t *)addr = val;
	mmio_trace_write(addr, 4, val);
}

static inline uint64_t mmio_read64(uintptr_t addr)
{
	return *(volatile uint64_t *)addr;
}

static inline void mmio_write64(uintptr_t addr, uint64_t val)
{
	*(volatile uint64_t *)addr = val;
	mmio_trace_write(addr, 8, val);
}

static inline uint8_t mmio_read8(uintptr_t addr)
{
	return *(volatile uint8_t *)addr;
}

static inline void mmio_write8(uintptr_t addr, uint8_t val)
{
	*(volatile uint8_t *)addr = val;
	mmio_trace_write(addr, 1, val);
}

#endif
