#!/usr/bin/env python3
"""Several guests under skiff on one QEMU virt machine (TAP), each with its own CPUs, RAM and
devices, its kernel put in its RAM by QEMU's loader, its output on skiff's virtual console
(tests/qemu/multi.py makes the configurations):
  pair-01, pair-10   the canary guest and the hostile guest, 1 + 1 CPUs, in both orders
                     (guest@0 on CPU 0 or on CPU 1): the hostile one tries everything
                     (100000 operations), the canary keeps its RAM, heartbeat, GIC state and
                     sees no foreign interrupt
  trio-a, trio-b     hostile (2 CPUs), canary, lifecycle (1 each) at -smp 4, in two orders:
                     lifecycle resets itself twice and powers off while the others run
  trio-a-4k          trio-a with stage2-4k-pages: guest RAM page by page at stage 2, the
                     later guests' tables (roots included) from the pool it adds
  reset-fw_cfg       the lifecycle guest alone, its kernel from fw_cfg: restarted twice,
                     read from fw_cfg afresh each time
  idle-guest         a guest with nothing to run beside one that powers off: the machine
                     powers off (a guest that never started is not running)
  hostile-1m         the canary beside the hostile guest running 1,000,000 operations, 1 + 1
                     CPUs (the seed is printed; `seed=` and `ops=` reproduce a run). With
                     more vCPUs than this machine's 2 cores, the hostile guest's vCPUs spin on
                     its vGIC lock while its holder waits for a core: the 2-vCPU runs above
                     try fewer operations
In each: every guest's TAP complete and ok, nothing skipped; the hostile guest found no leak;
skiff says each guest went off and then powers the machine off (QEMU exits 0); skiff never
logged a fatal error. The canary runs until the harness presses the power key (QMP
system_powerdown, PL061 line 3, the canary's), once the other guests are done."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import multi  # noqa: E402
from harness import BUILD, ROOT, Tap, machine, run_qemu  # noqa: E402

SUITE_TIMEOUT = 900
RUN_TIMEOUT = 240

SKIFF = os.path.join(BUILD, "skiff.bin")
GUESTS = os.path.join(BUILD, "guests")
LOGS = os.path.join(BUILD, "test-logs")
MACHINE = machine(options="acpi=off")
PAIR_OPS = 100000
TRIO_OPS = 50000
BIG_OPS = 1000000


def rel(path):
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


def image(name):
    return os.path.join(GUESTS, name + ".bin")


def canary(name, cpus, n, rtc=True):
    ram, load = multi.slot(n)
    devices = [("gpio", "/pl061@9030000", ""), ("keys", "/gpio-keys", "")]
    return dict(name=name, kind="canary", cpus=cpus, ram=ram, image=image("canary"), load=load,
                vconsole=True, bootargs="",
                devices=devices + ([("rtc", "/pl031@9010000", "")] if rtc else []))


def hostile(name, cpus, n, ops):
    ram, load = multi.slot(n)
    return dict(name=name, kind="hostile", cpus=cpus, ram=ram, image=image("hostile"),
                load=load, vconsole=True, ops=ops,
                devices=[("v%d" % i, multi.virtio(i), "") for i in range(8)])


def lifecycle(name, cpus, n):
    ram, load = multi.slot(n)
    return dict(name=name, kind="lifecycle", cpus=cpus, ram=ram, image=image("lifecycle"),
                load=load, vconsole=True, bootargs="lifecycle.resets=2",
                devices=[("rtc", "/pl031@9010000", "")])


def seal(guests):
    """The hostile guests' bootargs: what they must not reach, and how much to try."""
    for g in guests:
        if g["kind"] == "hostile":
            g["bootargs"] = "ops=%d deny=%s" % (g["ops"], multi.deny_list(g, guests))
    return guests


