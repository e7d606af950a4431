/*
 * pl011.c - polled transmit on a PL011 (Arm PrimeCell UART TRM, DDI 0183), waiting for room in
 * the transmit FIFO or not at all. Writes only the data register; leaves baud rate and
 * interrupts as the firmware set them.
 */
#include "drivers/pl011.h"
#include "drivers/mmio.h"

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTFR_TXFF (1u << 5)

void pl011_putc(uintptr_t base, char c)
{
	while (mmio_read32(base + UARTFR) & UARTFR_TXFF)
		;
	mmio_write32(base + UARTDR, (uint8_t)c);
}

bool pl011_try_putc(uintptr_t base, char c)
{
	if (mmio_read32(base + UARTFR) & UARTFR_TXFF)
		return false;
	mmio_write32(base + UARTDR, (uint8_t)c);
	return true;
}
