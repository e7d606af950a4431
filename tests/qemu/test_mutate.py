#!/usr/bin/env python3
"""tools/mutate.py, the mutation runner behind `make mutate` (TAP): every snippet of the real
catalogue (tools/mutants/) still matches its source, and a small sample catalogue on the abort
decoder (hyp/emul/abort.c, whose two unit tests build in seconds) comes out as it must: a
mutant the tests kill is killed, one marked equivalent is equivalent, an unmarked survivor
survives and misses the target, a mutant that does not compile is stillborn, a stale snippet
and a killed "equivalent" one are errors, a header's mutant reaches the sources including it
(killed), and without those the target is met. Needs the unit
test fixtures (make unit); boots nothing. Writes only under BUILD/test-mutate and a temporary
directory."""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, ROOT, Tap  # noqa: E402

SUITE_TIMEOUT = 240
RUN_TIMEOUT = 200

MUTATE = os.path.join(ROOT, "tools", "mutate.py")
WORK = os.path.join(BUILD, "test-mutate")

HEAD = """area sample
target 100
file hyp/emul/abort.c
"""
# What each mutant of the sample is meant to come out as (its id is sample-N, N from 1).
KILLED = """early-return  no instruction syndrome, decoded anyway
- if (!(esr & ESR_ISS_ISV))
+ if (0)
"""
EQUIVALENT = """drop      a comment reworded
- /* A write to a W register zeroes bits [63:32] of the X register. */
+ /* A W register's write zeroes bits [63:32] of the X register. */
equivalent: only a comment changes
"""
SURVIVED = """drop      another comment reworded, not marked
- /* No instruction syndrome (e.g. LDP, writeback, SIMD): the access cannot be replayed. */
+ /* No ISS (LDP, writeback, SIMD): the access cannot be replayed. */
"""
STILLBORN = """constant  not C
- return val & width_mask(acc->width);
+ return val & width_mask(acc->width) +;
"""
STALE = """compare   a snippet the source no longer has
- if (esr & ESR_ISS_NOT_A_BIT)
+ if (0)
"""
FALSE_EQUIVALENT = """mask      the register number without its mask, wrongly marked
- (unsigned int)((esr >> ESR_ISS_SRT_SHIFT) & ESR_ISS_SRT_MASK)
+ (unsigned int)(esr >> ESR_ISS_SRT_SHIFT)
equivalent: not so: test_abort decodes Rt from a syndrome with bits above it
"""

HEADER = """file hyp/emul/abort.h
constant  a header's macro changed: the sources that include it are compiled with it
- #define HPFAR_FIPA_SHIFT 8
+ #define HPFAR_FIPA_SHIFT 9
"""

RESULT_RE = re.compile(r"^\[\d+/\d+\] (\S+)\s+((?:sample|header)-\d+) ")


def run(args):
    p = subprocess.run([sys.executable, MUTATE, "--build", BUILD, "--work", WORK] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                       text=True, timeout=RUN_TIMEOUT, cwd=ROOT)
    return p.returncode, p.stdout


def sample(tmp, name, bodies):
    path = os.path.join(tmp, name + ".txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEAD + "".join(bodies))
    return path


def verdicts(out):
    return dict((m.group(2), m.group(1)) for m in map(RESULT_RE.match, out.splitlines()) if m)


def tail(out, n=25):
    return ["  " + line for line in out.splitlines()[-n:]]


def main():
    tap = Tap()
    tap.plan(10)
    cases = []
    try:
        rc, out = run(["--check"])
        tap.ok(rc == 0 and " 0 snippet errors" in out,
               "the catalogue's snippets all match their sources (--check)",
               ["exit status %d" % rc] + tail(out))

        with tempfile.TemporaryDirectory() as tmp:
            path = sample(tmp, "sample", [KILLED, EQUIVALENT, SURVIVED, STILLBORN, STALE,
                                          FALSE_EQUIVALENT])
            rc, out = run(["--catalogue", path, "-v"])
            got = verdicts(out)
            diag = ["exit status %d, verdicts %s" % (rc, got)] + tail(out)
            cases = [("sample-1", "killed", "a mutant the tests kill is killed"),
                     ("sample-2", "equivalent", "a survivor marked equivalent is equivalent"),
                     ("sample-3", "survived", "an unmarked survivor survives"),
                     ("sample-4", "stillborn", "a mutant that does not compile is stillborn")]
            for mid, want, name in cases:
                tap.ok(got.get(mid) == want, name, diag)
            tap.ok("sample-5" not in got and re.search(r"sample-5 \(.*\): snippet found 0 times",
                                                       out),
                   "a snippet the source no longer has is an error, not run", diag)
            tap.ok(got.get("sample-6") == "killed" and
                   re.search(r"sample-6 .* is marked equivalent but test_abort kills it", out),
                   "a killed mutant marked equivalent is an error", diag)
            tap.ok(rc == 1 and re.search(r"^sample .*\s100%\s+MISSED$", out, re.M) and
                   "sample-3 hyp/emul/abort.c:" in out.split("== survivors")[-1],
                   "the survivor is listed with its line, the target missed, exit status 1",
                   diag)

            path = sample(tmp, "header", [HEADER])
            rc, out = run(["--catalogue", path, "-v"])
            tap.ok(verdicts(out).get("header-1") == "killed" and rc == 0,
                   "a mutant of a header is compiled into the sources including it: killed",
                   ["exit status %d" % rc] + tail(out))

            path = sample(tmp, "clean", [KILLED, EQUIVALENT])
            rc, out = run(["--catalogue", path])
            tap.ok(rc == 0 and re.search(r"^hyp/emul/abort\.c\s+2\s+1\s+0\s+1\s+0\s+100\.0%$",
                                         out, re.M) and
                   re.search(r"^sample\s.*\s100%\s+met$", out, re.M),
                   "killed and equivalent only: the table says 2 1 0 1 0, the target is met, "
                   "exit status 0", ["exit status %d" % rc] + tail(out))
    except (OSError, subprocess.TimeoutExpired) as e:
        while tap.n < 10:
            tap.ok(False, "tools/mutate.py ran", [str(e)])
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
