/*
 * pl011.h - polled output on an Arm PL011 UART, for skiff's console: by base address (the
 * early console), or as a struct uart through uart_console_init() (drivers/uart.h).
 */
#ifndef SKIFF_DRIVERS_PL011_H
#define SKIFF_DRIVERS_PL011_H

#include <stdbool.h>
#include <stdint.h>

/* Wait (a bounded time) for room in the transmit FIFO, then send c; drop it if none came. */
void pl011_putc(uintptr_t base, char c);
/* Send c if the transmit FIFO has room now; false (nothing sent) if it is full. */
bool pl011_try_putc(uintptr_t base, char c);
/* Keep the UART's set-up (baud rate, line, control, interrupt masks) before a guest owns it,
 * and put it back when skiff takes the UART again. */
void pl011_save(uintptr_t base);
void pl011_restore(uintptr_t base);

/* The PL011 as uart_console.c drives it (drivers/uart_port.h): the same registers saved and
 * restored in the same order as the two above. */
struct uart_ops;
extern const struct uart_ops uart_pl011_ops;

#endif
