# tests/unit/hvc.mk - host test of skiff's own hypercalls, hyp/exit/hvc.c, with the real log
# (lib/log.c) behind SKIFF_HVC_LOG_READ and the VM lookups (hyp/core/vm_lookup.c).
UNIT_TESTS += hvc
hvc_SRCS := hyp/exit/hvc.c hyp/core/vm_lookup.c lib/log.c lib/printf.c
