#!/usr/bin/env python3
"""Mutation testing of skiff's host-tested C (`make mutate`; README "Mutation testing").

    tools/mutate.py [--build build] [-j N] [--area NAME] [--file PATH] [--only TEXT]
                    [--catalogue FILE_OR_DIR ...] [--timeout SECONDS] [--check] [--list] [-v]

The catalogue (tools/mutants/<area>.txt) lists by hand the bugs a reviewer would believe:
comparisons flipped, bounds off by one, masks dropped, ownership checks skipped, early returns,
arguments swapped. Each mutant is applied alone to a scratch copy of the tree; the unit tests
that link its file are built as the Makefile builds them (its commands, from `make -n -B`, with
each source compiled on its own so that only the mutated one is compiled again; for a header,
every source of the test that includes it, the test's own file too) and run, the test named for
the file first, until one fails. A mutant is:
  killed      a test failed, crashed, tripped a sanitizer or ran past --timeout (and past 4
              times its own unmutated run, so that a busy host's slow test is no kill)
  survived    every test linking the file passed
  equivalent  survived, and the catalogue says why no behaviour can change (`equivalent:`)
  stillborn   it did not compile or link (neither killed nor survived: fix the catalogue)
Prints a table per file and per area, the survivors, and whether each area meets its target
(the area's `target` line: the share of non-equivalent, compiled mutants killed). Exits 1 if a
target is missed, a snippet does not match its file exactly once (or at its occurrence), a
mutant marked equivalent is killed, or a baseline test fails; 0 otherwise.

Catalogue format (one file per area or part of one: files naming the same area add up; `#`
starts a comment line; ids are the file's name and the mutant's number in it):

    area irq
    target 100
    file irq/vgic_dist.c
    compare   the first SPI is INTID 32
    - intid < VGIC_SPI_BASE
    + intid <= VGIC_SPI_BASE
    occurrence 2
    equivalent: <one line: why no behaviour changes>

A line naming a kind (compare bound mask ownership early-return swap logic drop constant),
optionally followed by a note, starts a mutant of the current `file`. `- ` lines are the snippet
to find, `+ ` lines its replacement (several lines each are joined with newlines; a bare `+`
replaces with nothing). Text after `- ` / `+ ` is taken verbatim. `occurrence N` picks the N-th
match (1-based) where the snippet is not unique.

--check only parses the catalogue and matches every snippet (no build); --list prints the
mutants. Writes only under BUILD/mutate (--work elsewhere). Standard library only.
"""

import argparse
import concurrent.futures
import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
CATALOGUE = os.path.join(ROOT, "tools", "mutants")
KINDS = ("compare", "bound", "mask", "ownership", "early-return", "swap", "logic", "drop",
         "constant")
# what a scratch tree holds: the sources and headers the unit tests compile
TREE_DIRS = ("arch", "lib", "hyp", "irq", "drivers", "include", "tests/unit")
TEST_TIMEOUT = 60
BASELINE_TIMEOUT = 600
COMPILE_TIMEOUT = 300


class CatalogueError(Exception):
    pass


class Mutant:
    def __init__(self, area, path, kind, note, where):
        self.area = area
        self.path = path
        self.kind = kind
        self.note = note
        self.where = where  # catalogue file:line
        self.find = []
        self.replace = []
        self.occurrence = None
        self.equivalent = None
        self.id = None
        self.line = None  # line of the match in the source
        self.offset = None
        self.error = None  # the snippet does not match, or the file is not tested
        self.status = None  # killed survived equivalent stillborn error
        self.detail = ""  # the test that killed it, or the compiler's first error

    @property
    def find_text(self):
        return "\n".join(self.find)

    @property
    def replace_text(self):
        return "\n".join(self.replace)

    def label(self):
        return "%s %s:%s %s" % (self.id, self.path, self.line or "?", self.kind)


class Area:
    def __init__(self, name, source):
        self.name = name
        self.source = source
        self.target = None
        self.mutants = []


