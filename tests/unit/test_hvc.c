/*
 * test_hvc.c - host unit tests for hyp/exit/hvc.c, skiff's own hypercalls, with the real log
 * (lib/log.c) behind SKIFF_HVC_LOG_READ: two guests, each reads skiff's lines and its own but
 * never the other's (issue 9, defect 4); the log buffer must lie in the caller's RAM; the test
 * switch needs test-controls and changes the caller's guest only (defect 6); the counters of
 * the caller's own vCPUs and guest, and errors for everything else. Touches only its VMs and
 * their "RAM" (buffers of this process).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hyp/exit/hvc.h"
#include "lib/log.h"
#include "skiff/hvc.h"

#define RAM_SIZE 0x10000
#define RET_NOT_SUPPORTED ((uint64_t)-1)
#define RET_INVALID ((uint64_t)-2)
#define RET_DENIED ((uint64_t)-3)

void cpu_halt(void) __attribute__((noreturn));
void cpu_halt(void)
{
	abort();
}

static bool fake_spi_counter(const struct vm *vm, uint32_t intid, unsigned int id, uint64_t *val)
{
	if (vm->id != 0 || intid != 40) /* guest 0 owns SPI 40 */
		return false;
	*val = 100 + id;
	return true;
}

static struct vm vms[2];
static uint8_t ram[2][RAM_SIZE] __attribute__((aligned(16)));

static int setup(void **state)
{
	unsigned int g;

	(void)state;
	log_set_halt(cpu_halt);
	hvc_info.spi_counter = fake_spi_counter;
	memset(vms, 0, sizeof(vms));
	for (g = 0; g < 2; g++) {
		struct vm *vm = &vms[g];

		vm->id = g;
		vm->name = g ? "guest@1" : "guest@0";
		vm->state = VM_RUNNING;
		vm->nr_vcpus = 2;
		vm->vcpus[0].vm = vm;
		vm->vcpus[1].vm = vm;
		vm->vcpus[1].id = 1;
		vm->ram[0].base = (uint64_t)(uintptr_t)ram[g];
		vm->ram[0].size = RAM_SIZE;
		vm->nr_ram = 1;
		log_set_guest_name((int)g, vm->name);
	}
	hvc_info.test_controls = false;
	return 0;
}

static uint64_t call(struct vcpu *v, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3,
		     uint64_t *x1)
{
	struct exc_frame f;

	memset(&f, 0, sizeof(f));
	f.x[0] = fid;
	f.x[1] = a1;
	f.x[2] = a2;
	f.x[3] = a3;
	assert_true(hvc_owns((uint32_t)fid) || (uint32_t)fid > SKIFF_HVC_TEST_SET);
	hvc_handle(v, &f);
	if (x1)
		*x1 = f.x[1];
	return f.x[0];
}

/* The whole of guest g's view of the log, read through the hypercall into its RAM. */
static const char *read_view(unsigned int g)
{
	static char text[RAM_SIZE + 1];
	uint64_t total, got;

	assert_true(call(&vms[g].vcpus[0], SKIFF_HVC_LOG_READ, (uintptr_t)ram[g], 1, 0, &total) <=
		    1);
	got = call(&vms[g].vcpus[0], SKIFF_HVC_LOG_READ, (uintptr_t)ram[g], RAM_SIZE,
		   total > RAM_SIZE ? total - RAM_SIZE : 0, NULL);
	assert_true(got <= RAM_SIZE);
	memcpy(text, ram[g], got);
	text[got] = '\0';
	return text;
}

static void test_log_views(void **state)
{
	char *v0, *v1;

	(void)state;
	log_info("a boot line");
	log_guest(0, "vcpu0: access at IPA 0x1000 (PC 0xffff800011112222)");
	log_guest(1, "vcpu1: access at IPA 0x2000 (PC 0xffff800033334444)");
	v0 = strdup(read_view(0));
	v1 = strdup(read_view(1));
	assert_non_null(v0);
	assert_non_null(v1);
	assert_non_null(strstr(v0, "a boot line"));
	assert_non_null(strstr(v1, "a boot line"));
	assert_non_null(strstr(v0, "11112222"));
	assert_null(strstr(v0, "33334444"));
	assert_non_null(strstr(v1, "33334444"));
	assert_null(strstr(v1, "11112222"));
	free(v0);
	free(v1);
}

