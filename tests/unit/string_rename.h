/*
 * string_rename.h - force-included (string_CFLAGS) into the host build of lib/string.c and
 * its test: renames each function lib/string.c defines to skiff_<name>, so it links beside
 * the host's libc. The host's own headers come first, so they keep the libc names.
 * Test-only; must not be included by anything in the image.
 */
#ifndef SKIFF_TESTS_STRING_RENAME_H
#define SKIFF_TESTS_STRING_RENAME_H

#include <stdlib.h>
#include <string.h>

#define memcpy skiff_memcpy
#define memmove skiff_memmove
#define memset skiff_memset
#define memcmp skiff_memcmp
#define memchr skiff_memchr
#define strlen skiff_strlen
#define strnlen skiff_strnlen
#define strcmp skiff_strcmp
#define strncmp skiff_strncmp
#define strchr skiff_strchr
#define strrchr skiff_strrchr
#define strtoul skiff_strtoul

#endif