CASES = [
    ("pair-01", 2, lambda: seal([canary("guest@0", [0], 0),
                                 hostile("guest@1", [1], 1, PAIR_OPS)])),
    ("pair-10", 2, lambda: seal([canary("guest@0", [1], 0),
                                 hostile("guest@1", [0], 1, PAIR_OPS)])),
    ("trio-a", 4, lambda: seal([hostile("guest@0", [0, 1], 0, TRIO_OPS),
                                canary("guest@1", [2], 1, rtc=False),
                                lifecycle("guest@2", [3], 2)])),
    ("trio-b", 4, lambda: seal([hostile("guest@0", [2, 3], 0, TRIO_OPS),
                                canary("guest@1", [0], 1, rtc=False),
                                lifecycle("guest@2", [1], 2)])),
    ("hostile-1m", 2, lambda: seal([canary("guest@0", [0], 0),
                                    hostile("guest@1", [1], 1, BIG_OPS)])),
    # trio-a with RAM mapped page by page at stage 2: the hostile guest's probes against 4 KiB
    # stage-2 pages, and three guests' tables past the static pool (the later roots come
    # from stage2-4k-pages's added pool)
    ("trio-a-4k", 4, lambda: seal([hostile("guest@0", [0, 1], 0, TRIO_OPS),
                                   canary("guest@1", [2], 1, rtc=False),
                                   lifecycle("guest@2", [3], 2)]),
     ("stats-at-exit;", "stage2-4k-pages;")),
]


def checks(console, guests):
    """Failures of a run, from the console."""
    f = []
    out = multi.split_console(console)
    for g in guests:
        lines = out.get(g["name"], [])
        blocks = 3 if g["kind"] == "lifecycle" else 1
        has_rtc = any(path.startswith("/pl031") for _, path, _ in g["devices"])
        f += multi.guest_failures(lines, g["kind"], blocks,
                                  () if has_rtc else ("no PL031 of its own",))
        if g["kind"] == "hostile" and "# hostile: leaks 0" not in lines:
            f.append("%s: no '# hostile: leaks 0' line" % g["name"])
        if g["kind"] == "hostile":  # its virtio transports: named at boot as DMA masters
            m = re.search(r"^skiff: %s: devices that master DMA, with no IOMMU skiff programs: "
                          r"each can read and write any memory, skiff's and other guests' "
                          r"included:\nskiff: %s:   (.*)$" % (g["name"], g["name"]), console,
                          re.M)
            if not m or m.group(1).split() != [d[0] for d in g["devices"]]:
                f.append("skiff's boot log does not name %s's virtio transports as DMA "
                         "masters" % g["name"])
        if g["kind"] == "lifecycle":
            for n in (1, 2):
                if not re.search(r"^skiff: %s: restarting \(restart %d\)" % (g["name"], n),
                                 console, re.M):
                    f.append("%s: skiff did not restart it a %s time" % (
                        g["name"], ["", "first", "second"][n]))
        if not re.search(r"^skiff: %s: off\b" % g["name"], console, re.M):
            f.append("skiff never said %s was off" % g["name"])
    if not re.search(r"^skiff: all guests are off: powering off", console, re.M):
        f.append("skiff did not power the machine off after the last guest")
    return f


def case(name, smp, make, skiff_props=("stats-at-exit;",)):
    def run(tap):
        guests = make()
        missing = [p for p in [SKIFF] + [g["image"] for g in guests] if not os.path.exists(p)]
        if missing:
            return tap.ok(False, name, ["%s not found: run make" % rel(p) for p in missing])
        dtb, err = multi.build_config(guests, os.path.join(LOGS, "multi-" + name),
                                      skiff_props)
        if err:
            return tap.ok(False, name, [err])
        waiting = set(g["name"] for g in guests if g["kind"] != "canary")
        canary_waits = []

        def maybe_press(q):
            if not waiting and canary_waits and not canary_waits[-1]:
                canary_waits[-1] = True
                q.qmp("system_powerdown")

        def done(gname):
            def fn(q):
                waiting.discard(gname)
                maybe_press(q)
            return fn

        def canary_waiting(q):
            canary_waits.append(False)
            maybe_press(q)

        actions = [(r"^\[%s\] # guest \w+ done" % re.escape(g["name"]), done(g["name"]))
                   for g in guests if g["kind"] != "canary"]
        actions += [(r"# canary: waiting for the power key", canary_waiting)]
        args = MACHINE + ["-smp", str(smp), "-bios", rel(SKIFF),
                          "-fw_cfg", "name=opt/skiff/config.dtb,file=%s" % rel(dtb)]
        args += multi.loader_args(guests)
        r = run_qemu(args, timeout=RUN_TIMEOUT, name="multi-" + name, qmp=True,
                     actions=actions, expect=[r"^skiff: all guests are off"])
        seeds = re.findall(r"# hostile: seed (0x[0-9a-f]+)", r.console)
        label = "%s: %s%s" % (name, ", ".join("%s %s on cpu %s" % (
            g["name"], g["kind"], ",".join(str(c) for c in g["cpus"])) for g in guests),
            " (hostile seed %s)" % ", ".join(seeds) if seeds else "")
        return tap.check(label, r, checks(r.console, guests), tail=40)
    return name, run


