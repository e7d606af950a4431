# tests/unit/irq_entry.mk - host test of hyp/run/irq_entry.c, the EL2 interrupt handler, with
# the real log and fakes for the physical GIC, the CPU table, the vGIC and the SPI owners.
UNIT_TESTS += irq_entry
irq_entry_SRCS := hyp/run/irq_entry.c lib/log.c lib/printf.c tests/unit/fake_console.c
