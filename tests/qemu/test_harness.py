#!/usr/bin/env python3
"""Self-test of tests/qemu/harness.py (TAP): console capture, ordering, forbid, timeout and
early stop, process-group clean-up on timeout, exception, SIGTERM and SIGKILL of the harness,
and QMP against a real QEMU that boots nothing. And of the checks around it, each on made-up
input that must fail: tools/run-tests.py on fake suites (`not ok` with a TODO or SKIP directive
fails, the recap of what failed after the last suite), tests/linux/test_linux.py's reading of
the guest's TAP (guest_tap), and test_checker.py and tests/boards/test_boards.py with an input
missing (not ok, not a skip). Needs no skiff image."""

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import AnyOrder, Qemu, Tap, match_in_order, run_qemu  # noqa: E402

SUITE_TIMEOUT = 120

ROOT = harness.ROOT
RUNNER = os.path.join(ROOT, "tools", "run-tests.py")


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def gone_soon(pid, within=3.0):
    end = time.monotonic() + within
    while time.monotonic() < end:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def read_pids(path, n=1, within=5.0):
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            with open(path) as f:
                pids = [int(x) for x in f.read().split()]
            if len(pids) >= n:
                return pids
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.05)
    return []


def main():
    tap = Tap()
    tmp = tempfile.mkdtemp(prefix="skiff-harness-")

    def fake(name, body):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write("#!%s\nimport os, sys, time, subprocess\n" % sys.executable)
            f.write(textwrap.dedent(body))
        os.chmod(path, 0o755)
        return path

    pidfile = os.path.join(tmp, "pids")
    boot = fake("boot", r"""
        w = sys.stdout.write
        w("skiff: skiff v1 EL2 hypervisor\r\n"); sys.stdout.flush()
        time.sleep(0.1)
        w("skiff: cpu2: up\nskiff: cpu1: up\nskiff: all 3 cpus up\n")
        sys.stderr.write("qemu says something\n")
        sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
        """)
    hang = fake("hang", r"""
        child = subprocess.Popen(["sleep", "1000"])
        open(os.environ["PIDFILE"], "w").write("%d %d\n" % (os.getpid(), child.pid))
        print("skiff: " + os.environ.get("FAKE_MSG", "waiting"), flush=True)
        signal_ignored = os.environ.get("IGNORE_TERM")
        if signal_ignored:
            import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(1000)
        """)
    tests = []

    def case(fn):
        tests.append(fn)
        return fn

    @case
    def t_ordering():
        txt = "a\nb 1\nc\nb 2\nd\n"
        m1, miss1 = match_in_order(txt, ["a", AnyOrder("b 2", "b 1"), "d"])
        m2, miss2 = match_in_order(txt, ["a", "d", "c"])
        m3, miss3 = match_in_order(txt, ["c", {"b 1", "b 2"}])
        return tap.ok(miss1 is None and miss2 == "c" and miss3 is not None,
                      "match_in_order: order, AnyOrder groups, missing reported",
                      ["miss1=%r miss2=%r miss3=%r" % (miss1, miss2, miss3)])

    @case
    def t_pass():
        r = run_qemu([], qemu=boot, name="selftest-pass", timeout=10,
                     expect=["EL2 hypervisor", AnyOrder("cpu1: up", "cpu2: up"), "all 3 cpus"])
        log = open(r.log_path).read()
        extra = [] if "qemu says something" in log and "EL2 hypervisor" in log else \
            ["log file lacks console or stderr"]
        extra += [] if "\r" not in r.console else ["carriage return left in console"]
        extra += [] if r.exit_code == 0 else ["exit code %r" % r.exit_code]
        return tap.check("fake QEMU that prints and exits 0 passes", r, extra)

    @case
    def t_missing():
        r = run_qemu([], qemu=boot, name="selftest-missing", timeout=10,
                     expect=["all 3 cpus", "EL2 hypervisor"])
        return tap.ok(not r.ok and r.missing == "EL2 hypervisor",
                      "out-of-order line is reported missing", [repr(r.failures())])

    @case
    def t_exit():
        env = dict(os.environ, FAKE_EXIT="3")
        r = run_qemu([], qemu=boot, name="selftest-exit", timeout=10, env=env)
        return tap.ok(not r.ok and r.exit_code == 3 and "exit status 3" in r.failures()[0],
                      "non-zero exit status fails", [repr(r.failures())])

    @case
    def t_forbid():
        env = dict(os.environ, FAKE_MSG="panic: oops", PIDFILE=pidfile)
        t0 = time.monotonic()
        r = run_qemu([], qemu=hang, name="selftest-forbid", timeout=20, env=env)
        pids = read_pids(pidfile, 2)
        dead = all(gone_soon(p) for p in pids)
        return tap.ok(not r.ok and "forbidden" in r.failures()[0] and time.monotonic() - t0 < 5
                      and dead and pids, "forbidden line fails and stops the run early",
                      [repr(r.failures()), "pids %r dead %r" % (pids, dead)])

    @case
    def t_timeout():
        env = dict(os.environ, PIDFILE=pidfile, IGNORE_TERM="1")
        os.unlink(pidfile) if os.path.exists(pidfile) else None
        r = run_qemu([], qemu=hang, name="selftest-timeout", timeout=1, env=env)
        pids = read_pids(pidfile, 2)
        dead = bool(pids) and all(gone_soon(p) for p in pids)
        return tap.ok(r.timed_out and r.exit_code is None and dead and not r.ok,
                      "timeout kills the whole group (SIGTERM ignored -> SIGKILL)",
                      [repr(r.failures()), "pids %r dead %r" % (pids, dead)])

    @case
    def t_stop_on():
        env = dict(os.environ, PIDFILE=pidfile, FAKE_MSG="fatal: GIC is not v3")
        os.unlink(pidfile) if os.path.exists(pidfile) else None
        r = run_qemu([], qemu=hang, name="selftest-stop", timeout=20, env=env,
                     expect=[r"skiff: fatal: .*GIC is not v3"], stop_on=r"skiff: fatal",
                     forbid=["Unhandled exception"])
        pids = read_pids(pidfile, 2)
        dead = bool(pids) and all(gone_soon(p) for p in pids)
        return tap.check("stop_on ends the run early and passes", r,
                         ([] if r.elapsed < 5 else ["took %.1f s" % r.elapsed]) +
                         ([] if dead else ["processes left: %r" % pids]))

    @case
    def t_exception():
        os.unlink(pidfile) if os.path.exists(pidfile) else None
        env = dict(os.environ, PIDFILE=pidfile)
        seen = {}

        def boom(q):
            seen["pid"] = q.proc.pid
            raise KeyboardInterrupt

        try:
            run_qemu([], qemu=hang, name="selftest-ctrlc", timeout=20, env=env,
                     actions=[("waiting", boom)])
            raised = False
        except KeyboardInterrupt:
            raised = True
        pids = read_pids(pidfile, 2)
        dead = bool(pids) and all(gone_soon(p) for p in pids)
        return tap.ok(raised and dead, "Ctrl-C inside a run kills the group and propagates",
                      ["raised %r pids %r dead %r" % (raised, pids, dead)])

    def harness_child(sig):
        """A child Python running the harness on a hanging fake; we send it sig."""
        os.unlink(pidfile) if os.path.exists(pidfile) else None
        code = ("import sys; sys.path.insert(0, %r); import harness; "
                "harness.run_qemu([], qemu=%r, name='selftest-sig', timeout=60)"
                % (os.path.dirname(os.path.abspath(__file__)), hang))
        child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env=dict(os.environ, PIDFILE=pidfile))
        try:
            pids = read_pids(pidfile, 2)
            child.send_signal(sig)
            child.wait(timeout=10)
            # SIGTERM: the harness kills the whole group. SIGKILL: the fake QEMU dies by
            # PDEATHSIG, but its own child may outlive it (nothing could kill it).
            dead = bool(pids) and all(gone_soon(p) for p in
                                      (pids if sig == signal.SIGTERM else pids[:1]))
            for p in pids:
                if alive(p):
                    os.kill(p, signal.SIGKILL)
            return dead, pids
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()

    @case
    def t_sigterm():
        dead, pids = harness_child(signal.SIGTERM)
        return tap.ok(dead, "SIGTERM to the harness kills QEMU", ["pids %r" % pids])

    @case
    def t_sigkill():
        dead, pids = harness_child(signal.SIGKILL)
        return tap.ok(dead, "SIGKILL of the harness kills QEMU (PDEATHSIG)", ["pids %r" % pids])

    @case
    def t_no_qemu():
        r = run_qemu([], qemu=os.path.join(tmp, "does-not-exist"), name="selftest-noqemu",
                     timeout=5)
        return tap.ok(not r.ok and r.error, "a QEMU that cannot start is a failure, not a crash",
                      [repr(r.failures())])

    @case
    def t_real_timeout():
        # A real QEMU with nothing to run (empty flash): it never exits, so it is killed.
        r = run_qemu(harness.MACHINE, name="selftest-qemu-timeout", timeout=1.5)
        return tap.ok(r.timed_out and r.exit_code is None and 1.4 < r.elapsed < 5,
                      "real QEMU booting nothing is killed at the timeout",
                      [repr(r.failures()), r.stderr])

    @case
    def t_qmp():
        diag = []
        ok = False
        with Qemu(harness.MACHINE + ["-S"], name="selftest-qmp", timeout=20, qmp=True) as q:
            try:
                st = q.qmp("query-status")
                diag.append("query-status: %r" % st)
                q.qmp("cont")
                st2 = q.qmp("query-status")
                q.qmp("system_powerdown")
                q.qmp("query-status")  # gives the POWERDOWN event time to arrive
                events = [e["event"] for e in q.qmp_events]
                diag.append("after cont: %r events %r" % (st2, events))
                try:
                    q.qmp("no-such-command")
                    bad = False
                except harness.QmpError as e:
                    bad = "no-such-command" in str(e) or "not found" in str(e)
                q.qmp("quit")
                code = q.wait_exit(timeout=10)
                diag.append("exit %r" % code)
                ok = (st["status"] == "prelaunch" or st["running"] is False) and \
                    st2["running"] and "POWERDOWN" in events and bad and code == 0
            except Exception as e:
                diag.append("%s: %s" % (type(e).__name__, e))
            sock = q.qmp_path
        r = q.result()
        return tap.ok(ok and not os.path.exists(os.path.dirname(sock)),
                      "QMP: capabilities, query-status, cont, system_powerdown, errors, quit",
                      diag + r.failures() + ["stderr: " + r.stderr])

    def run_runner(suites):
        """tools/run-tests.py on made-up suites: {name: (TAP text, exit status)} become the
        executables tests/unit/test_NAME of a fake build directory, and --suites-dir names an
        empty directory (no Python suite). Returns (exit status, output lines)."""
        base = tempfile.mkdtemp(dir=tmp)
        unit = os.path.join(base, "build", "tests", "unit")
        empty = os.path.join(base, "suites")
        os.makedirs(unit)
        os.makedirs(empty)
        for name, (text, status) in suites.items():
            path = os.path.join(unit, "test_" + name)
            with open(path, "w") as f:
                f.write("#!%s\nimport sys\nsys.stdout.write(%r)\nsys.exit(%d)\n" %
                        (sys.executable, text, status))
            os.chmod(path, 0o755)
        p = subprocess.run([sys.executable, RUNNER, "--build", os.path.join(base, "build"),
                            "--suites-dir", empty], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=60)
        return p.returncode, p.stdout.splitlines()

    def recap(lines):
        """The lines after run-tests.py's `# what failed:`, up to its `# failed suites:`."""
        if "# what failed:" not in lines:
            return []
        rest = lines[lines.index("# what failed:") + 1:]
        return [line for line in rest[:next((i for i, x in enumerate(rest)
                                               if x.startswith("# failed suites:")),
                                              len(rest))]]

    @case
    def t_runner_todo():
        rc, lines = run_runner({"todo": (
            "1..3\nok 1 - a\nnot ok 2 - b # TODO one day\n# why b failed\n"
            "ok 3 - c # TODO\n", 0)})
        r = recap(lines)
        return tap.ok(rc == 1 and lines[-1:] == ["1 passed, 1 failed"] and
                      "# 0 skipped, 1 todo" in lines and
                      "#   unit/test_todo: not ok 2 - b # TODO one day" in r and
                      "#   unit/test_todo: # why b failed" in r,
                      "run-tests: a not-ok line with a TODO directive fails the run, "
                      "an ok one is a todo",
                      ["exit %d" % rc] + lines)

    @case
    def t_runner_skip():
        rc, lines = run_runner({"skip": (
            "1..3\nok 1 - a\nok 2 - b # SKIP no disk\nnot ok 3 - c # SKIP no disk\n", 0)})
        return tap.ok(rc == 1 and lines[-1:] == ["1 passed, 1 failed"] and
                      "# 1 skipped, 0 todo" in lines and
                      "#   unit/test_skip: not ok 3 - c # SKIP no disk" in recap(lines),
                      "run-tests: a not-ok line with a SKIP directive fails the run, "
                      "an ok one is a skip",
                      ["exit %d" % rc] + lines)

    @case
    def t_runner_recap():
        good = ("1..2\nok 1 - x\nok 2 - y # SKIP not here\n", 0)
        rc, lines = run_runner({"bad": ("1..2\nok 1 - p\nnot ok 2 - q\n# q: 1, not 2\n", 1),
                                "good": good})
        rc_good, lines_good = run_runner({"good": good})
        last = max((i for i, x in enumerate(lines) if x.startswith("# unit/test_good: ")),
                   default=None)
        r = recap(lines)
        return tap.ok(rc == 1 and lines[-1:] == ["2 passed, 1 failed"] and last is not None and
                      "# what failed:" in lines and lines.index("# what failed:") > last and
                      r == ["#   unit/test_bad: not ok 2 - q", "#   unit/test_bad: # q: 1, not 2"]
                      and rc_good == 0 and lines_good[-1:] == ["1 passed, 0 failed"] and
                      "# what failed:" not in lines_good,
                      "run-tests: after the last suite, `# what failed:` repeats the failing "
                      "suite's not-ok line and its diagnostics, and only those; a run that "
                      "passes exits 0", ["exit %d" % rc] + lines +
                      ["passing run: exit %d" % rc_good] + lines_good)

    @case
    def t_runner_suite_timeout():
        """A suite's SUITE_TIMEOUT is a plain number, or run-tests refuses to start: it once read
        `4 * RUN_TIMEOUT + 60` as 4 seconds and killed a healthy suite."""
        out = {}
        for name, line in (("plain", "SUITE_TIMEOUT = 780  # why"), ("expr", "SUITE_TIMEOUT = 4 * 60")):
            base = tempfile.mkdtemp(dir=tmp)
            qemu = os.path.join(base, "suites", "qemu")
            os.makedirs(qemu)
            with open(os.path.join(qemu, "test_%s.py" % name), "w") as f:
                f.write("%s\nprint('1..1')\nprint('ok 1 - x')\n" % line)
            p = subprocess.run([sys.executable, RUNNER, "--build", os.path.join(base, "build"),
                                "--suites-dir", os.path.join(base, "suites"), "--list"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, timeout=60)
            out[name] = (p.returncode, p.stdout)
        return tap.ok(out["plain"][0] == 0 and "qemu/test_plain  (timeout 780 s)" in out["plain"][1]
                      and out["expr"][0] != 0 and
                      "SUITE_TIMEOUT must be a plain number" in out["expr"][1],
                      "run-tests: SUITE_TIMEOUT = 780 is 780 s; SUITE_TIMEOUT = 4 * 60 is refused, "
                      "not read as 4 s", ["%s: exit %d: %s" % (k, v[0], v[1]) for k, v in out.items()])

    @case
    def t_linux_guest_tap():
        sys.path.insert(0, os.path.join(ROOT, "tests", "linux"))
        import test_linux
        import test_zcu102
        checks = ["cpus online", "uart", "virtio-blk"]

        def verdict(console, c=checks, *res):
            return [(g.check, g.ok, g.desc) for g in test_linux.guest_tap(console, c, *res)]

        good = ("skiff-guest: ok 1 - cpus online: 2\nskiff-guest: ok 2 - uart: read it\n"
                "skiff-guest: ok 3 - virtio-blk: written, read back\nskiff-guest: 1..3\n")
        cases = {
            "all ok": (good, []),
            "a known check not ok": (good.replace("ok 2 - uart", "not ok 2 - uart"),
                                     [("uart", False, "uart: read it")]),
            "a check the suite does not know, not ok": (
                good.replace("skiff-guest: 1..3", "skiff-guest: not ok 4 - frobs\n"
                             "skiff-guest: 1..4"),
                [(None, False, "frobs"), (None, False, "plan")]),
            "the plan counts more than the suite knows": (
                good.replace("1..3", "1..4"), [(None, False, "plan")]),
            "no plan": (good.replace("skiff-guest: 1..3\n", ""), [(None, False, "plan")]),
            "a check missing": (
                good.replace("skiff-guest: ok 2 - uart: read it\n", "").replace(
                    "ok 3 - virtio", "ok 2 - virtio").replace("1..3", "1..2"),
                [("uart", False, "uart"), (None, False, "plan")]),
            "a second line for a known check, not ok": (
                good.replace("skiff-guest: 1..3", "skiff-guest: not ok 4 - uart: again\n"
                             "skiff-guest: 1..4"),
                [(None, False, "uart: again"), (None, False, "plan")]),
            "ok with a SKIP directive: not run, so not passed": (
                good.replace("ok 3 - virtio-blk: written, read back",
                             "ok 3 - virtio-blk # SKIP no disk"),
                [("virtio-blk", False, "virtio-blk # SKIP no disk")]),
            "not ok with a SKIP directive": (
                good.replace("ok 2 - uart: read it", "not ok 2 - uart # SKIP no input"),
                [("uart", False, "uart # SKIP no input")]),
            "a not ok without a number or a dash": (
                good.replace("skiff-guest: 1..3", "skiff-guest: not ok uart: again\n"
                             "skiff-guest: 1..3"),
                [(None, False, "uart: again"), (None, False, "plan")]),
        }
        diag = []
        for what, (console, want) in cases.items():
            got = [v for v in verdict(console) if not v[1]]
            if got != want or (not want and len(verdict(console)) != len(checks)):
                diag.append("%s: failing %r, expected %r" % (what, got, want))
        # zcu102's lines come through the kernel log, time-stamped
        kmsg = "".join("[   %d.5] %s\n" % (i, line) for i, line in enumerate(
            good.replace("ok 3 - virtio", "not ok 3 - virtio").splitlines()))
        got = [v for v in verdict(kmsg, checks, test_zcu102.RESULT_RE, test_zcu102.PLAN_RE)
               if not v[1]]
        if got != [("virtio-blk", False, "virtio-blk: written, read back")]:
            diag.append("time-stamped (zcu102): failing %r" % got)
        return tap.ok(not diag, "test_linux.guest_tap: every not ok of the guest's fails, known "
                      "or not, and so does a plan that disagrees with the suite's checks", diag)

    def suite_output(args, env):
        """Exit status and output of `python3 ARGS...` run as run-tests.py runs a suite."""
        p = subprocess.run([sys.executable] + args, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=120, cwd=ROOT, env=dict(os.environ, **env))
        return p.returncode, p.stdout

    @case
    def t_checker_missing():
        build = tempfile.mkdtemp(dir=tmp)  # an empty build directory: no skiff-check
        rc, text = suite_output([os.path.join(ROOT, "tests", "qemu", "test_checker.py")],
                                {"SKIFF_BUILD": build})
        return tap.ok(rc == 1 and "not ok 1 - skiff-check: inputs present" in text and
                      "skiff-check not found: run make" in text and "SKIP" not in text,
                      "test_checker.py: a missing build/skiff-check is not ok, not a skip",
                      ["exit %d" % rc] + text.splitlines())

    @case
    def t_boards_missing():
        code = ("import sys; sys.path[:0] = [%r, %r]; import boards; "
                "boards.kernel_deb = lambda fetch=True: None; import test_boards; "
                "sys.exit(test_boards.main())" % (os.path.join(ROOT, "tools"),
                                                  os.path.join(ROOT, "tests", "boards")))
        rc, text = suite_output(["-c", code], {})
        return tap.ok(rc == 1 and "not ok 1 - boards:" in text and "SKIP" not in text,
                      "test_boards.py: no kernel package is not ok, not a skip",
                      ["exit %d" % rc] + text.splitlines())

    selected = [t for t in tests if tap.want(t.__name__)]
    tap.plan(len(selected))
    try:
        for t in selected:
            t()
    finally:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
