/*
 * exception.c - names of the EL2 vector table's slots (exception.h's EXC_* numbering), for
 * messages. Touches nothing.
 */
#include "arch/arm64/exception.h"

static const char *const slot_names[] = {
	"sync from EL2 (SP0)",	 "irq from EL2 (SP0)",	"fiq from EL2 (SP0)",
	"serror from EL2 (SP0)", "sync from EL2",	"irq from EL2",
	"fiq from EL2",		 "serror from EL2",	"sync from a lower EL",
	"irq from a lower EL",	 "fiq from a lower EL", "serror from a lower EL",
	"sync from AArch32",	 "irq from AArch32",	"fiq from AArch32",
	"serror from AArch32",
};

const char *exc_slot_name(unsigned long slot)
{
	return slot < sizeof(slot_names) / sizeof(slot_names[0]) ? slot_names[slot] : "?";
}
