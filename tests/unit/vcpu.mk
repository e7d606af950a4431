# tests/unit/vcpu.mk - host test of hyp/run/vcpu.c (a vCPU's exits, parking, start and the
# entry checks) on the fake CPU, with the real log; the list registers, trap dispatch and
# guest entry are the test's fakes.
UNIT_TESTS += vcpu
vcpu_SRCS := hyp/run/vcpu.c lib/log.c lib/printf.c tests/unit/fake_cpu.c tests/unit/fake_console.c
