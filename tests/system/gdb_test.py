#!/usr/bin/env python3
"""System tests of vmplat's GDB server (docs/debugging.md), one case per invocation.

  gdb_test.py --vmplat VMPLAT --sw SW_BUILD_DIR --gdb GDB CASE

  session    the real gdb-multiarch in batch mode on sw/tests/debug/debugme.elf: connect,
             break at a function, continue, read a global and CSRs, write memory, step
             into a trap, stop at a watchpoint, detach; the firmware then ends normally and
             its console line shows the value the debugger wrote
  same_run   the kernel with a debugger that stops at breakpoints, steps, watches, reads
             memory and registers and runs monitor commands: console output and every
             statistic (but the wall-clock ones) equal those of a run without it
  transcript the session of docs/debugging.md on the kernel: every command's output has
             the shape the page shows
  protocol   a raw client: bad checksums, malformed, unknown and overlong packets get
             '-', E or empty replies, a second client is refused, Ctrl-C stops a running
             hart, a client that vanishes mid-packet leaves the run going to its normal end,
             a client attaching to a running hart stops it
  fp         gdb-multiarch on an lp64d ELF (sw/tests/debug/debugme_fp.elf): it attaches (the
             target description has the fpu feature), reads a double argument, f registers
             and fcsr, writes an f register and fflags, and the console shows both writes
  kill       k from the debugger ends the run with exit code 92
  bad_option --gdb with a bad port, a busy port, --gdb-wait alone: one error line, exit 2

Exits 77 (ctest's SKIP_RETURN_CODE) when gdb-multiarch is not installed.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
HOST_STATS = ("sim.host_seconds", "sim.host_mips")


def fail(msg, *texts):
    print(f"FAIL: {msg}")
    for t in texts:
        print("----\n" + t)
    sys.exit(1)


class Vmplat:
    """vmplat started with a GDB server; port is read from its first stderr line."""

    def __init__(self, args, firmware, *extra, wait=True):
        cmd = [args.vmplat, "--gdb", "0", *(["--gdb-wait"] if wait else []), *extra, firmware]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if not m:
            self.proc.kill()
            fail("vmplat did not say where it listens", line)
        self.port = int(m.group(1))
        self.err_head = line

    def finish(self, timeout=120):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            fail("vmplat did not finish", out, self.err_head + err)
        return self.proc.returncode, out, self.err_head + err


def run_gdb(args, elf, port, commands, timeout=120):
    script = "set pagination off\nset confirm off\n" + \
        f"target remote 127.0.0.1:{port}\n" + commands
    with tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False) as f:
        f.write(script)
        path = f.name
    try:
        p = subprocess.run([args.gdb, "-nx", "-batch", "-x", path, elf],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=timeout)
    finally:
        os.unlink(path)
    return p.returncode, p.stdout


def expect_lines(text, patterns, what):
    """Every pattern must match a line, in order."""
    lines = text.splitlines()
    i = 0
    for pat in patterns:
        while i < len(lines) and not re.search(pat, lines[i]):
            i += 1
        if i == len(lines):
            fail(f"{what}: no line matches {pat!r} (in order)", text)
        i += 1


# ---------------------------------------------------------------------------------------

def case_session(args):
    elf = os.path.join(args.sw, "tests", "debug", "debugme.elf")
    vm = Vmplat(args, elf)
    code, text = run_gdb(args, elf, vm.port, """
