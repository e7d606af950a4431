/*
 * stack_protector.c - the canary and failure hook that Debian's libfdt.a (built with
 * -fstack-protector) expects. A smashed stack stops the CPU with a message.
 */
#include <stdint.h>

#include "lib/log.h"

uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ull;

void __stack_chk_fail(void);

void __stack_chk_fail(void)
{
	fatal("stack smashing detected");
}
