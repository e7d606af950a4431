# tests/unit/ledger.mk - host test of hyp/plan/ledger.c (no fixtures).
UNIT_TESTS += ledger
ledger_SRCS := hyp/plan/ledger.c lib/printf.c
