# tests/unit/assign_limits.mk - host test of hyp/plan/assign.c at the edges of what it takes, on
# config.mk's fixtures (lim-*.dts, host-limits.dts); the same sources as assign.mk.
UNIT_TESTS += assign_limits
assign_limits_SRCS := $(assign_SRCS)
