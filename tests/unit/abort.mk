# tests/unit/abort.mk - host test of the data-abort syndrome decoder, hyp/emul/abort.c.
UNIT_TESTS += abort
abort_SRCS := hyp/emul/abort.c