break debugme_add
continue
print n
print g_counter
continue
print g_counter
print/x $mstatus
info registers mtvec
print $priv
print/x $pc == debugme_add
set var g_poke = 0x1234
print/x g_poke
delete
break debugme_ecall_site
continue
x/i $pc
stepi
print $pc == debugme_trap
print/x $mcause
print/x $mepc == debugme_ecall_site
delete
watch g_watched
continue
print g_watched
delete
monitor stats cpu.exceptions.ecall_m
detach
""")
    vcode, out, err = vm.finish()
    expect_lines(text, [
        r"^Breakpoint 1, debugme_add \(n=n@entry=1\)",
        r"^\$1 = 1$",          # n
        r"^\$2 = 0$",          # g_counter before the first add
        r"^Breakpoint 1, debugme_add \(n=n@entry=2\)",
        r"^\$3 = 1$",          # after the first add
        r"^\$4 = 0x[0-9a-f]*a00000000$",  # mstatus: UXL = SXL = 64
        r"^mtvec\s+0x8",       # the trap handler is in RAM
        r"^\$5 = 3$",          # M-mode
        r"^\$6 = 0x1$",
        r"^\$7 = 0x1234$",
        r"^Breakpoint 2, debugme_ecall",
        r"=> 0x[0-9a-f]+ <debugme_ecall(\+\d+)?>:\s+ecall",
        r"^\$8 = 1$",          # the step entered the trap handler
        r"^\$9 = 0xb$",        # mcause: ECALL from M
        r"^\$10 = 0x1$",       # mepc: the ECALL
        r"^Hardware watchpoint 3: g_watched",
        r"^Old value = 0$",
        r"^New value = 42$",
        r"^\$11 = 42$",
        r"^cpu\.exceptions\.ecall_m 1$",
        r"Inferior 1 .* detached",
    ], "gdb session")
    if code != 0:
        fail(f"gdb exit code {code}", text)
    if vcode != 0:
        fail(f"vmplat exit code {vcode} after detach, expected 0", out, err)
    if "debugme: counter=6 poke=0x1234 watched=42 traps=1" not in out:
        fail("the console does not show the run the debugger changed", out, err)
    print("ok: gdb session on debugme; the firmware then finished normally")


def case_fp(args):
    elf = os.path.join(args.sw, "tests", "debug", "debugme_fp.elf")
    vm = Vmplat(args, elf)
    code, text = run_gdb(args, elf, vm.port, """
break fp_scale
continue
print x
print $fa0
info registers fcsr
set var $fa0 = 4.0
set var $fflags = 0x11
print $fflags
print $frm
finish
print $fa0
detach
""")
    vcode, out, err = vm.finish()
    expect_lines(text, [
        r"^Breakpoint 1, fp_scale \(x=(x@entry=)?3\)",
        r"^\$1 = 3$",                              # the double argument
        r"^\$2 = \{float = 0, double = 3\}$",        # fa0 holds it, not NaN-boxed
        r"^fcsr\s+0x0\s",                          # no flags, round to nearest
        r"^\$3 = 17$",                             # fflags as written (NV, NX)
        r"^\$4 = 0$",                              # frm unchanged
        r"^Value returned is \$5 = 10$",            # fa0 written to 4, times 2.5
        r"^\$6 = \{float = 0, double = 10\}$",
        r"Inferior 1 .* detached",
    ], "gdb fp session")
    if code != 0:
        fail(f"gdb exit code {code}", text)
    if vcode != 0:
        fail(f"vmplat exit code {vcode} after detach, expected 0", out, err)
    if "debugme_fp: scaled=10 fflags=0x11" not in out:
        fail("the console does not show the f register and fflags the debugger wrote", out, err)
    print("ok: gdb on an lp64d ELF: f registers and fcsr read and written")


def kernel_cmd(args):
    elf = os.path.join(args.sw, "kernel", "kernel.elf")
    return elf, ["--drive", "size=16M", "--append", "frames=48 run=forktest,cowswap:64"]


def stats_of(path):
    with open(path) as f:
        j = json.load(f)
    for k in HOST_STATS:
        j["stats"].pop(k, None)
    j["config"].pop("gdb.port", None)
    j["config"].pop("gdb.wait", None)
    return j


def case_same_run(args):
    elf, extra = kernel_cmd(args)
    with tempfile.TemporaryDirectory() as tmp:
        plain_stats = os.path.join(tmp, "plain.json")
        p = subprocess.run([args.vmplat, "--quiet", "--stats", plain_stats, *extra, elf],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            fail(f"plain run: exit code {p.returncode}", p.stdout, p.stderr)
        dbg_stats = os.path.join(tmp, "dbg.json")
        vm = Vmplat(args, elf, "--quiet", "--stats", dbg_stats, *extra)
        code, text = run_gdb(args, elf, vm.port, """