def parse_catalogue(path):
    """Reads one catalogue file into an Area; raises CatalogueError on a malformed line."""
    stem = os.path.splitext(os.path.basename(path))[0]
    area = Area(stem, path)
    cur_file = None
    cur = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, raw in enumerate(lines, 1):
        where = "%s:%d" % (os.path.relpath(path, ROOT), n)
        line = raw.rstrip("\r")
        if line.startswith("- ") or line == "-":
            if cur is None or cur.replace:
                raise CatalogueError("%s: a `-` line outside a mutant or after its `+` lines"
                                     % where)
            cur.find.append(line[2:])
            continue
        if line.startswith("+ ") or line == "+":
            if cur is None or not cur.find:
                raise CatalogueError("%s: a `+` line before the mutant's `-` lines" % where)
            cur.replace.append(line[2:])
            continue
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        word, _, rest = s.partition(" ")
        rest = rest.strip()
        if word == "area":
            area.name = rest
        elif word == "target":
            try:
                area.target = float(rest)
            except ValueError:
                raise CatalogueError("%s: target %r is not a number" % (where, rest))
        elif word == "file":
            cur_file = rest
            cur = None
        elif word in KINDS:
            if cur_file is None:
                raise CatalogueError("%s: a mutant before any `file` line" % where)
            cur = Mutant(area.name, cur_file, word, rest, where)
            area.mutants.append(cur)
        elif word == "occurrence":
            if cur is None or not rest.isdigit() or int(rest) < 1:
                raise CatalogueError("%s: `occurrence N` (N >= 1) belongs to a mutant" % where)
            cur.occurrence = int(rest)
        elif word == "equivalent:":
            if cur is None or not rest:
                raise CatalogueError("%s: `equivalent: reason` belongs to a mutant and needs "
                                     "its reason" % where)
            cur.equivalent = rest
        else:
            raise CatalogueError("%s: cannot read %r (a kind is one of: %s)"
                                 % (where, s, " ".join(KINDS)))
    for m in area.mutants:
        if not m.find:
            raise CatalogueError("%s: mutant without a `-` snippet" % m.where)
        if m.find == m.replace:
            raise CatalogueError("%s: the replacement is the snippet itself" % m.where)
    if area.target is None:
        raise CatalogueError("%s: no `target` line" % os.path.relpath(path, ROOT))
    for i, m in enumerate(area.mutants, 1):
        m.id = "%s-%d" % (stem, i)
    return area


def catalogue_files(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith(".txt"))
        else:
            files.append(p)
    return files


def locate(m, text):
    """Sets m.offset and m.line, or m.error when the snippet does not match as it should."""
    find = m.find_text
    hits = [x.start() for x in re.finditer(re.escape(find), text)]
    if m.occurrence is None:
        if len(hits) != 1:
            m.error = "snippet found %d times in %s (needs exactly 1, or `occurrence N`): %r" % (
                len(hits), m.path, find)
            return
        pos = hits[0]
    else:
        if len(hits) < m.occurrence or len(hits) < 2:
            m.error = "snippet found %d times in %s, occurrence %d asked: %r" % (
                len(hits), m.path, m.occurrence, find)
            return
        pos = hits[m.occurrence - 1]
    m.offset = pos
    m.line = text.count("\n", 0, pos) + 1


def mutated(m, text):
    return text[:m.offset] + m.replace_text + text[m.offset + len(m.find_text):]


# ---- what the Makefile says about the unit tests


class UnitTest:
    def __init__(self, name, cc, cflags, srcs, libs):
        self.name = name
        self.cc = cc
        self.cflags = cflags
        self.srcs = srcs  # the sources it links, its own test_NAME.c first
        self.libs = libs
        self.key = hashlib.sha1(" ".join(cc + cflags).encode()).hexdigest()[:10]
        self.seconds = 0.0


