/*
 * bootargs.h - key=value words of a kernel command line (/chosen/bootargs), for the test
 * guests of both runtimes (tests/guests/lib and lib32). Plain C on a string: touches nothing.
 */
#ifndef GUEST_BOOTARGS_H
#define GUEST_BOOTARGS_H

#include <stdbool.h>
#include <stddef.h>

/* The value of key=value among the blank-separated words of args into val (NUL-terminated,
 * cut to size); false if args (may be NULL) has no such word. size 0: only whether it has. */
bool bootargs_get(const char *args, const char *key, char *val, size_t size);

#endif
