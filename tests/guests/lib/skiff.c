/*
 * skiff.c - skiff's hypercalls from the test guests (SMCCC fast calls over HVC, owner 6),
 * made only when the device tree says skiff is there. Printing the log ring copies it into
 * a static buffer (identity map: its VA is its IPA; RAM is cacheable on both sides).
 */
#include "tests/guests/lib/skiff.h"

#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/psci.h"

#define LOG_CHUNK 512
#define LOG_LINE_MAX 160

static char log_buf[LOG_CHUNK] __attribute__((aligned(64)));

int64_t skiff_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t *x1)
{
	register uint64_t r0 asm("x0") = fid;
	register uint64_t r1 asm("x1") = a1;
	register uint64_t r2 asm("x2") = a2;
	register uint64_t r3 asm("x3") = a3;

	if (!plat.skiff)
		return PSCI_RET_NOT_SUPPORTED;
	asm volatile("hvc #0"
		     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
		     :
		     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
		       "x16", "x17", "memory");
	if (x1)
		*x1 = r1;
	return (int64_t)r0;
}

int64_t skiff_version(void)
{
	return skiff_hvc(SKIFF_HVC_VERSION, 0, 0, 0, NULL);
}

int64_t skiff_counter(unsigned int id, unsigned int index)
{
	return skiff_hvc(SKIFF_HVC_COUNTER, id, index, 0, NULL);
}

int64_t skiff_vcpu_exits(unsigned int vcpu, unsigned int reason)
{
	return skiff_counter(SKIFF_CNT_VCPU_EXITS + reason, vcpu);
}

int64_t skiff_test_set(unsigned int knob, uint64_t value)
{
	return skiff_hvc(SKIFF_HVC_TEST_SET, knob, value, 0, NULL);
}

static void flush_line(char *line, size_t *n)
{
	if (*n) {
		line[*n] = '\0';
		printk("# skiff log: %s\n", line);
	}
	*n = 0;
}

void skiff_print_log(size_t max_bytes)
{
	char line[LOG_LINE_MAX + 1];
	uint64_t total = 0, off;
	size_t n = 0;

	/* A first read only for x1, the bytes logged since boot (a zero length is invalid). */
	if (!plat.skiff ||
	    skiff_hvc(SKIFF_HVC_LOG_READ, (uintptr_t)log_buf, sizeof(log_buf), 0, &total) < 0) {
		printk("# skiff log: not available\n");
		return;
	}
	off = total > max_bytes ? total - max_bytes : 0;
	printk("# skiff log: %llu bytes logged since boot, the last %llu follow\n",
	       (unsigned long long)total, (unsigned long long)(total - off));
	while (off < total) {
		int64_t got = skiff_hvc(SKIFF_HVC_LOG_READ, (uintptr_t)log_buf, sizeof(log_buf),
					off, NULL);
		int64_t i;

		if (got <= 0)
			break;
		for (i = 0; i < got && i < (int64_t)sizeof(log_buf); i++) {
			char c = log_buf[i];

			if (c == '\n' || n == LOG_LINE_MAX) {
				flush_line(line, &n);
				if (c == '\n')
					continue;
			}
			if (c == '\r')
				continue;
			line[n++] = (c >= 0x20 && c < 0x7f) ? c : '?';
		}
		off += (uint64_t)got;
	}
	flush_line(line, &n);
}
