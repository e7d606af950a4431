/*
 * fake_console.h - skiff's log as host tests read it: a console for log_set_console that
 * keeps everything printed. Touches only its own buffer.
 */
#ifndef SKIFF_TESTS_FAKE_CONSOLE_H
#define SKIFF_TESTS_FAKE_CONSOLE_H

#include <stddef.h>

/* Empty the buffer and make it the log's console. */
void fake_console_install(void);
/* What the log printed since, NUL-terminated (cut at 64 KiB). */
const char *fake_console_text(void);
size_t fake_console_len(void);
/* How many times needle appears in it. */
unsigned int fake_console_count(const char *needle);

#endif
