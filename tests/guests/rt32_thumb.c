/*
 * rt32_thumb.c - rt32 entered in Thumb state at its first byte (skiff's arch =
 * "aarch32-thumb", dts/tests/aarch32-thumb.dts): the same checks, its entry check expecting
 * CPSR.T set. Linked with lib32/start_thumb.S instead of start.S.
 */
#define RT32_THUMB_ENTRY 1
#include "tests/guests/rt32.c"