/* The buffer must lie wholly in the caller's own RAM: not another guest's, not skiff's, not
 * wrapping, not empty. */
static void test_log_read_bounds(void **state)
{
	struct vcpu *v = &vms[0].vcpus[0];
	uint64_t base = (uintptr_t)ram[0];

	(void)state;
	assert_int_equal(call(v, SKIFF_HVC_LOG_READ, (uintptr_t)ram[1], 16, 0, NULL), RET_INVALID);
	assert_int_equal(call(v, SKIFF_HVC_LOG_READ, base, 0, 0, NULL), RET_INVALID);
	assert_int_equal(call(v, SKIFF_HVC_LOG_READ, base + RAM_SIZE - 8, 16, 0, NULL),
			 RET_INVALID);
	assert_int_equal(call(v, SKIFF_HVC_LOG_READ, ~0ull - 4, 16, 0, NULL), RET_INVALID);
	assert_int_equal(call(v, SKIFF_HVC_LOG_READ, base - 16, 32, 0, NULL), RET_INVALID);
	assert_int_equal(call(v, SKIFF_HVC_LOG_READ, base, ~0ull, 0, NULL), RET_INVALID);
	assert_true(call(v, SKIFF_HVC_LOG_READ, base + RAM_SIZE - 16, 16, 0, NULL) <= 16);
}

/* SKIFF_HVC_TEST_SET: denied without test-controls; with it, the caller's guest only. */
static void test_switch_own_guest_only(void **state)
{
	(void)state;
	assert_int_equal(call(&vms[0].vcpus[0], SKIFF_HVC_TEST_SET, SKIFF_TEST_ONESHOT_NO_DEFERRAL,
			      1, 0, NULL),
			 RET_DENIED);
	assert_false(vms[0].oneshot_no_deferral);
	hvc_info.test_controls = true;
	assert_int_equal(call(&vms[0].vcpus[1], SKIFF_HVC_TEST_SET, SKIFF_TEST_ONESHOT_NO_DEFERRAL,
			      1, 0, NULL),
			 0);
	assert_true(vms[0].oneshot_no_deferral);
	assert_false(vms[1].oneshot_no_deferral);
	assert_int_equal(call(&vms[1].vcpus[0], SKIFF_HVC_TEST_SET, SKIFF_TEST_ONESHOT_NO_DEFERRAL,
			      0, 0, NULL),
			 0);
	assert_true(vms[0].oneshot_no_deferral);
	assert_int_equal(call(&vms[1].vcpus[0], SKIFF_HVC_TEST_SET, 77, 1, 0, NULL), RET_INVALID);
}

/* Counters: the caller's vCPUs, its guest, its SPIs; anything else is INVALID. */
static void test_counters(void **state)
{
	struct vcpu *v = &vms[0].vcpus[0];

	(void)state;
	vms[0].vcpus[1].exits[SKIFF_EXIT_FOREIGN] = 3;
	vms[0].vcpus[1].exits[SKIFF_EXIT_MMIO] = 5;
	vms[0].resets = 2;
	vms[1].resets = 9;
	assert_int_equal(
		call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_VCPU_EXITS + SKIFF_EXIT_FOREIGN, 1, 0, NULL),
		3);
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_VCPU_EXITS_ALL, 1, 0, NULL), 5);
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_VCPU_EXITS, 2, 0, NULL), RET_INVALID);
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_GUEST_RESETS, 0, 0, NULL), 2);
	assert_int_equal(
		call(&vms[1].vcpus[0], SKIFF_HVC_COUNTER, SKIFF_CNT_GUEST_RESETS, 0, 0, NULL), 9);
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_GUEST_LOG_SUPPRESSED, 0, 0, NULL),
			 log_guest_suppressed(0));
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_SPI_TAKEN, 40, 0, NULL), 100);
	assert_int_equal(
		call(&vms[1].vcpus[0], SKIFF_HVC_COUNTER, SKIFF_CNT_SPI_TAKEN, 40, 0, NULL),
		RET_INVALID); /* guest 0's SPI */
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_GUEST_LAST + 1, 0, 0, NULL),
			 RET_INVALID);
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, ~0ull, 0, 0, NULL), RET_INVALID);
	assert_int_equal(call(v, SKIFF_HVC_VERSION, 0, 0, 0, NULL), SKIFF_HVC_ABI_VERSION);
	assert_int_equal(call(v, SKIFF_HVC_TEST_SET + 1, 0, 0, 0, NULL), RET_NOT_SUPPORTED);
}

