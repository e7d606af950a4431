/*
 * tap.h - TAP output of the test guests: the plan, numbered ok / not ok lines with "# "
 * diagnostics, SKIPs, and the closing summary and "# guest NAME done" line before
 * SYSTEM_OFF. Safe to call from any CPU (one line at a time under the console lock).
 */
#ifndef GUEST_TAP_H
#define GUEST_TAP_H

#include <stdbool.h>

void tap_plan(unsigned int n);
/* Prints ok/not ok N - name (printf-style) and returns cond. */
bool tap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_skip(const char *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Skipped because the check only means something under skiff. */
#define tap_skip_native(...) tap_skip("native", __VA_ARGS__)
/* Test 1 of every guest: x0 pointed at a device tree. */
void tap_check_dtb(void);
/* "# N passed, N failed, N skipped" (and a plan mismatch), for a run that does not end here. */
void tap_summary(void);
/* Summary, "# guest NAME done", PSCI SYSTEM_OFF. */
void tap_done(void) __attribute__((noreturn));

#endif
