# tests/unit/uart_cdns.mk - host test of the Cadence UART console driver, drivers/uart_cdns.c,
# against a fake Cadence UART on the fake MMIO bus.
UNIT_TESTS += uart_cdns
uart_cdns_SRCS := drivers/uart_console.c drivers/uart_port.c drivers/pl011.c \
	drivers/uart_8250.c drivers/uart_cdns.c drivers/uart_imx.c tests/unit/fake_mmio.c \
	tests/unit/uart_checks.c
uart_cdns_CFLAGS := -include tests/unit/fake_mmio.h
