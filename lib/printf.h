/*
 * printf.h - printf-style formatting into a buffer, for the log and error messages.
 * Pure logic: writes only into the caller's buffer; knows nothing of consoles.
 */
#ifndef SKIFF_LIB_PRINTF_H
#define SKIFF_LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * C99 vsnprintf semantics: writes at most size bytes including the terminating NUL
 * (always terminated when size > 0) and returns the length the full output would have.
 * Conversions: d i u x X o c s p %; flags - 0 + space #; width and precision as numbers
 * or *; length modifiers hh h l ll z t j. %s of NULL prints "(null)"; %p prints 0x<hex>.
 * An unknown conversion is copied through literally.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * An error message for the console: "<where>: <message>" (just the message when where is
 * NULL), truncated to size, every byte that is not printable ASCII replaced by '?' (device
 * trees and configs put arbitrary bytes in the strings it quotes). Nothing when size is 0.
 */
void fmt_message(char *buf, size_t size, const char *where, const char *fmt, va_list ap);

#endif
