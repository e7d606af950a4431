# tests/unit/log.mk - host test of skiff's log, lib/log.c: per-guest views, the limits, and a
# console that never makes a CPU wait (against a fake UART and clock).
UNIT_TESTS += log
log_SRCS := lib/log.c lib/printf.c
