# tests/unit/trap.mk - host test of hyp/exit/trap.c's dispatch of guest exits, with the real
# abort decoder, MMIO bus, PMU/debug emulators and log, on the fake CPU (tests/unit/fake_cpu.c).
UNIT_TESTS += trap
trap_SRCS := hyp/exit/trap.c arch/arm64/aarch32.c hyp/emul/abort.c hyp/emul/mmio.c hyp/emul/pmu_trap.c \
	hyp/emul/debug_trap.c arch/arm64/exception.c lib/log.c lib/printf.c tests/unit/fake_cpu.c tests/unit/fake_console.c
