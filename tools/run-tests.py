#!/usr/bin/env python3
"""Aggregate test runner behind `make test`: unit tests, fuzz and board smoke runs, QEMU and Linux
suites.

    tools/run-tests.py [--build build] [--only SUBSTRING] [--timeout SECONDS] [-v] [--list]
                       [--suites-dir tests]

Suites, in order:
  unit/test_*   every executable build/tests/unit/test_* (CMocka, CMOCKA_MESSAGE_OUTPUT=TAP)
  fuzz/test_*   every tests/fuzz/test_*.py (each libFuzzer target briefly, tests/fuzz/README.md)
  boards/test_* every tests/boards/test_*.py (skiff-check over board device trees, briefly)
  qemu/test_*   every tests/qemu/test_*.py
  linux/test_*  every tests/linux/test_*.py
--suites-dir DIR looks for the Python suites in DIR/fuzz, DIR/boards, ... instead of tests/
(tests/qemu/test_harness.py runs this runner on made-up suites that way).
Each suite is a subprocess in its own process group with a timeout (a Python suite may set its
own with a top-level `SUITE_TIMEOUT = seconds`); on timeout it gets SIGTERM, then SIGKILL.
Its TAP results are re-printed prefixed with the suite name, its whole output is kept in
build/test-logs/<kind>.<name>.log, and the last line printed is `N passed, N failed`.
Exit status 0 only if nothing failed and at least one test ran.

--only SUBSTRING: run the suites whose name contains it; the Python suites whose name does not
are still run with SKIFF_TEST_ONLY=SUBSTRING, which selects their test cases by name (a
suite with no matching case prints 1..0 and is left out).

Directives: nothing hides a failure. `not ok ... # TODO` and `not ok ... # SKIP` are failures
like any `not ok`. `ok ... # SKIP` is a skip and `ok ... # TODO` a todo: neither passed nor
failed, both counted in the `# N skipped, N todo` line.

A suite fails as a whole (counted as one failure) when: it has no plan, fewer or more results
than planned, says "Bail out!", times out, dies from a signal, or exits non-zero without a
failed test to explain it (a crash, a sanitizer or leak report).
"""

import argparse
import os
import re
import selectors
import signal
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
UNIT_TIMEOUT = 120
SUITE_TIMEOUT = 600
TERM_GRACE = 10

sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
from harness import kill_group  # noqa: E402

RESULT_RE = re.compile(r"^(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?(.*?)\s*$")
DIRECTIVE_RE = re.compile(r"(?:^|\s)#\s*(SKIP|TODO)\S*\s*(.*)$", re.IGNORECASE)
PLAN_RE = re.compile(r"^1\.\.(\d+)\s*(?:#.*)?$")
BAIL_RE = re.compile(r"^Bail out!", re.IGNORECASE)


class TapParser:
    """Incremental TAP parser. Several plans in one stream are several segments (one per CMocka
    group), each numbered from 1; a plan may also come after its results."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.todo = 0
        self.problems = []
        self.total_results = 0
        self.plans = 0
        self.seg_plan = None
        self.seg_results = 0
        self.seg_closed = True  # no open segment yet
        self.in_failure = False

    def _close_segment(self):
        if self.seg_closed:
            return
        if self.seg_plan is None:
            if self.seg_results:
                self.problems.append("%d results without a plan" % self.seg_results)
        elif self.seg_results != self.seg_plan:
            self.problems.append("planned %d tests, got %d results" %
                                 (self.seg_plan, self.seg_results))
        self.seg_closed = True

    def line(self, text):
        """Feeds one line; returns 'plan', 'ok', 'not ok', 'skip', 'todo', 'diag', 'bail' or
        'other'."""
        s = text.rstrip("\r\n")
        if PLAN_RE.match(s):
            n = int(PLAN_RE.match(s).group(1))
            self.plans += 1
            self.in_failure = False
            if not self.seg_closed and self.seg_plan is None and self.seg_results:
                self.seg_plan = n  # trailing plan for the results just seen
                self._close_segment()
            else:
                self._close_segment()
                self.seg_plan, self.seg_results, self.seg_closed = n, 0, False
            return "plan"
        m = RESULT_RE.match(s)
        if m:
            if self.seg_closed:
                self.seg_plan, self.seg_results, self.seg_closed = None, 0, False
            self.seg_results += 1
            self.total_results += 1
            d = DIRECTIVE_RE.search(m.group(3) or "")
            directive = d.group(1).upper() if d else None
            if m.group(1) == "ok" and directive == "SKIP":
                self.skipped += 1
                self.in_failure = False
                return "skip"
            if m.group(1) == "ok" and directive == "TODO":
                self.todo += 1
                self.in_failure = False
                return "todo"
            if m.group(1) == "ok":
                self.passed += 1
                self.in_failure = False
                return "ok"
            # not ok, whatever its directive says
            self.failed += 1
            self.in_failure = True
            return "not ok"
        if BAIL_RE.match(s):
            self.problems.append(s)
            return "bail"
        if s.startswith("#"):
            return "diag"
        return "other"

    def finish(self):
        self._close_segment()
        if self.plans == 0 and self.total_results == 0:
            self.problems.append("no TAP plan and no results")


class Suite:
    def __init__(self, kind, name, cmd, timeout, python=False):
        self.kind = kind
        self.name = "%s/%s" % (kind, name)
        self.cmd = cmd
        self.timeout = timeout
        self.python = python
        self.failure_lines = []  # its not-ok results and their diagnostics, for the recap


RECAP_LINES = 60  # the failures repeated after the last suite


def suite_timeout(path, default):
    """A suite's own `SUITE_TIMEOUT = N` (a plain number, a comment may follow), else default.
    Anything else on that line is an error: `4 * X` would have read as 4 seconds."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return default
    line = re.search(r"^SUITE_TIMEOUT\b.*$", text, re.M)
    if not line:
        return default
    m = re.match(r"SUITE_TIMEOUT\s*=\s*(\d+)\s*(#.*)?$", line.group(0))
    if not m:
        sys.exit("run-tests: %s: SUITE_TIMEOUT must be a plain number of seconds: %s" % (
            path, line.group(0)))
    return int(m.group(1))


