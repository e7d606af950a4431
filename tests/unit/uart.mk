# tests/unit/uart.mk - host test of telling UARTs apart, drivers/uart.c: uart_match over real
# compatible lists, and the kind names.
UNIT_TESTS += uart
uart_SRCS := drivers/uart.c
