# tests/unit/abort.mk - host test of the data-abort syndrome decoder, hyp/abort.c.
UNIT_TESTS += abort
abort_SRCS := hyp/abort.c
