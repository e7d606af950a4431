/* start_thumb.S - lib32's start.S with its first instructions in Thumb state (THUMB_ENTRY),
 * for a guest entered in Thumb state at its first byte (tests/guests/rt32_thumb.c). */
#define THUMB_ENTRY
#include "tests/guests/lib32/start.S"
