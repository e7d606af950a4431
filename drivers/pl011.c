/*
 * pl011.c - polled transmit on a PL011 (Arm PrimeCell UART TRM, DDI 0183), waiting a bounded
 * time for room in the transmit FIFO or not at all; and saving and restoring its set-up
 * around the time a guest owns it. Leaves baud rate and interrupts as the firmware set them.
 * Also describes the PL011 to uart_console.c (uart_pl011_ops). Touches only the UART.
 */
#include "drivers/pl011.h"
#include "drivers/mmio.h"
#include "drivers/uart_port.h"

#include <stdbool.h>

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIMSC 0x038
#define UARTFR_TXFF (1u << 5)
#define UARTCR_UARTEN (1u << 0)
/* Polls of a full FIFO before a character is dropped: a UART a guest disabled never drains,
 * and skiff must not wait for it for ever (a few milliseconds, a character's time at 9600
 * baud). Once one was dropped, the next ones are only sent if there is room at once, until
 * the FIFO takes one again. */
#define PUTC_MAX_POLLS 20000u

static bool stuck;

void pl011_putc(uintptr_t base, char c)
{
	unsigned int polls = 0;

	while (mmio_read32(base + UARTFR) & UARTFR_TXFF) {
		if (stuck || ++polls == PUTC_MAX_POLLS) {
			stuck = true;
			return;
		}
	}
	stuck = false;
	mmio_write32(base + UARTDR, (uint8_t)c);
}

/* The registers that make the UART transmit as skiff found it: line set-up, baud rate,
 * control (enable, loopback) and interrupt masks. */
static const unsigned int saved_regs[] = { UARTIBRD, UARTFBRD, UARTLCR_H, UARTIMSC, UARTCR };
static uint32_t saved[sizeof(saved_regs) / sizeof(saved_regs[0])];

void pl011_save(uintptr_t base)
{
	unsigned int i;

	for (i = 0; i < sizeof(saved_regs) / sizeof(saved_regs[0]); i++)
		saved[i] = mmio_read32(base + saved_regs[i]);
}

/* The PL011 TRM asks for the UART to be disabled while LCR_H and the baud rate change; CR,
 * written last, enables it again as it was. */
void pl011_restore(uintptr_t base)
{
	unsigned int i;

	mmio_write32(base + UARTCR, mmio_read32(base + UARTCR) & ~UARTCR_UARTEN);
	for (i = 0; i < sizeof(saved_regs) / sizeof(saved_regs[0]); i++)
		mmio_write32(base + saved_regs[i], saved[i]);
}

bool pl011_try_putc(uintptr_t base, char c)
{
	if (mmio_read32(base + UARTFR) & UARTFR_TXFF)
		return false;
	stuck = false;
	mmio_write32(base + UARTDR, (uint8_t)c);
	return true;
}

/* The same save and restore as steps, for the PL011 uart_console.c drives. */
enum { S_IBRD, S_FBRD, S_LCR_H, S_IMSC, S_CR };

static const struct uart_step save_pl011[] = {
	UART_SAVE(UARTIBRD, S_IBRD), UART_SAVE(UARTFBRD, S_FBRD), UART_SAVE(UARTLCR_H, S_LCR_H),
	UART_SAVE(UARTIMSC, S_IMSC), UART_SAVE(UARTCR, S_CR),	  UART_END,
};

static const struct uart_step restore_pl011[] = {
	UART_PUT_BITS(UARTCR, S_CR, 0xffff & ~UARTCR_UARTEN, 0),
	UART_PUT(UARTIBRD, S_IBRD),
	UART_PUT(UARTFBRD, S_FBRD),
	UART_PUT(UARTLCR_H, S_LCR_H),
	UART_PUT(UARTIMSC, S_IMSC),
	UART_PUT(UARTCR, S_CR),
	UART_END,
};

const struct uart_ops uart_pl011_ops = {
	.data = UARTDR,
	.status = UARTFR,
	.full_mask = UARTFR_TXFF,
	.full_value = UARTFR_TXFF,
	.last = UARTIMSC,
	.save = save_pl011,
	.restore = restore_pl011,
};
