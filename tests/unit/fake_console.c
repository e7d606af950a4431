/*
 * fake_console.c - the host tests' console (fake_console.h). Touches only its own buffer.
 */
#include "tests/unit/fake_console.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lib/log.h"

static char out[1 << 16];
static size_t out_len;

static void con_putc(uintptr_t ctx, char c)
{
	(void)ctx;
	if (out_len + 1 < sizeof(out))
		out[out_len++] = c;
	out[out_len] = '\0';
}

static bool con_try_putc(uintptr_t ctx, char c)
{
	con_putc(ctx, c);
	return true;
}

static const struct log_console console = { .try_putc = con_try_putc, .putc = con_putc };

void fake_console_install(void)
{
	out_len = 0;
	out[0] = '\0';
	log_set_console(&console);
}

const char *fake_console_text(void)
{
	return out;
}

size_t fake_console_len(void)
{
	return out_len;
}

unsigned int fake_console_count(const char *needle)
{
	unsigned int n = 0;
	const char *p = out;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}
