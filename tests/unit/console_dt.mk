# tests/unit/console_dt.mk - host test of finding skiff's console from /chosen/stdout-path,
# hyp/plan/console_dt.c, on trees built in memory.
UNIT_TESTS += console_dt
console_dt_SRCS := hyp/plan/console_dt.c hyp/plan/fdt_addr.c hyp/plan/fdt_index.c \
	hyp/plan/fdt_struct.c drivers/uart.c lib/printf.c
