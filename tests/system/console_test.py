#!/usr/bin/env python3
"""The guest console's input as a user meets it: standard input by default.

  console_test.py --vmplat VMPLAT --sw SW_BUILD_DIR CASE

  pipe        bytes piped into vmplat (no option) reach the guest, CR as CR
  none        --uart-in none disconnects standard input
  eof         an empty standard input ends reception at once: an idle guest still ends with
              exit code 125, with the statistics of --uart-in none
  terminal    on a terminal: keys reach the guest one at a time with no local echo and CR
              kept, and the terminal's settings come back when the run ends
  interrupt   Ctrl-C and SIGTERM end the run and give the terminal its settings back
  stop        Ctrl-Z gives the terminal back while stopped, and takes it again after SIGCONT
  background  a vmplat in the terminal's background neither reads it (it would be stopped
              by SIGTTIN) nor changes its settings
  qemu_keys   uart.terminal_keys=qemu on a terminal: Ctrl-C and Ctrl-Z are keys for the
              guest, Ctrl-A Ctrl-A one Ctrl-A, Ctrl-A x ends the run (exit code 96) with the
              terminal's settings back; from a pipe Ctrl-A is an ordinary byte
"""
import argparse
import fcntl
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import termios
import time

LIMIT = ["--max-instructions", "3000000"]


LIVE = []  # sessions started by Terminal: killed when a check fails


def fail(msg, out=b""):
    for t in LIVE:
        t.kill()
    print(f"FAIL: {msg}")
    if out:
        print("--- output ---\n" + out.decode(errors="replace"))
    sys.exit(1)


def check(cond, msg, out=b""):
    if not cond:
        fail(msg, out)
    print(f"ok: {msg}")


def run_pipe(args, elf, data, *opts):
    """Runs vmplat with `data` on a pipe as standard input (None: /dev/null)."""
    feed = {"input": data} if data is not None else {"stdin": subprocess.DEVNULL}
    p = subprocess.run([args.vmplat, "--quiet", *opts, elf], capture_output=True, timeout=60,
                       **feed)
    return p.returncode, p.stdout


def keys(out):
    return [int(line.split()[-1], 16) for line in out.decode().splitlines()
            if line.startswith("echo: key ")]


