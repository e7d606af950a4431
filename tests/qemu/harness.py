"""QEMU test harness: boots an image, captures the console, checks it, never leaves a process.

Python 3 standard library only. Every QEMU runs in its own process group (session) with a hard
timeout; on timeout, early stop, exception, Ctrl-C or SIGTERM the whole group gets SIGTERM and
then SIGKILL, and QEMU also gets SIGKILL if the Python process dies (PR_SET_PDEATHSIG).

    from harness import run_qemu, Tap, MACHINE
    r = run_qemu(MACHINE + ["-bios", image], timeout=60, name="boot-fw",
                 expect=[r"skiff: all 2 cpus up"], stop_on=None)
    tap.check("firmware boot", r)

The console is UART0 (QEMU virt's PL011) on QEMU's stdout through a stdio chardev; stdin is a
pipe that stays open (so QEMU never sees EOF) and Qemu.send() can type into it. QEMU's own
messages (stderr) are kept apart and saved in the log after the console.
"""

import json
import os
import re
import selectors
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.path.abspath(os.environ.get("SKIFF_BUILD", os.path.join(ROOT, "build")))
LOG_DIR = os.path.join(BUILD, "test-logs")
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")

# The machine every test and benchmark boots unless it says otherwise (docs/boot.md, "The
# reference machine"). Without -nic none, QEMU 7.2 looks for efi-virtio.rom for the default NIC
# and fails.
CPU_ARGS = ["-cpu", "cortex-a57", "-m", "1G", "-nic", "none"]

# skiff's built-in configuration names no machine's devices (dts/default.dts: it takes every
# device the tree has): a run on QEMU virt that brings no configuration of its own gets the virt
# example (dts/qemu-virt.dts) as the fw_cfg file opt/skiff/config.dtb, as `make run` does. A
# kernel run natively ignores it.
VIRT_CONFIG = os.path.join(BUILD, "dts", "qemu-virt.dtb")
CONFIG_FILE = "opt/skiff/config.dtb"


def with_virt_config(args):
    """args, plus the virt example configuration when they boot QEMU virt without one."""
    words = [str(a) for a in args]
    virt = any(words[i] == "-M" and words[i + 1].startswith("virt")
               for i in range(len(words) - 1))
    if not virt or any(CONFIG_FILE in w for w in words):
        return words
    return words + ["-fw_cfg", "name=%s,file=%s" % (CONFIG_FILE, VIRT_CONFIG)]


def machine(native=False, options="", gic=3):
    """QEMU's arguments for the virt machine with a GICv3 (gic=2: a GICv2): with EL2 for skiff
    (native: without, for a guest run directly), plus options such as "acpi=off"."""
    m = "virt,gic-version=%d" % gic if native else "virt,virtualization=on,gic-version=%d" % gic
    return ["-M", m + ("," + options if options else "")] + CPU_ARGS


MACHINE = machine()

DEFAULT_FORBID = [r"skiff: fatal", r"Unhandled exception", r"panic"]

TERM_GRACE = 2.0  # seconds between SIGTERM and SIGKILL


class HarnessError(Exception):
    pass


class QmpError(HarnessError):
    pass


def _term_handler(signum, frame):
    # Turn SIGTERM/SIGHUP into an exception so that every finally: clause runs and kills QEMU.
    raise SystemExit(128 + signum)


if threading.current_thread() is threading.main_thread():
    for _sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(_sig) in (signal.SIG_DFL, None):
            signal.signal(_sig, _term_handler)


