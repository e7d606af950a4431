# tests/unit/sysreg_trap.mk - host test of the trapped PMU and debug register emulation,
# hyp/exit/pmu_trap.c and hyp/exit/debug_trap.c, against fake register files.
UNIT_TESTS += sysreg_trap
sysreg_trap_SRCS := hyp/exit/pmu_trap.c hyp/exit/debug_trap.c
