# tests/unit/uart_console.mk - host test of binding a UART to the console, drivers/uart_console.c
# and uart_port.c: the layouts it takes, the copy it keeps, and the PL011 driven through it (a
# fake PL011, also for drivers/pl011.c's own entry points).
UNIT_TESTS += uart_console
uart_console_SRCS := drivers/uart_console.c drivers/uart_port.c drivers/pl011.c \
	drivers/uart_8250.c drivers/uart_cdns.c drivers/uart_imx.c tests/unit/fake_mmio.c \
	tests/unit/uart_checks.c
uart_console_CFLAGS := -include tests/unit/fake_mmio.h
