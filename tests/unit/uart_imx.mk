# tests/unit/uart_imx.mk - host test of the i.MX UART console driver, drivers/uart_imx.c, against
# a fake i.MX UART on the fake MMIO bus.
UNIT_TESTS += uart_imx
uart_imx_SRCS := drivers/uart_console.c drivers/uart_port.c drivers/pl011.c \
	drivers/uart_8250.c drivers/uart_cdns.c drivers/uart_imx.c tests/unit/fake_mmio.c \
	tests/unit/uart_checks.c
uart_imx_CFLAGS := -include tests/unit/fake_mmio.h