/* The edges of each counter range: the first and the last id of each, one past them, a vCPU
 * one past the guest's, an SPI index with bits above 32 and the guest's own suppressed lines. */
static void test_counter_edges(void **state)
{
	struct vcpu *v = &vms[0].vcpus[0], *w = &vms[1].vcpus[0];
	unsigned int i;

	(void)state;
	vms[0].vcpus[1].exits[SKIFF_EXIT_IRQ] = 7;
	vms[0].vcpus[1].exits[SKIFF_EXIT_OTHER] = 11;
	vms[0].vcpus[1].exits[SKIFF_EXIT_MAINT] = 13; /* a kind of IRQ exit: not summed again */
	vms[0].vcpus[0].exits[SKIFF_EXIT_OTHER] = 1000;
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_VCPU_EXITS, 1, 0, NULL), 7);
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_VCPU_EXITS_ALL, 1, 0, NULL), 18);
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_VCPU_EXITS_ALL, 2, 0, NULL),
			 RET_INVALID);

	for (i = 0; i < SKIFF_EXIT_MAINT; i++)
		vms[0].vcpus[1].el2_cost[i] = 20 + i;
	vms[0].vcpus[1].el2_cost[SKIFF_EXIT_MAINT] = 99;
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_VCPU_EL2_COST, 1, 0, NULL), 20);
	assert_int_equal(
		call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_VCPU_EL2_COST + SKIFF_EXIT_OTHER, 1, 0, NULL),
		20 + SKIFF_EXIT_OTHER);
	assert_int_equal(
		call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_VCPU_EL2_COST + SKIFF_EXIT_MAINT, 1, 0, NULL),
		RET_INVALID);
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_VCPU_EL2_COST, 2, 0, NULL),
			 RET_INVALID);

	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_SPI_UNMASKED, 40, 0, NULL),
			 100 + SKIFF_CNT_SPI_UNMASKED);
	assert_int_equal(call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_SPI_UNMASKED + 1, 40, 0, NULL),
			 RET_INVALID);
	assert_int_equal(
		call(v, SKIFF_HVC_COUNTER, SKIFF_CNT_SPI_TAKEN, (1ull << 32) | 40, 0, NULL),
		RET_INVALID);

	/* guest 1 goes over its line budget; guest 0 does not */
	for (i = 0; i <= LOG_LIMIT_BURST; i++)
		log_guest_limited(1, "line %u", i);
	assert_true(log_guest_suppressed(1) > log_guest_suppressed(0));
	assert_int_equal(call(w, SKIFF_HVC_COUNTER, SKIFF_CNT_GUEST_LOG_SUPPRESSED, 0, 0, NULL),
			 log_guest_suppressed(1));

	/* SMCCC: the function ID is w0; x0's upper half is not looked at */
	assert_int_equal(call(v, (0xffull << 32) | SKIFF_HVC_VERSION, 0, 0, 0, NULL),
			 SKIFF_HVC_ABI_VERSION);
	/* the function IDs skiff owns: SKIFF_HVC_BASE to SKIFF_HVC_TEST_SET, not one more */
	assert_true(hvc_owns(SKIFF_HVC_BASE));
	assert_true(hvc_owns(SKIFF_HVC_TEST_SET));
	assert_false(hvc_owns(SKIFF_HVC_BASE - 1));
	assert_false(hvc_owns(SKIFF_HVC_TEST_SET + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_log_views, setup),
		cmocka_unit_test_setup(test_log_read_bounds, setup),
		cmocka_unit_test_setup(test_switch_own_guest_only, setup),
		cmocka_unit_test_setup(test_counters, setup),
		cmocka_unit_test_setup(test_counter_edges, setup),
	};

	return cmocka_run_group_tests_name("hvc", tests, NULL, NULL);
}
