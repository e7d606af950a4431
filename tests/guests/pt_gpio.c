/*
 * pt_gpio.c - test guest: SPI passthrough of the PL061 GPIO controller's interrupt (INTID
 * 39, level), raised from outside: QEMU virt wires its power button to GPIO line 3, and
 * the QMP command system_powerdown drives that line high for 100 ms (QEMU's gpio-key). The
 * guest prints "# qmp: system_powerdown N" and tests/qemu/test_passthrough.py sends it.
 *  1. line 3 edge-sensitive (rising) at the PL061, a plain handler (GPIOIC, EOI): exactly
 *     one delivery per press, and skiff's counters for the mode;
 *  2. line 3 level-sensitive (high) with Linux's threaded ONESHOT flow: the handler masks
 *     INTID 39 and EOIs while the button is still down; the "thread" waits for the release
 *     (no hypervisor entry for the line meanwhile, though the PL061 keeps asserting it),
 *     then acknowledges GPIOIC and unmasks: exactly one delivery.
 * Run with mode=hw|eoi|oneshot|native; counter checks SKIP natively. Under skiff the
 * machine needs acpi=off, or QEMU sends the power button to the ACPI GED instead.
 */
#include "tests/guests/lib/gic.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/pt.h"
#include "tests/guests/lib/tap.h"

#define NR_TESTS 10

#define GPIO_BASE 0x09030000UL
#define GPIO_INTID 39
#define GPIO_PIN 3
#define GPIO_DATA(mask) ((uintptr_t)(mask) << 2) /* address bits [9:2] select the pins */
#define GPIO_DIR 0x400
#define GPIO_IS 0x404
#define GPIO_IBE 0x408
#define GPIO_IEV 0x40c
#define GPIO_IE 0x410
#define GPIO_RIS 0x414
#define GPIO_MIS 0x418
#define GPIO_IC 0x41c
#define PIN BIT(GPIO_PIN)

#define PRESS_TIMEOUT_US 15000000 /* the harness sees the line and sends QMP */
#define RELEASE_TIMEOUT_US 2000000
#define SETTLE_US 50000
#define WINDOW_US 20000

const char guest_name[] = "pt_gpio";

static volatile bool threaded;
static volatile uint32_t deliveries;
static volatile uint32_t eois;
static volatile uint32_t mis_in_handler;
static volatile uint64_t delivered_at;
static volatile uint32_t unexpected;

static uint32_t gpio_read(unsigned int reg)
{
	return mmio_read32(GPIO_BASE + reg);
}

static void gpio_write(unsigned int reg, uint32_t v)
{
	mmio_write32(GPIO_BASE + reg, v);
}

static void gpio_setbit(unsigned int reg, bool on)
{
	uint32_t v = gpio_read(reg);

	gpio_write(reg, on ? v | (uint32_t)PIN : v & ~(uint32_t)PIN);
}

static bool pin_high(void)
{
	return gpio_read(GPIO_DATA(PIN)) & PIN;
}

static bool gpio_asserting(void)
{
	return gpio_read(GPIO_MIS) & PIN;
}

static void handler(uint32_t intid)
{
	if (intid != GPIO_INTID) {
		unexpected++;
		gic_eoi(intid);
		return;
	}
	if (!deliveries)
		delivered_at = counter_now();
	deliveries++;
	mis_in_handler = gpio_read(GPIO_MIS);
	if (threaded)
		gic_disable(GPIO_INTID);
	else
		gpio_write(GPIO_IC, PIN);
	gic_eoi(intid);
	eois++;
}

/* Line 3 as an interrupt input: edge (rising) or level (high). */
static void gpio_setup(bool level)
{
	gpio_setbit(GPIO_IE, false);
	gpio_setbit(GPIO_DIR, false);
	gpio_setbit(GPIO_IS, level);
	gpio_setbit(GPIO_IBE, false);
	gpio_setbit(GPIO_IEV, true);
	gpio_write(GPIO_IC, PIN);
	gpio_setbit(GPIO_IE, true);
}

