/*
 * spinlock.h - a ticket lock for the few places skiff's CPUs share state (the log, a VM's
 * vGIC and power state, boot bookkeeping). Needs the MMU on: exclusive accesses require
 * normal memory. spin_is_locked() is for assertions (SPIN_ASSERT_HELD): it says the lock is
 * held by someone, which is what a function that needs its caller to hold it can check.
 */
#ifndef SKIFF_LIB_SPINLOCK_H
#define SKIFF_LIB_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
	uint32_t next;
	uint32_t owner;
};

/*
 * A waiter sleeps in WFE (Arm ARM D1.6.1, Wait For Event): its load-acquire exclusive arms the
 * exclusive monitor on owner, and the holder's unlocking store clears it, an event that ends
 * the WFE. Besides power, this matters where several CPUs share fewer threads: QEMU's
 * single-threaded TCG moves on to the next CPU at WFE, so the holder runs instead of a waiter
 * spinning out its time slice (Linux on QEMU's GICv2 with four vCPUs took minutes to boot).
 * Taken at once, the lock costs what it did.
 */
static inline void spin_lock(struct spinlock *l)
{
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
#ifdef SKIFF_HOST_TEST
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		;
#else
	uint32_t owner;

	if (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) == ticket)
		return;
	__asm__ volatile("sevl" ::: "memory"); /* the first WFE returns at once */
	do {
		__asm__ volatile("wfe\n\tldaxr %w0, %1" : "=&r"(owner) : "Q"(l->owner) : "memory");
	} while (owner != ticket);
#endif
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

/* Take the lock only if nobody holds it or waits for it; true when taken. */
static inline bool spin_trylock(struct spinlock *l)
{
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);
	uint32_t next = owner;

	return __atomic_compare_exchange_n(&l->next, &next, owner + 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline bool spin_is_locked(const struct spinlock *l)
{
	return __atomic_load_n(&l->next, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
}

/* A function that needs its caller to hold a lock says so: checked in host tests and debug
 * builds (SKIFF_DEBUG), free otherwise. */
#if defined(SKIFF_HOST_TEST) || defined(SKIFF_DEBUG)
#define SPIN_ASSERT_HELD(l)                                   \
	do {                                                  \
		if (!spin_is_locked(l))                       \
			__builtin_trap(); /* lock not held */ \
	} while (0)
#else
#define SPIN_ASSERT_HELD(l) ((void)(l))
#endif

#endif