break vm_fault
continue
continue
print/x va
print/x $stval
print/x $scause
print/x $satp
info registers
x/8gx $sp
monitor tlb
monitor translate 0x80000000
monitor stats mmu.dtlb.misses
stepi
stepi
stepi
next
delete
watch g_count.fault_demand_zero
continue
delete
monitor phys on
x/4gx 0x80000000
monitor phys off
break vm_fork
continue
finish
delete
continue
""", timeout=300)
        vcode, out, err = vm.finish(timeout=300)
        if code != 0:
            fail(f"gdb exit code {code}", text)
        expect_lines(text, [r"^Breakpoint 1, vm_fault", r"^Breakpoint 1, vm_fault",
                            r"^\$1 = 0x", r"^\$2 = 0x", r"^\$3 = 0x(c|d|f)$",
                            r"^\$4 = 0x(8|9)[0-9a-f]{15}$",
                            r"^Hardware watchpoint \d+: g_count.fault_demand_zero",
                            r"^New value = \d+", r"^Breakpoint \d+, vm_fork",
                            r"^Value returned is \$\d+ = 0", r"exited normally"],
                     "debugged kernel run")
        if vcode != 0:
            fail(f"debugged run: exit code {vcode}", out, err)
        if out != p.stdout:
            fail("the console differs with a debugger attached", p.stdout, out)
        a, b = stats_of(plain_stats), stats_of(dbg_stats)
        if a != b:
            diff = [k for k in sorted(set(a["stats"]) | set(b["stats"]))
                    if a["stats"].get(k) != b["stats"].get(k)]
            fail("statistics differ with a debugger attached: " + ", ".join(diff[:20]), text)
        print(f"ok: {len(a['stats'])} statistics and {len(out.splitlines())} console lines "
              "identical with a debugger that stopped, stepped, watched and read")


def case_transcript(args):
    """The session shown in docs/debugging.md, command for command."""
    elf, extra = kernel_cmd(args)
    vm = Vmplat(args, elf, "--quiet", *extra)
    code, text = run_gdb(args, elf, vm.port, """
break vm_fault if $scause == cause
continue
print/x va
print/x $stval
print $scause
print $priv
backtrace
eval "monitor translate 0x%lx store u", va
next
next
finish
info registers satp
delete
continue
""")
    vcode, out, err = vm.finish()
    if code != 0 or vcode != 0:
        fail(f"gdb exit code {code}, vmplat exit code {vcode}", text, out, err)
    expect_lines(text, [
        r"^Breakpoint 1 at 0x8[0-9a-f]+: file .*vm\.c",
        r"^Breakpoint 1, vm_fault \(mm=.*, va=.*, cause=.*1[35]\) at .*vm\.c",
        r"^\$1 = 0x[0-9a-f]+$",
        r"^\$2 = 0x[0-9a-f]+$",
        r"^\$3 = 1[35]$",
        r"^\$4 = 1$",
        r"^#0  vm_fault",
        r"^#1  0x[0-9a-f]+ in trap_user",
        r"^va 0x[0-9a-f]+: store as U",
        r"^  level 0: PTE 0x[0-9a-f]+ = 0x[0-9a-f]+",
        r"^result: ",
        r"^Value returned is \$5 = 0$",
        r"^satp\s+0x8[0-9a-f]{15}",
        r"exited normally",
    ], "docs/debugging.md transcript")
    va = re.search(r"^\$1 = (\S+)$", text, re.M).group(1)
    stval = re.search(r"^\$2 = (\S+)$", text, re.M).group(1)
    if va != stval:
        fail(f"the faulting address va={va} is not stval={stval}", text)
    print("ok: the documented session runs as shown")


# ---------------------------------------------------------------------------------------
# Raw protocol

def checksum(data):
    return sum(data) & 0xff


def frame(payload):
    data = payload.encode()
    return b"$" + data + b"#" + f"{checksum(data):02x}".encode()


class Client:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def send(self, raw):
        self.s.sendall(raw)

    def read_byte(self):
        while not self.buf:
            chunk = self.s.recv(4096)
            if not chunk:
                raise EOFError
            self.buf += chunk
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def reply(self):
        """The next packet's payload (acks before it are skipped; the packet is acked)."""
        while True:
            b = self.read_byte()
            if b == b"$":
                break
        data = b""
        while True:
            b = self.read_byte()
            if b == b"#":
                break
            data += b
        given = self.read_byte() + self.read_byte()
        if int(given, 16) != checksum(data):
            fail(f"bad checksum from vmplat on {data!r}")
        self.send(b"+")
        return data.decode()

    def ack(self):
        return self.read_byte()

    def request(self, payload):
        self.send(frame(payload))
        if self.ack() != b"+":
            fail(f"no '+' for {payload!r}")
        return self.reply()

    def close(self):
        self.s.close()