static void press(unsigned int n)
{
	printk("# qmp: system_powerdown %u\n", n);
}

static void test_edge(void)
{
	struct pt_counts a, b;
	uint64_t t0, released = 0;
	bool got;

	deliveries = 0;
	threaded = false;
	gpio_setup(false);
	pt_snap(&a, GPIO_INTID);
	t0 = counter_now();
	press(1);
	got = wait_until(deliveries >= 1, PRESS_TIMEOUT_US);
	if (got && wait_until(!pin_high(), RELEASE_TIMEOUT_US))
		released = counter_now();
	udelay(SETTLE_US);
	pt_snap(&b, GPIO_INTID);
	tap_diag("press 1: delivered %llu ms after the request, button down for about %llu ms",
		 (unsigned long long)ticks_to_us(delivered_at - t0) / 1000,
		 released ? (unsigned long long)ticks_to_us(released - delivered_at) / 1000 : 0);
	tap_ok(got && released && deliveries == 1 && (mis_in_handler & PIN) && !gpio_asserting(),
	       "press 1, line 3 rising edge: %u delivery (want 1), GPIOMIS bit 3 in the handler, "
	       "clear after GPIOIC",
	       deliveries);
	pt_check_cycles("power button, edge", &a, &b, 1, 1, 0);
}

static void test_level_threaded(void)
{
	struct pt_counts a, b, c, d;
	bool got, high_after_eoi, released, masked;

	deliveries = 0;
	eois = 0;
	threaded = true;
	gpio_setup(true);
	pt_snap(&a, GPIO_INTID);
	press(2);
	got = wait_until(eois >= 1, PRESS_TIMEOUT_US);
	pt_snap(&b, GPIO_INTID);
	udelay(WINDOW_US);
	high_after_eoi = pin_high() && gpio_asserting();
	released = wait_until(!pin_high(), RELEASE_TIMEOUT_US);
	masked = !gic_is_enabled(GPIO_INTID);
	pt_snap(&c, GPIO_INTID);
	threaded = false;
	gpio_write(GPIO_IC, PIN);
	gic_enable(GPIO_INTID);
	udelay(SETTLE_US);
	pt_snap(&d, GPIO_INTID);
	tap_ok(got && high_after_eoi && released && masked && deliveries == 1 && !gpio_asserting(),
	       "press 2, line 3 level-high, ONESHOT flow: masked and EOId while the button is "
	       "down, acknowledged and unmasked after its release: %u delivery (want 1)",
	       deliveries);
	pt_check_window("ONESHOT window, button down", &a, &b, &c);
	pt_check_cycles("power button, level, ONESHOT flow", &a, &d, 1, 1, 0);
}

void guest_main(void)
{
	tap_plan(NR_TESTS);
	tap_check_dtb();
	pt_start();

	gpio_write(GPIO_IE, 0);
	gpio_write(GPIO_IC, 0xff);
	set_irq_handler(handler);
	gic_set_edge(GPIO_INTID, false);
	gic_set_route(GPIO_INTID, plat.mpidr[0]);
	tap_ok(!pin_high() && !(gpio_read(GPIO_RIS) & PIN) && !gic_is_pending(GPIO_INTID) &&
		       !gic_is_active(GPIO_INTID),
	       "line 3 low, nothing raised, INTID 39 neither pending nor active");
	gic_enable(GPIO_INTID);
	local_irq_enable();

	test_edge();
	test_level_threaded();

	local_irq_disable();
	gic_disable(GPIO_INTID);
	gpio_write(GPIO_IE, 0);
	tap_ok(!gic_is_pending(GPIO_INTID) && !gic_is_active(GPIO_INTID) && unexpected == 0,
	       "at the end: INTID 39 neither pending nor active, nothing unexpected (%u), %u "
	       "spurious",
	       unexpected, irq_spurious[0]);
	pt_finish();
}