def _pdeathsig():
    """preexec_fn: the child gets SIGKILL when its parent thread dies (Linux)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def kill_group(proc, grace=TERM_GRACE):
    """SIGTERM the process group of proc, wait up to grace seconds, then SIGKILL it.

    Returns True if the leader had to be signalled (it was still running)."""
    if proc is None:
        return False
    was_running = proc.poll() is None
    pgid = proc.pid  # start_new_session=True: the leader's pid is the group id
    try:
        os.killpg(pgid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass
    deadline = time.monotonic() + grace
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        os.killpg(pgid, signal.SIGKILL)  # also any child left in the group
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    return was_running


def _as_list(x):
    if x is None:
        return []
    if isinstance(x, (str, re.Pattern)):
        return [x]
    return list(x)


def _rx(p):
    return p if isinstance(p, re.Pattern) else re.compile(p, re.MULTILINE)


def _pattern_text(p):
    return p.pattern if isinstance(p, re.Pattern) else str(p)


class AnyOrder:
    """An expect item: all these regexes, in any order, after the previous item."""

    def __init__(self, *patterns):
        if len(patterns) == 1 and not isinstance(patterns[0], (str, re.Pattern)):
            patterns = tuple(patterns[0])
        self.patterns = list(patterns)

    def __repr__(self):
        return "AnyOrder(%s)" % ", ".join(repr(_pattern_text(p)) for p in self.patterns)


def match_in_order(text, expect):
    """Checks that expect (regexes, AnyOrder groups, or lists/sets meaning AnyOrder) appear
    in text in order. Returns (matches, missing): matches is a list of (pattern, match) found,
    missing the first pattern text not found after the previous item, or None."""
    pos = 0
    matches = []
    for item in _as_list(expect):
        if isinstance(item, (list, tuple, set, frozenset)):
            item = AnyOrder(item)
        if isinstance(item, AnyOrder):
            end = pos
            before = _pattern_text(matches[-1][0]) if matches else "the start"
            for p in item.patterns:
                m = _rx(p).search(text, pos)
                if not m:
                    return matches, "%s  (in any order after %s)" % (_pattern_text(p), before)
                matches.append((p, m))
                end = max(end, m.end())
            pos = end
        else:
            m = _rx(item).search(text, pos)
            if not m:
                return matches, _pattern_text(item)
            matches.append((item, m))
            pos = m.end()
    return matches, None


class Result:
    """What one QEMU run did. exit_code is None if the harness killed QEMU (timeout or stop)."""

    def __init__(self, name):
        self.name = name
        self.cmd = []
        self.console = ""
        self.stderr = ""
        self.exit_code = None
        self.timed_out = False
        self.stopped_by = None  # the stop_on/forbid pattern that ended the run early
        self.elapsed = 0.0
        self.log_path = None
        self.expect = []
        self.missing = None
        self.matches = []
        self.forbidden = []  # (pattern, line)
        self.expect_exit = 0
        self.error = None  # exception text if the harness itself failed

    def failures(self):
        """Human-readable reasons this run failed; empty list if it passed."""
        f = []
        if self.error:
            f.append("harness error: %s" % self.error)
        if self.missing is not None:
            f.append("missing expected output: %s" % self.missing)
        for p, line in self.forbidden:
            f.append("forbidden output /%s/: %s" % (_pattern_text(p), line.strip()))
        if self.timed_out:
            f.append("timed out after %.1f s (QEMU killed)" % self.elapsed)
        elif self.stopped_by is None and self.expect_exit is not None and \
                self.exit_code != self.expect_exit:
            f.append("QEMU exit status %s, expected %s" % (self.exit_code, self.expect_exit))
        return f

    @property
    def ok(self):
        return not self.failures()

    def tail(self, n=30):
        lines = self.console.splitlines()
        return lines[-n:]

    def __repr__(self):
        return "<Result %s exit=%s elapsed=%.2f ok=%s>" % (self.name, self.exit_code,
                                                          self.elapsed, self.ok)


class Qmp:
    """Minimal QMP client over a unix socket: greeting, qmp_capabilities, then commands."""

    def __init__(self, path, timeout=10.0):
        self.path = path
        self.timeout = timeout
        self.events = []
        self.sock = None
        self._buf = b""

    def connect(self, deadline, alive=lambda: True):
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.settimeout(self.timeout)
                s.connect(self.path)
                self.sock = s
                break
            except OSError:
                s.close()
                if time.monotonic() > deadline or not alive():
                    raise QmpError("cannot connect to QMP socket %s" % self.path)
                time.sleep(0.05)
        greeting = self._read_msg()
        if "QMP" not in greeting:
            raise QmpError("unexpected QMP greeting: %r" % greeting)
        self.command("qmp_capabilities")
        return greeting

    def _read_msg(self):
        while b"\n" not in self._buf:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise QmpError("QMP: no answer within %.0f s" % self.timeout)
            if not data:
                raise QmpError("QMP: connection closed")
            self._buf += data
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line.decode("utf-8", "replace"))

    def command(self, name, **arguments):
        """Sends a command and returns its "return" value; raises QmpError on "error"."""
        if self.sock is None:
            raise QmpError("QMP not connected")
        msg = {"execute": name}
        if arguments:
            msg["arguments"] = arguments
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self._read_msg()
            if "event" in r:
                self.events.append(r)
                continue
            if "error" in r:
                raise QmpError("%s: %s" % (name, r["error"].get("desc", r["error"])))
            if "return" in r:
                return r["return"]

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None


class Qemu:
    """One QEMU process. Use as a context manager (or call close()): it is always killed.

        with Qemu(MACHINE + ["-bios", img], name="x", timeout=60, qmp=True) as q:
            q.wait_for(r"all 2 cpus up")
            q.qmp("system_powerdown")
            q.wait_exit()
        r = q.result(expect=[...])
    """

    def __init__(self, args, name="qemu", timeout=60.0, qmp=False, log_path=None, console=True,
                 no_reboot=True, qemu=None, env=None):
        self.name = name
        self.timeout = float(timeout)
        self.res = Result(name)
        self.log_path = log_path or os.path.join(LOG_DIR, _safe_name(name) + ".log")
        self.qmp_path = None
        self._qmp = None
        self._tmpdir = None
        self._out = bytearray()
        self._err = bytearray()
        self._log = None
        self._closed = False
        self._killed = False
        self._text = ("", 0)
        self.proc = None

        cmd = [qemu or QEMU]
        if console:
            cmd += ["-display", "none", "-monitor", "none",
                    "-chardev", "stdio,id=skiffcon,signal=off", "-serial", "chardev:skiffcon"]
        if no_reboot:
            cmd += ["-no-reboot"]
        if qmp:
            self._tmpdir = tempfile.mkdtemp(prefix="skiff-qmp-")
            self.qmp_path = os.path.join(self._tmpdir, "qmp.sock")
            cmd += ["-qmp", "unix:%s,server=on,wait=off" % self.qmp_path]
        cmd += with_virt_config(args)
        self.res.cmd = cmd
        self.res.log_path = self.log_path

        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self._log = open(self.log_path, "wb")
        self._log.write(b"# " + shlex.join(cmd).encode() + b"\n# timeout %.0f s\n" % self.timeout)
        self._log.flush()
        self.start = time.monotonic()
        self.deadline = self.start + self.timeout
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, start_new_session=True,
                                         preexec_fn=_pdeathsig, cwd=ROOT, env=env)
        except BaseException as e:
            self._log.write(("# cannot start QEMU: %s\n" % e).encode())
            self._log.close()
            self.close()
            raise
        self._sel = selectors.DefaultSelector()
        for f in (self.proc.stdout, self.proc.stderr):
            os.set_blocking(f.fileno(), False)
            self._sel.register(f, selectors.EVENT_READ)

    # -- reading
    @property
    def console(self):
        """Everything the guest printed so far (carriage returns dropped)."""
        text, n = self._text
        if n != len(self._out):
            text = bytes(self._out).decode("utf-8", "replace").replace("\r", "")
            self._text = (text, len(self._out))
        return text

    def _pump(self, until=None, deadline=None, past_timeout=False):
        """Reads output until until() is true, the deadline passes (never later than the run's
        timeout unless past_timeout), or QEMU has exited and its pipes are drained.
        Returns True if until() became true."""
        if deadline is None:
            deadline = self.deadline
        elif not past_timeout:
            deadline = min(deadline, self.deadline)
        while True:
            if until is not None and until():
                return True
            if not self._sel.get_map():
                if self.proc.poll() is not None:
                    return False
                time.sleep(0.02)  # pipes closed but QEMU still alive: wait for it
                if time.monotonic() >= deadline:
                    return False
                continue
            now = time.monotonic()
            if now >= deadline:
                return False
            for key, _ in self._sel.select(timeout=min(0.1, deadline - now)):
                try:
                    data = os.read(key.fileobj.fileno(), 65536)
                except BlockingIOError:
                    continue
                if not data:
                    self._sel.unregister(key.fileobj)
                    continue
                if key.fileobj is self.proc.stdout:
                    self._out += data
                    self._log.write(data)
                    self._log.flush()
                else:
                    self._err += data

    def wait_for(self, pattern, timeout=None, start=0):
        """Waits until pattern appears in the console (searching from offset start).
        Returns the match, or None on timeout / QEMU exit."""
        rx = _rx(pattern)
        found = []

        def seen():
            m = rx.search(self.console, start)
            if m:
                found.append(m)
            return bool(m)

        dl = None if timeout is None else time.monotonic() + timeout
        self._pump(seen, dl)
        return found[0] if found else None

    def wait_exit(self, timeout=None):
        """Waits for QEMU to exit by itself; returns its exit code or None if still running."""
        dl = None if timeout is None else time.monotonic() + timeout
        self._pump(lambda: self.proc.poll() is not None and not self._sel.get_map(), dl)
        return self.proc.poll()

    def send(self, text):
        """Types text into the console (QEMU's stdin)."""
        if isinstance(text, str):
            text = text.encode()
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    # -- QMP
    def qmp(self, command, **arguments):
        """Sends a QMP command (connecting and negotiating capabilities first time)."""
        if self.qmp_path is None:
            raise QmpError("QEMU was started without qmp=True")
        if self._qmp is None:
            q = Qmp(self.qmp_path)
            q.connect(min(time.monotonic() + 10, self.deadline),
                      alive=lambda: self.proc.poll() is None)
            self._qmp = q
        return self._qmp.command(command, **arguments)

    @property
    def qmp_events(self):
        return self._qmp.events if self._qmp else []

    # -- ending
    def kill(self):
        """Kills QEMU now (its exit code will read None)."""
        if self.proc is not None:
            if kill_group(self.proc):
                self._killed = True

    def close(self):
        if self._closed:
            return
        self._closed = True
        try:
            if self._qmp:
                self._qmp.close()
            if self.proc is not None:
                self.res.elapsed = time.monotonic() - self.start
                if kill_group(self.proc):
                    self._killed = True
                try:  # drain what is left in the pipes
                    self._pump(deadline=time.monotonic() + 1.0, past_timeout=True)
                except Exception:
                    pass
                self.res.exit_code = None if self._killed else self.proc.returncode
                for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                    try:
                        f.close()
                    except Exception:
                        pass
                self._sel.close()
        finally:
            if self._tmpdir:
                shutil.rmtree(self._tmpdir, ignore_errors=True)
            self.res.console = self.console
            self.res.stderr = self._err.decode("utf-8", "replace")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def result(self, expect=(), forbid=None, expect_exit=0):
        """Closes QEMU (if not yet) and checks the console. forbid=None means DEFAULT_FORBID."""
        self.close()
        r = self.res
        r.expect = _as_list(expect)
        r.expect_exit = expect_exit
        r.matches, r.missing = match_in_order(r.console, r.expect)
        r.forbidden = []
        for p in (DEFAULT_FORBID if forbid is None else _as_list(forbid)):
            m = _rx(p).search(r.console)
            if m:
                ls = r.console.rfind("\n", 0, m.start()) + 1
                le = r.console.find("\n", m.end())
                r.forbidden.append((p, r.console[ls:le if le >= 0 else len(r.console)]))
        self._write_footer()
        return r

    def _write_footer(self):
        if not self._log or self._log.closed:
            return
        r = self.res
        lines = ["", "# ---- qemu stderr ----"] + r.stderr.splitlines()
        lines += ["# ---- result ----",
                  "# exit code: %s%s" % (r.exit_code, " (timed out)" if r.timed_out else
                                         " (stopped on /%s/)" % r.stopped_by
                                         if r.stopped_by else ""),
                  "# elapsed: %.2f s" % r.elapsed]
        fails = r.failures()
        lines += ["# FAIL: " + f for f in fails] if fails else ["# PASS"]
        self._log.write(("\n".join(lines) + "\n").encode())
        self._log.close()


def _rel(path):
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


def _safe_name(name):
    return re.sub(r"[^A-Za-z0-9_.+-]+", "_", name).strip("_") or "qemu"


def run_qemu(args, timeout=60, expect=(), forbid=None, stop_on=None, qmp=False, log_path=None,
             name=None, expect_exit=0, stop_on_forbid=True, linger=0.3, actions=(), **kw):
    """Runs QEMU with args plus console capture, waits for it to exit (or for stop_on), and
    checks the console. Never raises for QEMU misbehaviour: the Result says what happened.

    expect: regexes that must appear in this order (a list/set/AnyOrder item: in any order).
    forbid: regexes that must not appear; None means DEFAULT_FORBID.
    stop_on: regex(es); when one is seen (and linger seconds passed to catch what follows),
      QEMU is killed and the exit status is not checked. With stop_on_forbid, seeing a
      forbidden regex also stops the run early (the test fails anyway).
    actions: [(regex, fn)]: fn(qemu) is called once when regex appears, e.g.
      (r"all 2 cpus up", lambda q: q.qmp("system_powerdown")).
    expect_exit: required exit status if QEMU exits by itself (None: any).
    """
    name = name or "qemu"
    q = None
    try:
        q = Qemu(args, name=name, timeout=timeout, qmp=qmp, log_path=log_path, **kw)
    except Exception as e:
        r = Result(name)
        r.error = "cannot start QEMU: %s" % e
        r.expect = _as_list(expect)
        return r
    try:
        stops = [_rx(p) for p in _as_list(stop_on)]
        if stop_on_forbid:
            stops += [_rx(p) for p in (DEFAULT_FORBID if forbid is None else _as_list(forbid))]
        pending = [(_rx(p), fn) for p, fn in actions]
        hit = []

        def check():
            text = q.console
            for rx, fn in list(pending):
                if rx.search(text):
                    pending.remove((rx, fn))
                    fn(q)
            for rx in stops:
                if rx.search(text):
                    hit.append(rx)
                    return True
            return q.proc.poll() is not None and not q._sel.get_map()

        q._pump(check)
        if hit:
            q._pump(deadline=time.monotonic() + linger)  # catch what follows the stop line
            if q.proc.poll() is None:
                q.res.stopped_by = hit[0].pattern
        elif q.proc.poll() is None:
            q.res.timed_out = True
    except Exception as e:
        q.res.error = "%s: %s" % (type(e).__name__, e)
    finally:
        q.close()
    return q.result(expect=expect, forbid=forbid, expect_exit=expect_exit)


class Tap:
    """TAP producer: `ok N - name` / `not ok N - name` with `# ` diagnostics, flushed at once.

    SKIFF_TEST_ONLY=substring (set by tools/run-tests.py --only) selects tests by name:
    use tap.want(name) before running a case."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.n = 0
        self.failed = 0
        self.planned = None
        self.only = os.environ.get("SKIFF_TEST_ONLY") or None

    def _print(self, s):
        self.out.write(s + "\n")
        self.out.flush()

    def want(self, name):
        return self.only is None or self.only in name

    def plan(self, n):
        self.planned = n
        self._print("1..%d" % n)

    def diag(self, *lines):
        for text in lines:
            for line in str(text).splitlines() or [""]:
                self._print("# " + line)

    def ok(self, cond, name, diag=()):
        self.n += 1
        if cond:
            self._print("ok %d - %s" % (self.n, name))
        else:
            self.failed += 1
            self._print("not ok %d - %s" % (self.n, name))
            self.diag(*diag)
        return bool(cond)

    def skip(self, name, reason):
        self.n += 1
        self._print("ok %d - %s # SKIP %s" % (self.n, name, reason))

    def check(self, name, result, extra_failures=(), tail=30):
        """Reports a Result: ok if it has no failures (plus extra_failures from the caller)."""
        fails = result.failures() + list(extra_failures)
        diag = []
        if fails:
            diag += fails
            diag.append("log: %s" % _rel(result.log_path or "-"))
            if result.cmd:
                diag.append("cmd: %s" % shlex.join(result.cmd))
            diag.append("last %d console lines:" % tail)
            diag += ["  " + line for line in result.tail(tail)]
            err = result.stderr.strip().splitlines()
            if err:
                diag.append("qemu stderr:")
                diag += ["  " + line for line in err[-10:]]
        return self.ok(not fails, "%s (%.1f s)" % (name, result.elapsed), diag)

    def done(self):
        """Prints the plan if none was printed; returns the process exit status."""
        if self.planned is None:
            self.plan(self.n)
        elif self.planned != self.n:
            self.diag("planned %d tests but ran %d" % (self.planned, self.n))
            return 1
        return 1 if self.failed else 0
