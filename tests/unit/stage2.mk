# tests/unit/stage2.mk - host test of arch/arm64/stage2.c: IPA size, start level and VTCR_EL2
# from a faked ID_AA64MMFR0_EL1.PARange (tests/unit/fake_cpu.c), and the first mappings.
UNIT_TESTS += stage2
stage2_SRCS := arch/arm64/stage2.c arch/arm64/pgtable.c tests/unit/fake_cpu.c
