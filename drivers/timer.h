/*
 * timer.h - the Arm generic timer as skiff uses it: the system counter and the EL2 physical
 * (hypervisor) timer.
 */
#ifndef SKIFF_DRIVERS_TIMER_H
#define SKIFF_DRIVERS_TIMER_H

#include <stdint.h>

uint64_t timer_freq(void);  /* CNTFRQ_EL0, ticks per second */
uint64_t timer_count(void); /* CNTPCT_EL0 */
uint64_t timer_us_to_ticks(uint64_t us);
void timer_hyp_arm(uint64_t ticks); /* CNTHP: fire after ticks, interrupt unmasked */
void timer_hyp_stop(void);
void timer_allow_el1_physical(void); /* CNTHCTL_EL2: EL1 may use the physical counter/timer */

#endif