def unit_info(build):
    """Each unit test's compiler, flags, sources and libraries, as the Makefile builds it: the
    names from tests/unit/*.mk (UNIT_TESTS += name), the command from `make -n -B` of each."""
    names = []
    for mk in sorted(os.listdir(os.path.join(ROOT, "tests", "unit"))):
        if mk.endswith(".mk"):
            with open(os.path.join(ROOT, "tests", "unit", mk), encoding="utf-8") as f:
                names += re.findall(r"^UNIT_TESTS\s*\+=\s*(\S+)", f.read(), re.M)
    bins = {os.path.join(build, "tests", "unit", "test_" + n): n for n in names}
    p = subprocess.run(["make", "--no-print-directory", "-n", "-B", "BUILD=" + build] +
                       sorted(bins), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=300)
    if p.returncode:
        raise SystemExit("mutate: make -n of the unit tests failed:\n" + p.stderr)
    tests = {}
    for line in p.stdout.splitlines():
        try:
            words = shlex.split(line)
        except ValueError:
            continue
        for i in range(len(words) - 1):
            if words[i] == "-o" and words[i + 1] in bins:
                rest = words[i + 2:]
                name = bins[words[i + 1]]
                tests[name] = UnitTest(name, words[:1], words[1:i],
                                       [w for w in rest if w.endswith(".c")],
                                       [w for w in rest if not w.endswith(".c")])
                break
    missing = sorted(set(names) - set(tests))
    if missing:
        raise SystemExit("mutate: no build command found for test_%s" % ", test_".join(missing))
    return tests


KILLS = {}  # (source, test name) -> mutants of that source the test killed in this run


