/*
 * log.c - formats log lines ("skiff: ..." / "skiff: cpuN: ...") and writes them whole, under
 * a lock so lines from several CPUs never interleave, to a memory ring and to the console
 * unless a guest owns it. Knows nothing of the UART behind the console.
 */
#include "hyp/log.h"
#include "hyp/printf.h"
#include "hyp/spinlock.h"

#include <stdarg.h>
#include <stdbool.h>

#define LOG_LINE_MAX 256

extern void cpu_halt(void) __attribute__((noreturn));

static log_putc_fn console_putc;
static uintptr_t console_ctx;
static bool console_handed_over;
static bool lock_enabled;
static struct spinlock log_lock;
static char ring[LOG_RING_SIZE];
static uint64_t ring_total; /* bytes ever written to the ring */

void log_set_console(log_putc_fn putc, uintptr_t ctx)
{
	console_putc = putc;
	console_ctx = ctx;
}

void log_enable_lock(void)
{
	lock_enabled = true;
}

void log_handover_console(void)
{
	console_handed_over = true;
}

void log_reclaim_console(void)
{
	console_handed_over = false;
}

static void put_line(const char *line, bool force)
{
	const char *c;

	for (c = line; *c; c++)
		ring[ring_total++ % LOG_RING_SIZE] = *c;
	if (!console_putc || (console_handed_over && !force))
		return;
	for (; *line; line++) {
		if (*line == '\n')
			console_putc(console_ctx, '\r');
		console_putc(console_ctx, *line);
	}
}

uint64_t log_ring_read(uint64_t offset, char *buf, uint64_t len, uint64_t *total)
{
	uint64_t oldest, n = 0;

	if (lock_enabled)
		spin_lock(&log_lock);
	*total = ring_total;
	oldest = ring_total > LOG_RING_SIZE ? ring_total - LOG_RING_SIZE : 0;
	if (offset < oldest)
		offset = oldest;
	for (; offset < ring_total && n < len; offset++, n++)
		buf[n] = ring[offset % LOG_RING_SIZE];
	if (lock_enabled)
		spin_unlock(&log_lock);
	return n;
}

static void log_emit(const char *prefix, bool force, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int len = fmt_snprintf(line, sizeof(line), "skiff: %s", prefix);

	if (len < 0 || len >= (int)sizeof(line) - 2)
		len = 0;
	len += fmt_vsnprintf(line + len, sizeof(line) - 1 - len, fmt, ap);
	if (len > (int)sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len] = '\n';
	line[len + 1] = '\0';
	if (lock_enabled)
		spin_lock(&log_lock);
	put_line(line, force);
	if (lock_enabled)
		spin_unlock(&log_lock);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit("", false, fmt, ap);
	va_end(ap);
}

static void log_cpu_emit(unsigned int cpu, bool force, const char *fmt, va_list ap)
{
	char prefix[16];

	fmt_snprintf(prefix, sizeof(prefix), "cpu%u: ", cpu);
	log_emit(prefix, force, fmt, ap);
}

void log_cpu(unsigned int cpu, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_cpu_emit(cpu, false, fmt, ap);
	va_end(ap);
}

void log_cpu_alert(unsigned int cpu, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_cpu_emit(cpu, true, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit("fatal: ", true, fmt, ap);
	va_end(ap);
	cpu_halt();
}
