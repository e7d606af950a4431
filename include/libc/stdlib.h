/* stdlib.h - the one stdlib function libfdt needs in the freestanding image (lib/string.c). */
#ifndef SKIFF_LIBC_STDLIB_H
#define SKIFF_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif
