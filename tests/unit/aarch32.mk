# tests/unit/aarch32.mk - host test of arch/arm64/aarch32.c (an AArch32 EL1 guest's registers,
# conditions, IT state, entry and exception entry) on the fake CPU.
UNIT_TESTS += aarch32
aarch32_SRCS := arch/arm64/aarch32.c tests/unit/fake_cpu.c