class Terminal:
    """A pseudo-terminal whose slave is the controlling terminal of a new session running
    `cmd` (in the foreground, or in a background process group of that session)."""

    def __init__(self, cmd, background=False):
        self.master, slave = os.openpty()
        self.slave = slave  # kept open: the settings stay readable after the child ends
        self.before = termios.tcgetattr(slave)
        self.out = b""
        self.pid = os.fork()
        LIVE.append(self)
        if self.pid == 0:
            try:
                os.setsid()
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(slave, fd)
                if not background:
                    os.execv(cmd[0], cmd)
                # This process keeps the foreground; vmplat runs in a group of its own.
                p = subprocess.Popen(cmd, preexec_fn=lambda: os.setpgid(0, 0))
                code = p.wait()
                os._exit(code if code >= 0 else 128 - code)
            except BaseException:
                os._exit(99)

    def kill(self):
        """Kills every process of the session (the child and, in the background case, vmplat;
        a stopped one included)."""
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.getsid(int(entry)) == self.pid:
                        os.kill(int(entry), signal.SIGKILL)
                except OSError:
                    pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass

    def settings(self):
        return termios.tcgetattr(self.slave)

    def raw(self):
        attr = self.settings()
        return not (attr[3] & (termios.ICANON | termios.ECHO))

    def pump(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            r, _, _ = select.select([self.master], [], [], 0.05)
            if r:
                try:
                    self.out += os.read(self.master, 4096)
                except OSError:
                    return

    def wait_for(self, cond, what, seconds=20):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if cond():
                return
            self.pump(0.05)
        fail(f"timed out waiting until {what}", self.out)

    def write(self, data):
        os.write(self.master, data)

    def wait(self, options=0, seconds=60):
        """(pid, status) of the child once it ends (or stops, with os.WUNTRACED)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG | options)
            if pid:
                self.pump(0.2)
                if not os.WIFSTOPPED(status):
                    LIVE.remove(self)
                return status
            self.pump(0.05)
        fail("vmplat did not end", self.out)

    def close(self):
        os.close(self.master)
        os.close(self.slave)


def case_pipe(args):
    code, out = run_pipe(args, args.echo, b"ab\rq", *LIMIT)
    check(code == 0, f"the guest got its 'q' from standard input (exit code {code})", out)
    check(keys(out) == [0x61, 0x62, 0x0d], "keys a, b and CR arrive unchanged", out)


def case_none(args):
    code, out = run_pipe(args, args.echo, b"ab\rq", "--uart-in", "none", *LIMIT)
    check(code == 124, f"nothing arrives: the guest waits until the limit (exit code {code})",
          out)
    check(keys(out) == [], "no key reached the guest", out)


def case_eof(args):
    with tempfile.TemporaryDirectory() as tmp:
        stats = {}
        for name, data, opts in (("devnull", None, []), ("empty_pipe", b"", []),
                                 ("none", None, ["--uart-in", "none"])):
            path = os.path.join(tmp, f"{name}.json")
            code, out = run_pipe(args, args.idle, data, "--stats", path, *opts)
            check(code == 125, f"{name}: the idle guest ends the run (exit code {code})", out)
            j = json.load(open(path))
            stats[name] = {k: v for k, v in j["stats"].items() if not k.startswith("sim.host")}
        check(stats["devnull"] == stats["none"] == stats["empty_pipe"],
              "an empty standard input gives the statistics of --uart-in none")
    code, out = run_pipe(args, args.echo, b"ab", *LIMIT)
    check(code == 124 and keys(out) == [0x61, 0x62],
          f"after the end of the input nothing more arrives (exit code {code})", out)


def case_terminal(args):
    t = Terminal([args.vmplat, "--quiet", args.echo])
    t.wait_for(t.raw, "vmplat puts the terminal in character mode")
    attr = t.settings()
    check(not attr[0] & termios.ICRNL, "Enter reaches the guest as CR (no ICRNL)")
    check(attr[3] & termios.ISIG, "Ctrl-C and Ctrl-Z keep their meaning (ISIG)")
    check(attr[1] == t.before[1], "output processing is untouched")
    t.write(b"ab")
    t.wait_for(lambda: b"key 0x62" in t.out, "two keys arrive without Enter")
    t.write(b"\rq")
    status = t.wait()
    check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "the guest passes", t.out)
    check(keys(t.out.replace(b"\r\n", b"\n")) == [0x61, 0x62, 0x0d], "keys a, b, CR", t.out)
    check(b"ab" not in t.out, "the terminal did not echo the keys itself", t.out)
    check(t.settings() == t.before, "the terminal has its settings back")
    t.close()


def case_interrupt(args):
    for how in ("ctrl-c", "sigterm"):
        t = Terminal([args.vmplat, "--quiet", args.spin])
        t.wait_for(t.raw, f"{how}: vmplat puts the terminal in character mode")
        if how == "ctrl-c":
            t.write(b"\x03")
        else:
            os.kill(t.pid, signal.SIGTERM)
        status = t.wait()
        sig = signal.SIGINT if how == "ctrl-c" else signal.SIGTERM
        check(os.WIFSIGNALED(status) and os.WTERMSIG(status) == sig,
              f"{how}: vmplat ends by {sig.name}", t.out)
        check(t.settings() == t.before, f"{how}: the terminal has its settings back")
        t.close()


def case_stop(args):
    t = Terminal([args.vmplat, "--quiet", args.spin])
    t.wait_for(t.raw, "vmplat puts the terminal in character mode")
    t.write(b"\x1a")
    status = t.wait(os.WUNTRACED)
    check(os.WIFSTOPPED(status), "Ctrl-Z stops vmplat", t.out)
    check(t.settings() == t.before, "the stopped vmplat gave the terminal its settings back")
    os.kill(t.pid, signal.SIGCONT)
    t.wait_for(t.raw, "after SIGCONT vmplat takes the terminal again")
    t.write(b"\x03")
    status = t.wait()
    check(os.WIFSIGNALED(status), "Ctrl-C ends it", t.out)
    check(t.settings() == t.before, "the terminal has its settings back")
    t.close()


def case_background(args):
    t = Terminal([args.vmplat, "--quiet", *LIMIT, args.echo], background=True)
    t.write(b"q\n")  # a whole line, readable even in canonical mode
    status = t.wait(seconds=40)
    check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 124,
          "vmplat ran to its instruction limit: not stopped by SIGTTIN, 'q' not read", t.out)
    check(t.settings() == t.before, "the terminal's settings were never changed")
    t.close()


def case_qemu_keys(args):
    qemu = ["--set", "uart.terminal_keys=qemu"]
    t = Terminal([args.vmplat, "--quiet", *qemu, args.echo])
    t.wait_for(t.raw, "vmplat puts the terminal in character mode")
    check(not t.settings()[3] & termios.ISIG, "Ctrl-C and Ctrl-Z are keys (no ISIG)")
    t.write(b"a\x03\x1a\x01\x01\x01zb")
    t.wait_for(lambda: b"key 0x62" in t.out, "the keys up to 'b' arrive")
    check(keys(t.out.replace(b"\r\n", b"\n")) == [0x61, 0x03, 0x1a, 0x01, 0x62],
          "a, Ctrl-C, Ctrl-Z, one Ctrl-A for Ctrl-A Ctrl-A, no 'z' after Ctrl-A, b", t.out)
    t.write(b"\x01x")
    status = t.wait()
    check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 96,
          f"Ctrl-A x ends the run with exit code 96 (status {status:#x})", t.out)
    check(t.settings() == t.before, "the terminal has its settings back")
    t.close()
    code, out = run_pipe(args, args.echo, b"\x01x\x03q", *qemu, *LIMIT)
    check(code == 0 and keys(out) == [0x01, 0x78, 0x03],
          f"from a pipe Ctrl-A x and Ctrl-C are plain bytes (exit code {code})", out)


CASES = {"pipe": case_pipe, "none": case_none, "eof": case_eof, "terminal": case_terminal,
         "interrupt": case_interrupt, "stop": case_stop, "background": case_background,
         "qemu_keys": case_qemu_keys}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vmplat", required=True)
    parser.add_argument("--sw", required=True, help="the firmware build directory")
    parser.add_argument("case", choices=sorted(CASES))
    args = parser.parse_args()
    args.echo = os.path.join(args.sw, "tests/platform/echo.elf")
    args.idle = os.path.join(args.sw, "tests/platform/idle.elf")
    args.spin = os.path.join(args.sw, "tests/platform/spin.elf")
    CASES[args.case](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
