/*
 * bootargs.c - key=value words of a kernel command line (bootargs.h), shared by the AArch64
 * and AArch32 test guests' runtimes.
 */
#include "tests/guests/lib/bootargs.h"

#include <string.h>

bool bootargs_get(const char *args, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key);
	const char *p = args;

	while (p && *p) {
		const char *end;

		while (*p == ' ')
			p++;
		end = p;
		while (*end && *end != ' ')
			end++;
		if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t n = (size_t)(end - p) - klen - 1;

			if (!size)
				return true;
			if (n >= size)
				n = size - 1;
			memcpy(val, p + klen + 1, n);
			val[n] = '\0';
			return true;
		}
		p = end;
	}
	return false;
}
