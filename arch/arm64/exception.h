/*
 * exception.h - the register frame vectors.S saves on every exception taken to EL2, and
 * the C entry it calls. Knows nothing of what the exceptions mean.
 */
#ifndef SKIFF_ARCH_EXCEPTION_H
#define SKIFF_ARCH_EXCEPTION_H

#define EXC_FRAME_SIZE (36 * 8)
#define EXC_FRAME_ENTRY_CYCLES (31 * 8)
#define EXC_FRAME_ELR (32 * 8)
#define EXC_FRAME_ESR (34 * 8)

/* Vector slots, in the order of the table (Arm ARM D1.10.2) */
#define EXC_CUR_SP0_SYNC 0
#define EXC_CUR_SPX_SYNC 4
#define EXC_CUR_SPX_IRQ 5
#define EXC_CUR_SPX_FIQ 6
#define EXC_CUR_SPX_SERROR 7
#define EXC_LOWER64_SYNC 8
#define EXC_LOWER64_IRQ 9

#ifndef __ASSEMBLY__
#include <stdint.h>

struct exc_frame {
	uint64_t x[31];
	uint64_t entry_cycles; /* PMCCNTR_EL0 at the vector (instructions under icount) */
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};

_Static_assert(sizeof(struct exc_frame) == EXC_FRAME_SIZE, "vectors.S frame layout");

/* Handles an exception taken at EL2 (slot below EXC_LOWER64_SYNC) whose frame vectors.S saved;
 * does not return, but leaves through exc_resume(). */
_Noreturn void exc_handle(struct exc_frame *frame, unsigned long slot);
/* The same for a guest exit (slot EXC_LOWER64_SYNC and above); leaves through exc_leave() with
 * the counter of EL2 instructions it is accounted under. */
_Noreturn void exc_lower(struct exc_frame *frame, unsigned long slot);
/* vectors.S: sp back to frame, the exit's instructions added to *cost, the frame restored and
 * ERET. */
_Noreturn void exc_leave(struct exc_frame *frame, uint64_t *cost);
/* vectors.S: sp back to frame, the frame restored and ERET; nothing counted. */
_Noreturn void exc_resume(struct exc_frame *frame);
const char *exc_slot_name(unsigned long slot);
#endif

#endif
