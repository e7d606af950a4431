# tests/unit/uart_8250.mk - host test of the 8250/16550 and BCM2835 mini UART console driver,
# drivers/uart_8250.c, against a fake 16550 on the fake MMIO bus (DLAB banking, a busy dw-apb,
# the mini UART's CNTL).
UNIT_TESTS += uart_8250
uart_8250_SRCS := drivers/uart_console.c drivers/uart_port.c drivers/pl011.c \
	drivers/uart_8250.c drivers/uart_cdns.c drivers/uart_imx.c tests/unit/fake_mmio.c \
	tests/unit/uart_checks.c
uart_8250_CFLAGS := -include tests/unit/fake_mmio.h
