/*
 * uart_checks.h - what every console UART driver promises (drivers/uart.h), checked for the
 * driver tests: the transmit contract against a test's fake UART (try_putc never waits and
 * sends nothing when the UART is full; putc waits at most UART_PUTC_MAX_POLLS polls, and after
 * a drop sends only when there is room at once, until a character goes), and whether
 * uart_console_init() takes a UART or refuses it. Test-only.
 */
#ifndef SKIFF_TESTS_UART_CHECKS_H
#define SKIFF_TESTS_UART_CHECKS_H

#include <stdbool.h>
#include <stddef.h>

#include "drivers/uart.h"

struct log_console;

/* What the checks need of a fake UART. */
struct uart_tx_fake {
	/* The next `reads` reads of the status register show no room (FAKE_UART_FULL: all). */
	void (*set_full)(void *dev, unsigned int reads);
	/* Status register reads so far. */
	unsigned int (*status_reads)(void *dev);
	/* The characters the UART took so far, NUL-terminated. */
	const char *(*sent)(void *dev);
	void *dev;
};

#define FAKE_UART_FULL (~0u)

/* Runs the contract through console (already bound to f's UART, which has room and has sent
 * nothing yet). Leaves the UART with room. */
void check_uart_tx(const struct log_console *console, const struct uart_tx_fake *f);

/* uart_console_init(&u) returns taken; when it takes u it fills every hook of the console,
 * when it refuses u it leaves the console as it was. Touches no register (a test may check
 * that with no fake device attached). */
void check_uart_taken(struct uart u, bool taken);

#endif
