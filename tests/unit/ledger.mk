# tests/unit/ledger.mk - host test of hyp/ledger.c (no fixtures).
UNIT_TESTS += ledger
ledger_SRCS := hyp/ledger.c hyp/printf.c
