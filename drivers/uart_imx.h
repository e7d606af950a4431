/*
 * uart_imx.h - the i.MX UART driver for skiff's console (uart_console.c binds it).
 */
#ifndef SKIFF_DRIVERS_UART_IMX_H
#define SKIFF_DRIVERS_UART_IMX_H

#include "drivers/uart_port.h"

extern const struct uart_ops uart_imx_ops;

#endif
