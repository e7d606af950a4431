/*
 * smp.h - starting the secondary CPUs (firmware PSCI or spin-table) and waiting for them.
 */
#ifndef SKIFF_HYP_SMP_H
#define SKIFF_HYP_SMP_H

/* Start every logical CPU but the boot one; returns how many are up (boot CPU included). */
unsigned int smp_start_secondaries(void);

/* A diagnostic for the test harness: this logical CPU takes a data abort at EL2 after it
 * comes up (-1: none). */
extern int smp_fault_cpu;

#endif
