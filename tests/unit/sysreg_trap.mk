# tests/unit/sysreg_trap.mk - host test of the trapped PMU and debug register emulation,
# hyp/pmu_trap.c and hyp/debug_trap.c, against fake register files.
UNIT_TESTS += sysreg_trap
sysreg_trap_SRCS := hyp/pmu_trap.c hyp/debug_trap.c
