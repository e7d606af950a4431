# tests/unit/sysreg_trap.mk - host test of the trapped PMU and debug register emulation,
# hyp/emul/pmu_trap.c and hyp/emul/debug_trap.c, against fake register files.
UNIT_TESTS += sysreg_trap
sysreg_trap_SRCS := hyp/emul/pmu_trap.c hyp/emul/debug_trap.c