def includes(src, header, depth=3):
    """Whether the file src (repo-relative) #includes header (repo-relative), directly or
    through the headers it includes (depth levels)."""
    try:
        with open(os.path.join(ROOT, src), encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return False
    if ('#include "%s"' % header) in text:
        return True
    return depth > 1 and any(includes(h, header, depth - 1)
                             for h in re.findall(r'#include "([^"]+\.h)"', text))


def tests_for(path, tests):
    """The unit tests linking path: the one named for it first, then those that killed most of
    its mutants so far, then the quickest."""
    # a header's inline bodies: the tests that link a source including it
    if path.endswith(".h"):
        linked = [t for t in tests.values() if any(includes(s, path) for s in t.srcs[1:])]
    else:
        linked = [t for t in tests.values() if path in t.srcs[1:]]
    stem = os.path.splitext(os.path.basename(path))[0]
    return sorted(linked, key=lambda t: (t.name != stem, -KILLS.get((path, t.name), 0),
                                         t.seconds, t.name))


# ---- building


def run(cmd, cwd, timeout):
    """Runs cmd in its own process group; returns (status or None on timeout, output)."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            env=dict(os.environ, **ENV))
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        return None, ""
    finally:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


ENV = {}


def first_error(out):
    for line in out.splitlines():
        if "error" in line:
            return line.strip()
    return (out.strip().splitlines() or ["(no output)"])[0]


def deps_newer(obj, dep):
    """True if obj is missing or older than a file its -MMD dependency list names."""
    try:
        t = os.path.getmtime(obj)
        with open(dep, encoding="utf-8") as f:
            text = f.read().replace("\\\n", " ")
    except OSError:
        return True
    files = text.split(":", 1)[1].split() if ":" in text else []
    for p in files:
        if p.endswith(":"):
            continue
        try:
            if os.path.getmtime(os.path.join(ROOT, p)) > t:
                return True
        except OSError:
            return True
    return False


class Builder:
    def __init__(self, work, jobs):
        self.work = work
        self.jobs = jobs

    def base_obj(self, key, src):
        return os.path.join(self.work, "base", key, src + ".o")

    def compile_base(self, tests):
        """Compiles (when out of date) every object of the given tests from the real tree."""
        jobs = {}
        for t in tests:
            for src in t.srcs:
                jobs[(t.key, src)] = t.cc + t.cflags
        todo = []
        for (key, src), cflags in sorted(jobs.items()):
            obj = self.base_obj(key, src)
            if deps_newer(obj, obj[:-2] + ".d"):
                todo.append((key, src, cflags, obj))

        def one(job):
            key, src, cflags, obj = job
            os.makedirs(os.path.dirname(obj), exist_ok=True)
            rc, out = run(cflags + ["-MMD", "-MF", obj[:-2] + ".d", "-c", src, "-o",
                                              obj], ROOT, COMPILE_TIMEOUT)
            return src, rc, out

        if todo:
            print("mutate: compiling %d baseline objects" % len(todo), flush=True)
        with concurrent.futures.ThreadPoolExecutor(self.jobs) as ex:
            for src, rc, out in ex.map(one, todo):
                if rc != 0:
                    raise SystemExit("mutate: baseline %s does not compile:\n%s" % (src, out))

    def link(self, t, out, replace=None):
        """Links test t to out, with replace = {src: object} in place of those sources' base
        objects."""
        objs = [(replace or {}).get(src) or self.base_obj(t.key, src) for src in t.srcs]
        os.makedirs(os.path.dirname(out), exist_ok=True)
        return run(t.cc + t.cflags + ["-o", out] + objs + t.libs, ROOT, COMPILE_TIMEOUT)


def copy_tree(dst):
    if os.path.isdir(dst):
        shutil.rmtree(dst)
    for d in TREE_DIRS:
        src = os.path.join(ROOT, d)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dst, d), ignore=lambda _d, names: [
                n for n in names if os.path.isfile(os.path.join(_d, n)) and
                not n.endswith((".c", ".h"))])


def units_of(path, t):
    """The sources of test t to compile again when path changes: path itself, or for a header
    every source of t (its own test file too) that includes it."""
    if path.endswith(".h"):
        return [s for s in t.srcs if includes(s, path)]
    return [path]


def run_mutant(m, text, tests, builder, tree, timeout):
    """Applies m in the scratch tree, builds and runs its tests; sets m.status and m.detail."""
    path = os.path.join(tree, m.path)
    with open(path, "w", encoding="utf-8") as f:
        f.write(mutated(m, text))
    objdir = os.path.join(tree, ".obj")
    shutil.rmtree(objdir, ignore_errors=True)
    try:
        objs = {}
        for t in tests:
            replace = {}
            for src in units_of(m.path, t):
                obj = objs.get((t.key, src))
                if obj is None:
                    obj = os.path.join(objdir, t.key, src + ".o")
                    os.makedirs(os.path.dirname(obj), exist_ok=True)
                    # a warning (a parameter the mutant leaves unused) does not stop it
                    rc, out = run(t.cc + t.cflags + ["-Wno-error", "-c", src, "-o", obj], tree,
                                  COMPILE_TIMEOUT)
                    if rc != 0:
                        m.status, m.detail = "stillborn", first_error(out)
                        return
                    objs[(t.key, src)] = obj
                replace[src] = obj
            if not replace:
                raise SystemExit("mutate: test_%s links no source including %s" % (t.name,
                                                                                  m.path))
            exe = os.path.join(objdir, "test_" + t.name)
            rc, out = builder.link(t, exe, replace)
            if rc != 0:
                m.status, m.detail = "stillborn", "link: " + first_error(out)
                return
            # a slow test on a busy host is no kill: at least 4 times its baseline run
            limit = max(timeout, int(4 * t.seconds) + 1)
            rc, out = run([exe], ROOT, limit)
            if rc is None or rc != 0:
                m.status = "killed"
                m.detail = "test_" + t.name + (" timed out (%d s)" % limit if rc is None else "")
                KILLS[(m.path, t.name)] = KILLS.get((m.path, t.name), 0) + 1
                return
        m.status = "equivalent" if m.equivalent else "survived"
        m.detail = "ran " + " ".join("test_" + t.name for t in tests)
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


# ---- report


def pct(killed, scored):
    return 100.0 * killed / scored if scored else 100.0


def counts(ms):
    c = {k: 0 for k in ("killed", "survived", "equivalent", "stillborn", "error")}
    for m in ms:
        c[m.status or "error"] += 1
    c["mutants"] = len(ms) - c["error"]  # a mutant that could not be applied is an error only
    c["scored"] = c["killed"] + c["survived"]
    return c


def table(rows, head):
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    fmt = "  ".join("%%-%ds" % w if i == 0 else "%%%ds" % w for i, w in enumerate(widths))
    print(fmt % tuple(head))
    for r in rows:
        print(fmt % tuple(r))


HEAD = ("file", "mutants", "killed", "survived", "equivalent", "stillborn", "score")


def row(name, c):
    return (name, c["mutants"], c["killed"], c["survived"], c["equivalent"], c["stillborn"],
            "%.1f%%" % pct(c["killed"], c["scored"]) if c["scored"] else "-")


def report(areas, errors):
    ok = True
    summary = []
    for a in areas:
        if not a.mutants:
            continue
        print("\n== area %s (target %g%% of non-equivalent mutants killed)" % (a.name, a.target))
        files = []
        for m in a.mutants:
            if m.path not in files:
                files.append(m.path)
        rows = [row(p, counts([m for m in a.mutants if m.path == p])) for p in files]
        c = counts(a.mutants)
        rows.append(row("total", c))
        table(rows, HEAD)
        score = pct(c["killed"], c["scored"])
        met = score + 1e-9 >= a.target and c["error"] == 0
        ok &= met
        summary.append(row(a.name, c) + ("%g%%" % a.target, "met" if met else "MISSED"))
    print("\n== areas")
    table(summary, ("area",) + HEAD[1:] + ("target", ""))
    surv = [m for a in areas for m in a.mutants if m.status == "survived"]
    if surv:
        print("\n== survivors (kill each with a test, or mark it `equivalent:` with the reason)")
        for m in surv:
            print("  %s  (%s)%s" % (m.label(), m.where, "  " + m.note if m.note else ""))
            print("      - %s\n      + %s" % (m.find_text.replace("\n", "\n        "),
                                             m.replace_text.replace("\n", "\n        ")))
    born = [m for a in areas for m in a.mutants if m.status == "stillborn"]
    if born:
        print("\n== stillborn (did not build: fix the catalogue)")
        for m in born:
            print("  %s  (%s): %s" % (m.label(), m.where, m.detail))
    if errors:
        print("\n== errors")
        for e in errors:
            print("  " + e)
    return ok and not errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build", help="build directory (default build)")
    ap.add_argument("--work", help="scratch directory (default BUILD/mutate)")
    ap.add_argument("--catalogue", nargs="+", default=[CATALOGUE],
                    help="catalogue files or directories (default tools/mutants)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="mutants at once (default 2)")
    ap.add_argument("--area", action="append", help="only this area (repeatable)")
    ap.add_argument("--file", action="append", help="only mutants of this source (repeatable)")
    ap.add_argument("--only", help="only mutants whose id or note contains TEXT")
    ap.add_argument("--skip", action="append", default=[], metavar="TEST",
                    help="leave unit test TEST (test_TEST) out: quicker, but not make mutate's "
                         "verdict (repeatable)")
    ap.add_argument("--timeout", type=int, default=TEST_TIMEOUT,
                    help="seconds per test run before the mutant counts as killed (60, or 4 "
                         "times the test's unmutated run when that is longer)")
    ap.add_argument("--check", action="store_true", help="match the snippets only, build nothing")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each mutant's result")
    a = ap.parse_args()
    start = time.monotonic()

    build = a.build if os.path.isabs(a.build) else os.path.join(ROOT, a.build)
    work = os.path.abspath(a.work or os.path.join(build, "mutate"))
    ENV["SKIFF_BUILD"] = build

    errors = []
    areas = []
    for path in catalogue_files(a.catalogue):
        try:
            part = parse_catalogue(path)
        except (CatalogueError, OSError) as e:
            errors.append(str(e))
            continue
        same = [x for x in areas if x.name == part.name]
        if not same:
            areas.append(part)
        elif same[0].target != part.target:
            errors.append("%s: area %s's target %g differs from %g in %s" % (
                os.path.relpath(path, ROOT), part.name, part.target, same[0].target,
                os.path.relpath(same[0].source, ROOT)))
        else:
            same[0].mutants += part.mutants
    if a.area:
        areas = [x for x in areas if x.name in a.area]
    for x in areas:
        x.mutants = [m for m in x.mutants if (not a.file or m.path in a.file) and
                     (not a.only or a.only in m.id or a.only in m.note)]

    texts = {}
    for x in areas:
        for m in x.mutants:
            if m.path not in texts:
                try:
                    with open(os.path.join(ROOT, m.path), encoding="utf-8") as f:
                        texts[m.path] = f.read()
                except OSError as e:
                    texts[m.path] = None
                    errors.append("%s: %s" % (m.where, e))
            if texts[m.path] is None:
                m.error = "no file %s" % m.path
                continue
            locate(m, texts[m.path])
    if a.list:
        for x in areas:
            for m in x.mutants:
                print("%s  %s%s" % (m.label(), m.note, "  [equivalent]" if m.equivalent else ""))
        return 0

    tests = unit_info(os.path.relpath(build, ROOT) if build.startswith(ROOT + os.sep)
                                else build)
    for name in a.skip:
        if tests.pop(name.replace("test_", "", 1), None) is None:
            raise SystemExit("mutate: --skip %s: no such unit test" % name)
    for x in areas:
        for m in x.mutants:
            if not m.error and not tests_for(m.path, tests):
                m.error = "no unit test links %s (tests/unit/*.mk)" % m.path
            if m.error:
                m.status = "error"
                errors.append("%s (%s): %s" % (m.id, m.where, m.error))
    mutants = [m for x in areas for m in x.mutants if not m.error]
    if a.check:
        print("mutate: %d mutants in %d areas, %d snippet errors" % (
            sum(len(x.mutants) for x in areas), len(areas), len(errors)))
        for e in errors:
            print("  " + e)
        return 1 if errors else 0
    if not mutants:
        print("mutate: no mutant to run")
        for e in errors:
            print("  " + e)
        return 1

    # the baseline: every test the mutants need, built from the real tree, must pass
    needed = {}
    for m in mutants:
        for t in tests_for(m.path, tests):
            needed[t.name] = t
    builder = Builder(work, max(1, a.jobs))
    builder.compile_base(needed.values())
    for t in sorted(needed.values(), key=lambda t: t.name):
        exe = os.path.join(work, "base", "test_" + t.name)
        rc, out = builder.link(t, exe)
        if rc != 0:
            raise SystemExit("mutate: baseline test_%s does not link:\n%s" % (t.name, out))
        t0 = time.monotonic()
        rc, out = run([exe], ROOT, BASELINE_TIMEOUT)  # a busy host's slow run is still a pass
        t.seconds = time.monotonic() - t0
        if rc != 0:
            raise SystemExit("mutate: baseline test_%s fails unmutated (%s); fix it first:\n%s"
                             % (t.name, "timeout" if rc is None else "status %d" % rc,
                                "\n".join(out.splitlines()[-20:])))
    print("mutate: baseline of %d tests passes (%.0f s); %d mutants, %d at once"
          % (len(needed), time.monotonic() - start, len(mutants), a.jobs), flush=True)

    trees = []
    for i in range(max(1, a.jobs)):
        tree = os.path.join(work, "tree%d" % i)
        copy_tree(tree)
        trees.append(tree)
    free = list(trees)
    lock = threading.Lock()
    done = [0]

    def one(m):
        with lock:
            tree = free.pop()
        try:
            with lock:
                order = tests_for(m.path, tests)
            run_mutant(m, texts[m.path], order, builder, tree, a.timeout)
        finally:
            with lock:
                free.append(tree)
                done[0] += 1
                if a.verbose or m.status in ("survived", "stillborn"):
                    print("[%d/%d] %-10s %s  %s" % (done[0], len(mutants), m.status, m.label(),
                                                    m.detail), flush=True)
                elif done[0] % 25 == 0:
                    print("[%d/%d]" % (done[0], len(mutants)), flush=True)

    with concurrent.futures.ThreadPoolExecutor(max(1, a.jobs)) as ex:
        for f in [ex.submit(one, m) for m in mutants]:
            f.result()

    for m in mutants:
        if m.equivalent and m.status == "killed":
            errors.append("%s (%s) is marked equivalent but %s kills it: drop the mark"
                          % (m.id, m.where, m.detail))
    ok = report(areas, errors)
    print("\nmutate: %d mutants in %.0f s: %s" % (len(mutants), time.monotonic() - start,
                                                  "every target met" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted")
        sys.exit(130)
