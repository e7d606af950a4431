# tests/unit/review_log.mk - review reproducer (branch review): the virtual console's byte
# budget in hyp/log.c counts the text only, not what each line costs the shared ring.
UNIT_TESTS += review_log
review_log_SRCS := hyp/log.c hyp/printf.c
