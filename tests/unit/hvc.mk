# tests/unit/hvc.mk - host test of skiff's own hypercalls, hyp/hvc.c, with the real log
# (hyp/log.c) behind SKIFF_HVC_LOG_READ and the VM lookups (hyp/vm_lookup.c).
UNIT_TESTS += hvc
hvc_SRCS := hyp/hvc.c hyp/vm_lookup.c hyp/log.c hyp/printf.c
