# tests/unit/psci.mk - host test of the guest-facing PSCI 1.1 / SMCCC 1.1 calls, hyp/exit/psci.c,
# with the VM lookups it relies on, hyp/core/vm_lookup.c.
UNIT_TESTS += psci
psci_SRCS := hyp/exit/psci.c hyp/core/vm_lookup.c
