/*
 * log.c - formats log lines ("skiff: ..." / "skiff: cpuN: ...") and writes them whole to the
 * console under a lock, so lines from several CPUs never interleave. Knows nothing of the
 * UART behind the console.
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
static bool lock_enabled;
static struct spinlock log_lock;

void log_set_console(log_putc_fn putc, uintptr_t ctx)
{
	console_putc = putc;
	console_ctx = ctx;
}

void log_enable_lock(void)
{
	lock_enabled = true;
}

static void put_line(const char *line)
{
	if (!console_putc)
		return;
	for (; *line; line++) {
		if (*line == '\n')
			console_putc(console_ctx, '\r');
		console_putc(console_ctx, *line);
	}
}

static void log_emit(const char *prefix, const char *fmt, va_list ap)
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
	put_line(line);
	if (lock_enabled)
		spin_unlock(&log_lock);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit("", fmt, ap);
	va_end(ap);
}

void log_cpu(unsigned int cpu, const char *fmt, ...)
{
	char prefix[16];
	va_list ap;

	fmt_snprintf(prefix, sizeof(prefix), "cpu%u: ", cpu);
	va_start(ap, fmt);
	log_emit(prefix, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit("fatal: ", fmt, ap);
	va_end(ap);
	cpu_halt();
}