def find_suites(build, timeout, suites_dir=None):
    suites = []
    unit_dir = os.path.join(build, "tests", "unit")
    if os.path.isdir(unit_dir):
        for f in sorted(os.listdir(unit_dir)):
            p = os.path.join(unit_dir, f)
            if f.startswith("test_") and os.path.isfile(p) and os.access(p, os.X_OK) and \
                    "." not in f:
                suites.append(Suite("unit", f, [p], timeout or UNIT_TIMEOUT))
    for kind in ("fuzz", "boards", "qemu", "linux"):
        d = os.path.join(suites_dir or os.path.join(ROOT, "tests"), kind)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.startswith("test_") and f.endswith(".py"):
                p = os.path.join(d, f)
                suites.append(Suite(kind, f[:-3], [sys.executable, p],
                                    timeout or suite_timeout(p, SUITE_TIMEOUT), python=True))
    return suites


def rel(path):
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


def out(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run_suite(s, build, only, verbose):
    """Runs one suite, re-printing its results; returns (parser, suite-level failures, elapsed,
    skipped_entirely, log path, output lines)."""
    log_dir = os.path.join(build, "test-logs")
    os.makedirs(log_dir, exist_ok=True)
    log_path = os.path.join(log_dir, "%s.log" % s.name.replace("/", "."))
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP", SKIFF_BUILD=build, PYTHONUNBUFFERED="1")
    env.pop("SKIFF_TEST_ONLY", None)
    filtered = only is not None and only not in s.name
    if filtered:
        env["SKIFF_TEST_ONLY"] = only
    tap = TapParser()
    lines = []
    start = time.monotonic()
    timed_out = False
    proc = None
    with open(log_path, "wb") as log:
        log.write(("# %s  (timeout %d s)\n" % (" ".join(s.cmd), s.timeout)).encode())
        try:
            proc = subprocess.Popen(s.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT,
                                    env=env)
        except OSError as e:
            log.write(("cannot start: %s\n" % e).encode())
            return tap, ["cannot start: %s" % e], 0.0, False, log_path, []
        try:
            sel = selectors.DefaultSelector()
            sel.register(proc.stdout, selectors.EVENT_READ)
            deadline = start + s.timeout
            buf = b""
            eof = False
            while not eof:
                now = time.monotonic()
                if now >= deadline:
                    timed_out = True
                    break
                for _ in sel.select(timeout=min(0.5, deadline - now)):
                    data = os.read(proc.stdout.fileno(), 65536)
                    if not data:
                        eof = True
                        break
                    log.write(data)
                    log.flush()
                    buf += data
                    while b"\n" in buf:
                        raw, buf = buf.split(b"\n", 1)
                        handle_line(s, tap, raw.decode("utf-8", "replace"), lines, verbose,
                                    filtered)
            if buf:
                handle_line(s, tap, buf.decode("utf-8", "replace"), lines, verbose, filtered)
            if not timed_out:
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    timed_out = True
        finally:
            if proc.poll() is None or timed_out:
                kill_group(proc, TERM_GRACE)
            else:
                kill_group(proc, grace=0)  # it exited: anything left in its group
            proc.stdout.close()
        elapsed = time.monotonic() - start
        tap.finish()
        extra = list(tap.problems)
        if timed_out:
            extra.append("timed out after %d s (killed)" % s.timeout)
        elif proc.returncode < 0:
            extra.append("killed by signal %d (%s)" % (-proc.returncode,
                                                      signal.Signals(-proc.returncode).name))
        elif proc.returncode != 0 and tap.failed == 0:
            extra.append("exited with status %d but no test failed (crash, sanitizer or leak "
                         "report?)" % proc.returncode)
        log.write(("# ---- exit %s, %.1f s%s\n" % (proc.returncode, elapsed,
                                                    "".join("; " + e for e in extra))).encode())
    # A suite filtered by --only that had no matching case is not a run at all.
    skipped_entirely = filtered and tap.total_results == 0 and not timed_out and \
        proc.returncode == 0 and tap.plans > 0
    if skipped_entirely:
        extra = []
    return tap, extra, elapsed, skipped_entirely, log_path, lines


def handle_line(s, tap, text, lines, verbose, filtered):
    text = text.rstrip("\r")
    lines.append(text)
    kind = tap.line(text)
    if kind in ("not ok", "bail") or (kind == "diag" and tap.in_failure):
        s.failure_lines.append(text)
    if kind in ("ok", "not ok", "skip", "todo", "bail"):
        out("%s: %s" % (s.name, text))
    elif kind == "diag" and (tap.in_failure or verbose):
        out("%s: %s" % (s.name, text))
    elif kind in ("plan", "other") and verbose:
        out("%s: %s" % (s.name, text))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build", help="build directory (default build)")
    ap.add_argument("--only", metavar="SUBSTRING", help="run only matching suites / cases")
    ap.add_argument("--timeout", type=int, help="timeout per suite in seconds (overrides)")
    ap.add_argument("--list", action="store_true", help="list the suites and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="print all suite output")
    ap.add_argument("--suites-dir", metavar="DIR",
                    help="where the Python suites are (default tests/)")
    a = ap.parse_args()

    build = os.path.abspath(os.path.join(ROOT, a.build) if not os.path.isabs(a.build)
                            else a.build)
    suites = find_suites(build, a.timeout, a.suites_dir and os.path.abspath(a.suites_dir))
    if a.only is not None:
        suites = [s for s in suites if a.only in s.name or s.python]
    if a.list:
        for s in suites:
            out("%s  (timeout %d s)" % (s.name, s.timeout))
        return 0

    passed = failed = skipped = todo = 0
    proc_failed_suites = []
    failures = {}
    for s in suites:
        r = run_suite(s, build, a.only, a.verbose)
        tap, extra, elapsed, skipped_entirely, log_path, lines = r
        if skipped_entirely:
            continue
        for e in extra:
            out("%s: not ok - %s" % (s.name, e))
        if extra:
            out("%s: # last lines of output (full log: %s):" %
                (s.name, rel(log_path)))
            for line in lines[-20:]:
                out("%s: #   %s" % (s.name, line))
        passed += tap.passed
        failed += tap.failed + len(extra)
        skipped += tap.skipped
        todo += tap.todo
        if tap.failed or extra:
            proc_failed_suites.append(s.name)
            failures[s.name] = s.failure_lines + ["not ok - " + e for e in extra]
        out("# %s: %d ok, %d not ok%s, %.1f s" % (
            s.name, tap.passed, tap.failed + len(extra),
            ", %d skipped" % tap.skipped if tap.skipped else "", elapsed))

    if not suites:
        out("# no test suites found (build %s)" % rel(build))
    if skipped or todo:
        out("# %d skipped, %d todo" % (skipped, todo))
    if proc_failed_suites:
        # Again at the end, so that a log cut to its last lines (CI's) still says what failed.
        recap = [(n, t) for n in proc_failed_suites for t in failures[n]]
        out("# what failed%s:" % (" (the first %d lines)" % RECAP_LINES
                                  if len(recap) > RECAP_LINES else ""))
        for n, t in recap[:RECAP_LINES]:
            out("#   %s: %s" % (n, t))
        out("# failed suites: %s (logs in %s)" % (" ".join(proc_failed_suites),
                                                   rel(os.path.join(build, "test-logs"))))
    if passed + failed == 0:
        out("# no test ran")
    out("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed + failed == 0 else 0


def _term(signum, frame):
    raise SystemExit(128 + signum)  # so that the running suite is killed on the way out


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _term)
    signal.signal(signal.SIGHUP, _term)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        out("interrupted")
        sys.exit(130)
