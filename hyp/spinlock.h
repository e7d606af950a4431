/*
 * spinlock.h - a ticket lock for the few places skiff's CPUs share state (the log, boot
 * bookkeeping). Needs the MMU on: exclusive accesses require normal memory.
 */
#ifndef SKIFF_HYP_SPINLOCK_H
#define SKIFF_HYP_SPINLOCK_H

#include <stdint.h>

struct spinlock {
	uint32_t next;
	uint32_t owner;
};

static inline void spin_lock(struct spinlock *l)
{
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		;
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

#endif
