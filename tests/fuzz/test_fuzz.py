#!/usr/bin/env python3
"""The libFuzzer smoke run in `make test` (TAP, one line per target): each build/fuzz/fuzz_<name>
runs SKIFF_FUZZ_SMOKE seconds (default 10) from a fresh corpus seeded with the committed seeds
(tests/fuzz/seeds/), the reproducers of what fuzzing found and skiff fixed (tests/fuzz/regress/,
FINDINGS.md), which must pass, and the seeds made from the unit tests' fixtures. A target is not ok if it crashed (sanitizer report, failed check,
timeout, leak), did not start, or ran fewer than MIN_EXECS inputs. Needs `make fuzz-build`
(make test builds it). Writes only under build/fuzz/smoke/; tools/fuzz.py does the running."""

import os
import shutil
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import fuzz  # noqa: E402

SUITE_TIMEOUT = 400
MIN_EXECS = 1000  # the slowest target (guest_dtb) does several thousand in 10 s

BUILD = os.path.abspath(os.environ.get("SKIFF_BUILD", os.path.join(ROOT, "build")))


def out(s):
    sys.stdout.write(s + "\n")
    sys.stdout.flush()


def main():
    seconds = int(os.environ.get("SKIFF_FUZZ_SMOKE", "10"))
    only = os.environ.get("SKIFF_TEST_ONLY") or None
    targets = [t for t in fuzz.TARGETS if not only or only in "fuzz_" + t]
    out("1..%d" % len(targets))
    failed = 0
    for n, t in enumerate(targets, 1):
        smoke = os.path.join(BUILD, "fuzz", "smoke", t)
        shutil.rmtree(smoke, ignore_errors=True)
        inputs = fuzz.corpus_dirs(BUILD, t)
        r = fuzz.run(BUILD, t, seconds, os.path.join(smoke, "corpus"), inputs,
                     os.path.join(smoke, "crashes"), os.path.join(smoke, "log"))
        ok = r.ok and r.execs >= MIN_EXECS
        line = "fuzz_%s: %s" % (t, fuzz.describe(r))
        if r.ok and r.execs < MIN_EXECS:
            line += "; only %d executions (at least %d expected)" % (r.execs, MIN_EXECS)
        out("%s %d - %s" % ("ok" if ok else "not ok", n, line))
        if not ok:
            failed += 1
            out("# log: %s" % os.path.relpath(r.log, ROOT))
            try:
                with open(r.log, encoding="utf-8", errors="replace") as f:
                    tail = f.read().splitlines()[-15:]
            except OSError:
                tail = []
            for s in tail:
                out("#   " + s)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
