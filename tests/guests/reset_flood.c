/*
 * reset_flood.c - a guest that calls PSCI SYSTEM_RESET as fast as it can, reset_flood.resets
 * times (default 300), then checks how many lines skiff logged about those resets in its own
 * view of the log (SKIFF_HVC_LOG_READ).
 *
 * hyp/guests/lifecycle.c logs a line per SYSTEM_RESET and per restart; a guest cannot make skiff
 * log without bound (README, "What a guest can reach"), so those lines go through the per-guest
 * limit. The check: the lines about its own resets in its view are within what the limit
 * allows for the time since the machine started (LOG_LIMIT_BURST per LOG_LIMIT_WINDOW_S, plus
 * one "suppressed" report per window). Before the limit applied (issue 9 review) every reset
 * was logged, and a few hundred resets turned the shared ring over, evicting every other
 * guest's and skiff's lines.
 *
 * Each boot but the last prints nothing of TAP; the last prints the plan and the result.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/psci.h"
#include "tests/guests/lib/skiff.h"
#include "tests/guests/lib/tap.h"

#define DEFAULT_RESETS 300
#define LIMIT_BURST 10	 /* lib/log.h LOG_LIMIT_BURST */
#define LIMIT_WINDOW_S 5 /* lib/log.h LOG_LIMIT_WINDOW_S */
#define RING_SIZE 65536	 /* lib/log.h LOG_RING_SIZE */
#define CHUNK 4096

const char guest_name[] = "reset_flood";

static char view[RING_SIZE + 1] __attribute__((aligned(64)));

static unsigned int count(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;
	unsigned int c = 0;

	for (i = 0; i + k <= n; i++)
		if (!memcmp(hay + i, needle, k))
			c++;
	return c;
}

/* Its whole view of the log as kept; the bytes of its view since boot in *total. */
static size_t read_view(uint64_t *total)
{
	uint64_t off;
	size_t n = 0;

	if (skiff_hvc(SKIFF_HVC_LOG_READ, (uintptr_t)view, 1, 0, total) < 0)
		return 0;
	off = *total > RING_SIZE ? *total - RING_SIZE : 0;
	while (n < RING_SIZE) {
		int64_t got = skiff_hvc(SKIFF_HVC_LOG_READ, (uintptr_t)view + n,
					RING_SIZE - n < CHUNK ? RING_SIZE - n : CHUNK, off, NULL);

		if (got <= 0)
			break;
		n += (size_t)got;
		off += (uint64_t)got;
	}
	view[n] = '\0';
	return n;
}

void guest_main(void)
{
	uint64_t want = DEFAULT_RESETS, total = 0, elapsed_s, allowed;
	int64_t resets, suppressed;
	unsigned int lines;
	size_t n;
	char v[16];

	if (bootarg("reset_flood.resets", v, sizeof(v)))
		want = strtoul(v, NULL, 0);
	if (!plat.skiff) {
		tap_plan(1);
		tap_skip_native("lines about its resets are limited");
		return;
	}
	resets = skiff_counter(SKIFF_CNT_GUEST_RESETS, 0);
	if (resets >= 0 && (uint64_t)resets < want) {
		psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
		bail_out("PSCI SYSTEM_RESET returned");
	}
	tap_plan(1);
	n = read_view(&total);
	lines = count(view, n, "SYSTEM_RESET from vcpu") + count(view, n, "restarting (restart");
	suppressed = skiff_counter(SKIFF_CNT_GUEST_LOG_SUPPRESSED, 0);
	/* an upper bound of the time since the machine started: the counter starts at reset */
	elapsed_s = counter_now() / counter_freq() + 1;
	allowed = (elapsed_s / LIMIT_WINDOW_S + 1) * (LIMIT_BURST + 1);
	tap_diag("reset_flood: %lld resets in at most %llu s; its view: %llu bytes since boot, "
		 "%zu kept; SKIFF_CNT_GUEST_LOG_SUPPRESSED %lld",
		 (long long)resets, (unsigned long long)elapsed_s, (unsigned long long)total, n,
		 (long long)suppressed);
	tap_ok(resets >= 0 && lines <= allowed,
	       "lines skiff logged about its own SYSTEM_RESETs: %u still in its view, the "
	       "per-guest "
	       "limit allows at most %llu in %llu s",
	       lines, (unsigned long long)allowed, (unsigned long long)elapsed_s);
}
