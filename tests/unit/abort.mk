# tests/unit/abort.mk - host test of the data-abort syndrome decoder, hyp/exit/abort.c.
UNIT_TESTS += abort
abort_SRCS := hyp/exit/abort.c
