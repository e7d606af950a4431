/*
 * uart_8250.h - the 8250/16550 driver for skiff's console (uart_console.c binds it).
 */
#ifndef SKIFF_DRIVERS_UART_8250_H
#define SKIFF_DRIVERS_UART_8250_H

#include "drivers/uart_port.h"

extern const struct uart_ops uart_8250_ops;
/* The BCM2835 mini UART: the same registers from AUX_MU_IO_REG on, and AUX_MU_CNTL_REG. */
extern const struct uart_ops uart_bcm_aux_ops;

#endif