def case_protocol(args):
    elf = os.path.join(args.sw, "tests", "debug", "debugme.elf")
    vm = Vmplat(args, elf)
    c = Client(vm.port)
    checks = []

    def check(what, got, want):
        if (want.match(got) if hasattr(want, "match") else got == want):
            checks.append(what)
        else:
            fail(f"{what}: got {got!r}, expected {want!r}")

    check("stop reason", c.request("?"), "T05thread:1;")
    c.send(b"$g#00")                     # wrong checksum
    check("bad checksum", c.ack(), b"-")
    c.send(b"$m80000000,4#zz")           # checksum not hex
    check("non-hex checksum", c.ack(), b"-")
    check("malformed m", c.request("mzz,4"), "E01")
    check("m without length", c.request("m80000000"), "E01")
    check("malformed M", c.request("M80000000,4:12"), "E01")
    check("malformed p", c.request("pxyz"), "E01")
    check("register out of range", c.request("p2000"), "E01")
    check("malformed Z", c.request("Z0,zz"), "E01")
    check("unknown packet", c.request("jump"), "")
    check("unknown v packet", c.request("vFlashErase:0,0"), "")
    check("empty packet", c.request(""), "")
    check("unmapped memory", c.request("m40000000,8"), "E14")
    check("memory read", c.request("m80000000,4"), re.compile(r"^[0-9a-f]{8}$"))
    check("pc", c.request("p20"), "0000008000000000")
    # g: x0..x31 then pc (regnum 32), each 8 bytes little-endian; x0 reads 0.
    check("g holds x0-x31 and pc", c.request("g"),
          re.compile(r"^0{16}[0-9a-f]{496}0000008000000000$"))
    c.send(b"$" + b"a" * 20000 + b"#00")  # longer than PacketSize
    check("overlong packet ack", c.ack(), b"+")
    check("overlong packet", c.reply(), "E01")
    check("still answering", c.request("qC"), "QC1")

    second = socket.create_connection(("127.0.0.1", vm.port), timeout=10)
    second.settimeout(10)
    try:
        got = second.recv(16)
    except ConnectionResetError:
        got = b""
    check("second client refused", got, b"")
    second.close()
    check("first client still served", c.request("qAttached"), "1")

    # Vanish in the middle of a packet: the run must go on to its normal end.
    c.send(b"$m80000000,")
    c.close()
    code, out, err = vm.finish()
    if code != 0 or "debugme: counter=6 poke=0x0 watched=42 traps=1" not in out:
        fail(f"after the client vanished: exit code {code}", out, err)
    if "refused a second debugger" not in err or "went away" not in err:
        fail("vmplat did not report the refused and the vanished client", err)
    checks.append("run finished after the client vanished")

    # Ctrl-C stops a running hart; a vanished client then leaves the run going.
    spin = os.path.join(args.sw, "tests", "platform", "spin.elf")
    vm = Vmplat(args, spin, "--max-instructions", "3000000000")
    c = Client(vm.port)
    c.request("QStartNoAckMode")
    c.send(frame("c"))
    time.sleep(0.3)
    c.send(b"\x03")
    check("Ctrl-C stop reply", c.reply(), "T02thread:1;")
    c.send(frame("p20"))
    check("pc after Ctrl-C", c.reply(), re.compile(r"^[0-9a-f]{16}$"))
    c.send(frame("vKill;1"))
    check("vKill", c.reply(), "OK")
    c.close()
    code, out, err = vm.finish()
    if code != 92:
        fail(f"vKill after Ctrl-C: exit code {code}, expected 92", out, err)
    checks.append("killed after Ctrl-C")

    # Attaching to a run that already goes (no --gdb-wait) stops it.
    vm = Vmplat(args, spin, "--max-instructions", "3000000000", wait=False)
    time.sleep(0.3)
    c = Client(vm.port)
    check("attach to a running hart", c.request("?"), "T05thread:1;")
    pc1 = c.request("p20")
    time.sleep(0.2)
    check("the hart stays stopped", c.request("p20"), pc1)
    c.send(frame("vKill;1"))
    check("vKill after attaching", c.reply(), "OK")
    c.close()
    code, out, err = vm.finish()
    if code != 92:
        fail(f"vKill after attaching: exit code {code}, expected 92", out, err)
    for what in checks:
        print("ok: " + what)


