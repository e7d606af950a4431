# tests/unit/exception.mk - host test of hyp/run/exception.c (what each exception taken to
# EL2 leads to), with the real log and slot names (arch/arm64/exception.c) on the fake CPU.
UNIT_TESTS += exception
exception_SRCS := hyp/run/exception.c arch/arm64/exception.c lib/log.c lib/printf.c \
	tests/unit/fake_cpu.c tests/unit/fake_console.c