def reset_fw_cfg_case():
    """SYSTEM_RESET of a guest whose kernel came from QEMU's fw_cfg: skiff reads it from fw_cfg
    again at each restart. The lifecycle guest alone, with the default configuration (every
    CPU, the UART, so its output is the UART's own)."""
    name = "reset-fw_cfg"

    def run(tap):
        img = image("lifecycle")
        if not os.path.exists(img):
            return tap.ok(False, name, ["%s not found: run make" % rel(img)])
        r = run_qemu(MACHINE + ["-smp", "2", "-bios", rel(SKIFF), "-kernel", rel(img),
                                "-append", "lifecycle.resets=2"],
                     timeout=RUN_TIMEOUT, name="multi-" + name,
                     expect=[r"^skiff: all guests are off"])
        lines = multi.split_console(r.console)[None]
        f = multi.guest_failures(lines, "lifecycle", blocks=3)
        for n in (1, 2):
            if not re.search(r"^skiff: guest@0: restarting \(restart %d\)" % n, r.console,
                             re.M):
                f.append("skiff did not restart guest@0 a %s time" % ["", "first",
                                                                        "second"][n])
        return tap.check("%s: a guest loaded from fw_cfg restarts twice, loaded afresh" % name,
                         r, f, tail=40)
    return name, run


def idle_guest_case():
    """A guest with no kernel to run (guest@1: kernel from fw_cfg, and QEMU has none) is not a
    running guest: when guest@0 powers off, the machine does."""
    name = "idle-guest"

    def run(tap):
        g0 = lifecycle("guest@0", [0], 0)
        g0["bootargs"] = "lifecycle.resets=0"
        idle = dict(name="guest@1", kind="idle", cpus=[1], ram=multi.slot(1)[0],
                    image="fw_cfg", devices=[], bootargs="")
        guests = [g0, idle]
        if not os.path.exists(g0["image"]):
            return tap.ok(False, name, ["%s not found: run make" % rel(g0["image"])])
        dtb, err = multi.build_config(guests, os.path.join(LOGS, "multi-" + name))
        if err:
            return tap.ok(False, name, [err])
        r = run_qemu(MACHINE + ["-smp", "2", "-bios", rel(SKIFF), "-fw_cfg",
                                "name=opt/skiff/config.dtb,file=%s" % rel(dtb)] +
                     multi.loader_args(guests), timeout=RUN_TIMEOUT, name="multi-" + name,
                     expect=[r"^skiff: guest@1: no kernel to run",
                             r"^skiff: guest@0: off\b",
                             r"^skiff: all guests are off: powering off"])
        f = multi.guest_failures(multi.split_console(r.console).get("guest@0", []),
                                 "lifecycle", blocks=1)
        return tap.check("%s: guest@1 has no kernel; guest@0's SYSTEM_OFF powers the machine "
                         "off" % name, r, f, tail=30)
    return name, run


def main():
    tap = Tap()
    cases = [case(*c) for c in CASES] + [reset_fw_cfg_case(), idle_guest_case()]
    selected = [(n, fn) for n, fn in cases if tap.want(n)]
    tap.plan(len(selected))
    for _, fn in selected:
        fn(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