def case_kill(args):
    elf = os.path.join(args.sw, "tests", "debug", "debugme.elf")
    vm = Vmplat(args, elf)
    code, text = run_gdb(args, elf, vm.port, "break debugme_add\ncontinue\nkill\n")
    vcode, out, err = vm.finish()
    if vcode != 92 or "killed by the debugger" not in err:
        fail(f"exit code {vcode}, expected 92 and a 'killed by the debugger' line", text, out, err)
    if "debugme:" in out:
        fail("the killed program went on to print its result", out)
    print("ok: kill from gdb ends the run with exit code 92")


def expect_error(args, words, *cmd):
    p = subprocess.run([args.vmplat, *cmd], stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=60)
    lines = p.stderr.strip().splitlines()
    if p.returncode != 2 or len(lines) != 1 or not lines[0].startswith("vmplat: error: "):
        fail(f"{cmd}: exit code {p.returncode}, expected 2 and one error line", p.stderr)
    for w in words:
        if w not in lines[0]:
            fail(f"{cmd}: the error does not mention {w!r}", lines[0])
    print("ok: " + lines[0])


def case_bad_option(args):
    elf = os.path.join(args.sw, "tests", "debug", "debugme.elf")
    expect_error(args, ["gdb.port", "'http'", "0..65535"], "--gdb", "http", elf)
    expect_error(args, ["gdb.port", "'70000'", "0..65535"], "--gdb", "70000", elf)
    expect_error(args, ["gdb.wait", "--gdb"], "--gdb-wait", elf)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    expect_error(args, ["gdb.port", f"127.0.0.1:{port}", "in use"], "--gdb", str(port), elf)
    busy.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--sw", required=True)
    ap.add_argument("--gdb", default="gdb-multiarch")
    ap.add_argument("case")
    args = ap.parse_args()
    needs_gdb = args.case in ("session", "fp", "same_run", "transcript", "kill")
    if needs_gdb:
        found = shutil.which(args.gdb)
        if not found:
            print(f"SKIP: {args.gdb} not found")
            sys.exit(SKIP)
        args.gdb = found
    cases = {"session": case_session, "fp": case_fp, "same_run": case_same_run,
             "transcript": case_transcript,
             "protocol": case_protocol, "kill": case_kill, "bad_option": case_bad_option}
    if args.case not in cases:
        fail(f"unknown case {args.case!r}")
    cases[args.case](args)


if __name__ == "__main__":
    main()
