/*
 * timer.h - the EL1 virtual and physical generic timers as the test guests use them:
 * CNT{V,P}_CTL/CVAL/TVAL and the counters, one struct of accessors per timer so a test can
 * run the same checks on both.
 */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include <stdint.h>

#define TIMER_VIRT_PPI 27
#define TIMER_PHYS_PPI 30

#define CNT_CTL_ENABLE (1U << 0)
#define CNT_CTL_IMASK (1U << 1)
#define CNT_CTL_ISTATUS (1U << 2)

struct gtimer {
	const char *name;
	uint32_t ppi;
	uint64_t (*count)(void);
	void (*set_ctl)(uint32_t ctl);
	uint32_t (*get_ctl)(void);
	void (*set_cval)(uint64_t cval);
	void (*set_tval)(uint32_t tval);
};

extern const struct gtimer vtimer;
extern const struct gtimer ptimer;

/* Both timers disabled (their reset state is UNKNOWN). */
void timers_off(void);

#endif
