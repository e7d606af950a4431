# tests/unit/review.mk - review reproducers (branch review): configurations that
# hyp/assign.c (and so skiff-check) accepts but hyp/vm.c cannot build at boot.
UNIT_TESTS += review
review_SRCS := hyp/config.c hyp/ledger.c hyp/assign.c hyp/dma.c hyp/fdt_index.c hyp/platform.c \
	hyp/printf.c arch/arm64/pgtable.c
