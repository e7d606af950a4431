/*
 * uart_cdns.h - the Cadence UART driver for skiff's console (uart_console.c binds it).
 */
#ifndef SKIFF_DRIVERS_UART_CDNS_H
#define SKIFF_DRIVERS_UART_CDNS_H

#include "drivers/uart_port.h"

extern const struct uart_ops uart_cdns_ops;

#endif
