#!/usr/bin/env python3
"""Debian's riscv64 Linux booted on vmplat through OpenSBI, to user space.

  linux_test.py --vmplat VMPLAT --kit-script linux-kit.sh --init hello-init.elf
                --workdir DIR [--init-script init.sh --vmwork vmwork --qemu QEMU] CASE

The kit is fetched (or found in its cache) by scripts/linux-kit.sh; when Debian's archive
cannot be reached the test prints why and exits 77 (skipped). Any other failure to get
the kit fails the test.

Cases with hello-init (no libc): kit, boot.sv48, boot.sv39, reboot.no4lvl. Cases with
Debian's busybox and our init (sw/linux/init.sh) and workloads (sw/linux/vmwork):
  shell          a busybox shell on the console: commands typed on standard input run,
                 a workload among them, and `poweroff` ends vmplat with exit code 0
  workload.sv48  a batch (WORKLOADS below) with swap on a virtio disk: every workload
                 passes with no corrupted byte, Linux swapped out and in, the MMU's
                 per-privilege counters show both the workloads (U) and the kernel (S),
                 and the power-off ends vmplat with exit code 0
  workload.sv39  the same with an MMU that has no Sv48
  qemu           the batch of workload.sv48 on qemu-system-riscv64: the same PASS lines
  script         scripts/linux.sh --run on the build: every command of the batch runs, the
                 first failure's exit status is the exit code (init writes it to the test
                 finisher), the per-privilege table follows; a bad option is exit code 2
  checkpoint     a batch whose first command asks for a checkpoint (vmwork roi checkpoint
                 boot) with --checkpoint-on-marker: restored, the run prints the rest of
                 the console, its workloads pass, and it ends in the same state (hart,
                 devices, TLBs, RAM and disk) as the run that booted, file for file
  sweep          tools/vmplat-sweep with a Linux workload, two DTLB sizes: both points
                 pass, the user and kernel metrics are there, the workload's DTLB misses
                 fall with more entries, and a rerun takes both from the cache
"""
import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time


def fail(msg, out="", err=""):
    print(f"FAIL: {msg}\n--- console (last 40 lines) ---")
    print("\n".join(out.splitlines()[-40:]))
    print(f"--- stderr ---\n{err[-3000:]}")
    sys.exit(1)


# The batch the workload tests run: fork and copy-on-write, more memory than Linux has
# free (memhog), and fork under swap (cowswap). A 128 MiB machine has about 50 MiB free.
WORKLOADS = ["forktest", "memhog 64 1", "cowswap 40"]
# Four harts (docs/smp.md): the processors Linux brought up, a threaded workload whose unmaps
# are TLB shootdowns, and four workloads side by side (one shell line: init runs each line
# in its own shell).
SMP_HARTS = 4
SMP_WORKLOADS = ["grep -c ^processor /proc/cpuinfo", "threads",
                 "memhog 24 & cowswap 16 & forktest & matmul 48 && wait"]
SMP_PROGRAMS = {"threads", "memhog", "cowswap", "forktest", "matmul"}
# The crypto self-tests are almost half of the boot's instructions; nothing here uses them.
BUSYBOX_BOOTARGS = "console=ttyS0 rdinit=/sbin/init-custom panic=-1 quiet cryptomgr.notests"


class Run:
    """vmplat (or QEMU) with its console collected as it comes, and input sent on demand."""

    def __init__(self, cmd, stdin=False):
        print("$ " + " ".join(cmd), flush=True)
        self.started = time.monotonic()
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out = bytearray()
        self.err = bytearray()
        self.readers = [threading.Thread(target=self._read, args=(self.p.stdout, self.out)),
                        threading.Thread(target=self._read, args=(self.p.stderr, self.err))]
        for r in self.readers:
            r.start()

    @staticmethod
    def _read(stream, into):
        while True:
            chunk = os.read(stream.fileno(), 4096)
            if not chunk:
                return
            into.extend(chunk)

    def text(self):
        return self.out.decode(errors="replace")

    def wait_for(self, text, seconds):
        """Waits until the console shows `text` after everything it showed before."""
        start = len(self.out)
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.p.poll() is None:
            if text.encode() in self.out[start:]:
                return True
            time.sleep(0.05)
        return text.encode() in self.out[start:]

    def send(self, data):
        self.p.stdin.write(data.encode())
        self.p.stdin.flush()

    def finish(self, seconds):
        try:
            self.p.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        for r in self.readers:
            r.join()
        self.seconds = time.monotonic() - self.started
        return self.p.returncode, self.text(), self.err.decode(errors="replace")


def kit(args):
    p = subprocess.run(["bash", args.kit_script, "fetch"], capture_output=True, text=True)
    if p.returncode == 77:
        print("SKIP: Debian's archive is unreachable, so the Linux kit cannot be fetched:\n"
              + p.stderr)
        sys.exit(77)
    if p.returncode != 0:
        fail(f"linux-kit.sh fetch failed with exit code {p.returncode}", p.stdout, p.stderr)
    return p.stdout.strip().splitlines()[-1]


def initramfs(args, init=None, run_lines=None):
    """The kit's initramfs with `init` (default hello-init) as /sbin/init-custom; with the
    busybox init, vmwork and (for a batch) the commands as /etc/vmplat/run."""
    os.makedirs(args.workdir, exist_ok=True)
    out = os.path.join(args.workdir, f"initrd-{args.case}.cpio")
    cmd = ["bash", args.kit_script, "initramfs", out, "--init", init or args.init]
    if init:
        cmd += ["--add", f"{args.vmwork}:/bin/vmwork"]
    if run_lines is not None:
        run_file = os.path.join(args.workdir, f"run-{args.case}")
        with open(run_file, "w") as f:
            f.write("".join(line + "\n" for line in run_lines))
        cmd += ["--add", f"{run_file}:/etc/vmplat/run"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        fail("linux-kit.sh initramfs failed", p.stdout, p.stderr)
    return out


def busybox_vmplat(args, kit_dir, initrd, stats, *extra):
    return [args.vmplat, "--bios", os.path.join(kit_dir, "fw_jump.elf"), "--kernel",
            os.path.join(kit_dir, "Image"), "--initrd", initrd, "--append", BUSYBOX_BOOTARGS,
            "--stats", stats, "--max-instructions", "8000000000", *extra]


def check_init_line(out, err, want_mmu, want_swap):
    m = re.search(r"vmplat init: Linux 6\.12\S* mmu (\S+), \d+ MiB of memory, (.*)", out)
    if not m:
        fail("our init did not start (no 'vmplat init: Linux 6.12...' line)", out, err)
    if m.group(1) != want_mmu:
        fail(f"Linux runs with mmu {m.group(1)}, expected {want_mmu}", out, err)
    if want_swap not in m.group(2):
        fail(f"init says '{m.group(2)}', expected '{want_swap}'", out, err)


def case_shell(args, kit_dir):
    initrd = initramfs(args, args.init_script)
    stats = os.path.join(args.workdir, f"{args.case}.stats.json")
    r = Run(busybox_vmplat(args, kit_dir, initrd, stats, "--drive", "size=32M"), stdin=True)
    steps = [
        # busybox's awk computes in double precision: F/D in user space.
        ("echo fp $(awk 'BEGIN { printf \"%.4f\", 2 / 3 }')", "fp 0.6667"),
        ("forktest 2 16", "PASS forktest depth=2 procs=7 pages=16 corrupted=0"),
        ("grep -c vda /proc/swaps", "\n1"),
    ]
    if not r.wait_for("~ # ", 840):
        r.p.kill()
        fail("no shell prompt '~ # ' on the console", *r.finish(10)[1:])
    for cmd, want in steps:
        r.send(cmd + "\n")
        if not r.wait_for(want, 300):
            r.p.kill()
            fail(f"'{cmd}' did not print '{want.strip()}'", *r.finish(10)[1:])
    r.send("poweroff\n")
    code, out, err = r.finish(300)
    check_init_line(out, err, "sv48", "swap on /dev/vda (32 MiB)")
    if "reboot: Power down" not in out:
        fail("poweroff did not power the machine down", out, err)
    if code != 0:
        fail(f"exit code {code} after poweroff, expected 0", out, err)
    print(f"ok: a busybox shell ran {len(steps)} commands and powered off in {r.seconds:.1f} s")


def run_batch(args, kit_dir, lines, *extra):
    initrd = initramfs(args, args.init_script, lines)
    stats = os.path.join(args.workdir, f"{args.case}.stats.json")
    if os.path.exists(stats):
        os.unlink(stats)
    r = Run(busybox_vmplat(args, kit_dir, initrd, stats, *extra))
    code, out, err = r.finish(840)
    with open(os.path.join(args.workdir, f"{args.case}.console"), "w") as f:
        f.write(out)
    st = json.load(open(stats))["stats"] if os.path.exists(stats) else {}
    return code, out, err, st, r.seconds


def result_lines(out):
    return [line for line in out.splitlines() if re.match(r"(PASS|FAIL) ", line)]


def vmstat_total(out, field):
    return sum(int(v) for v in re.findall(rf"^vmstat \S+ .*\b{field}=(\d+)", out, re.M))


def case_workload(args, kit_dir, mmu):
    extra = ["--drive", "size=128M"]
    if mmu == "sv39":
        extra += ["--set", "mmu.satp_modes=bare,sv39"]
    code, out, err, st, seconds = run_batch(args, kit_dir, WORKLOADS, *extra)
    check_init_line(out, err, mmu, "swap on /dev/vda (128 MiB)")
    lines = result_lines(out)
    names = [w.split()[0] for w in WORKLOADS]
    if [line.split()[1] for line in lines] != names:
        fail(f"expected one result line for each of {names}, got {lines}", out, err)
    for line in lines:
        if not line.startswith("PASS ") or not re.search(r"\bcorrupted=0\b", line) or \
                re.search(r"\bbad_pages=[1-9]", line):
            fail(f"a workload failed or saw corrupted data: {line}", out, err)
    swapped_out, swapped_in = vmstat_total(out, "pswpout"), vmstat_total(out, "pswpin")
    if not swapped_out or not swapped_in:
        fail(f"Linux did not swap (pswpout {swapped_out}, pswpin {swapped_in})", out, err)
    if f"vmplat run: {len(WORKLOADS)} commands, 0 failed" not in out or \
            "vmplat run: status 0" not in out:
        fail("init did not report every command passing", out, err)
    if "reboot: Power down" not in out or code != 0:
        fail(f"exit code {code} after the power-off, expected 0", out, err)
    if not st.get("disk.requests.write"):
        fail("vmplat's disk saw no write", out, err)
    priv = {p: {k: st.get(f"mmu.priv.{p}.{k}", 0) for k in ("walks", "page_faults",
                                                           "dtlb_misses")} for p in "usm"}
    if not (priv["u"]["walks"] and priv["s"]["walks"] and priv["u"]["page_faults"]):
        fail(f"the per-privilege counters do not show both user and kernel: {priv}", out, err)
    print(f"ok: {'; '.join(lines)}")
    print(f"ok: pswpout {swapped_out}, pswpin {swapped_in}, disk writes "
          f"{st['disk.requests.write']}, reads {st['disk.requests.read']}; per privilege "
          f"{priv}; {st.get('cpu.instret', 0)} instructions in {seconds:.1f} s")


def qemu_batch(args, kit_dir, lines, *extra):
    """The batch `lines` on QEMU with a 128 MiB swap disk, as the vmplat cases run it;
    returns the Run and its (code, out, err)."""
    initrd = initramfs(args, args.init_script, lines)
    disk = os.path.join(args.workdir, f"qemu-{args.case}-swap.img")
    with open(disk, "wb") as f:
        f.truncate(128 << 20)
    r = Run([args.qemu, "-M", "virt", *extra, "-m", "128M", "-nographic", "-no-reboot",
             "-bios", os.path.join(kit_dir, "fw_jump.bin"), "-kernel",
             os.path.join(kit_dir, "Image"), "-initrd", initrd, "-append", BUSYBOX_BOOTARGS,
             "-global", "virtio-mmio.force-legacy=false",
             "-drive", f"file={disk},if=none,format=raw,id=d0",
             "-device", "virtio-blk-device,drive=d0"])
    code, out, err = r.finish(840)
    os.unlink(disk)
    return r, code, out, err


def case_qemu(args, kit_dir):
    if not args.qemu or not os.path.exists(args.qemu):
        print("SKIP: qemu-system-riscv64 is not installed")
        sys.exit(77)
    ref_file = os.path.join(args.workdir, "workload.sv48.console")
    if not os.path.exists(ref_file):
        fail(f"{ref_file} is missing: linux.workload.sv48 must run first")
    reference = result_lines(open(ref_file).read())
    r, code, out, err = qemu_batch(args, kit_dir, WORKLOADS)
    lines = result_lines(out)
    if code != 0 or "vmplat run: status 0" not in out:
        fail(f"QEMU: exit code {code}, expected 0 with every workload passing", out, err)
    if lines != reference:
        fail("the workloads' lines differ:\n  vmplat: " + "\n          ".join(reference) +
             "\n  QEMU:   " + "\n          ".join(lines), out, err)
    if not vmstat_total(out, "pswpout"):
        fail("QEMU's Linux did not swap", out, err)
    print(f"ok: QEMU prints the same {len(lines)} lines as vmplat ({r.seconds:.1f} s):")
    print("\n".join("  " + line for line in lines))


def smp_results(out, err, who):
    """The PASS lines of an SMP batch by program, after checking the processor count."""
    if not re.search(rf"grep -c \^processor /proc/cpuinfo\r?\n{SMP_HARTS}\r?\n", out):
        fail(f"{who}: /proc/cpuinfo does not list {SMP_HARTS} processors", out, err)
    lines = result_lines(out)
    by_name = {line.split()[1]: line for line in lines}
    if set(by_name) != SMP_PROGRAMS or len(lines) != len(SMP_PROGRAMS):
        fail(f"{who}: expected one result line for each of {sorted(SMP_PROGRAMS)}, got {lines}",
             out, err)
    for line in lines:
        if not line.startswith("PASS ") or re.search(r"\b(corrupted|bad)=[1-9]", line):
            fail(f"{who}: a workload failed or saw corrupted data: {line}", out, err)
    if f"vmplat run: {len(SMP_WORKLOADS)} commands, 0 failed" not in out:
        fail(f"{who}: init did not report every command passing", out, err)
    return by_name


def case_smp(args, kit_dir):
    code, out, err, st, seconds = run_batch(args, kit_dir, SMP_WORKLOADS, "--smp",
                                            str(SMP_HARTS), "--drive", "size=128M")
    if code != 0 or "reboot: Power down" not in out:
        fail(f"exit code {code} after the power-off, expected 0", out, err)
    ours = smp_results(out, err, "vmplat")
    per_hart = [st.get(f"hart{h}.cpu.instret", 0) for h in range(SMP_HARTS)]
    if min(per_hart) < 10_000_000 or st.get("cpu.instret") != sum(per_hart):
        fail(f"every hart should have run (instret per hart {per_hart}, total "
             f"{st.get('cpu.instret')})", out, err)
    fences = [st.get(f"hart{h}.mmu.shootdown.fences", 0) for h in range(SMP_HARTS)]
    if sum(1 for f in fences if f) < 2 or st.get("mmu.shootdown.fences") != sum(fences):
        fail(f"remote fences (SBI, after an IPI) should reach several harts: {fences}", out, err)
    print(f"ok: {SMP_HARTS} processors; {'; '.join(sorted(ours.values()))}")
    print(f"ok: instret per hart {per_hart}, remote fences per hart {fences} "
          f"({st.get('mmu.shootdown.entries')} TLB entries) in {seconds:.1f} s")
    if not args.qemu or not os.path.exists(args.qemu):
        print("note: qemu-system-riscv64 is not installed: no comparison with QEMU -smp")
        return
    r, qcode, qout, qerr = qemu_batch(args, kit_dir, SMP_WORKLOADS, "-smp", str(SMP_HARTS))
    if qcode != 0:
        fail(f"QEMU -smp {SMP_HARTS}: exit code {qcode}", qout, qerr)
    theirs = smp_results(qout, qerr, f"QEMU -smp {SMP_HARTS}")
    if theirs != ours:
        fail("the workloads' lines differ from QEMU's:\n  vmplat: " +
             "\n          ".join(sorted(ours.values())) + "\n  QEMU:   " +
             "\n          ".join(sorted(theirs.values())), qout, qerr)
    print(f"ok: QEMU -smp {SMP_HARTS} prints the same {len(theirs)} lines ({r.seconds:.1f} s)")


def case_script(args, _kit_dir):
    script = os.path.join(os.path.dirname(args.kit_script), "linux.sh")
    p = subprocess.run(["bash", script, "--ram", "lots"], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 2 or "--ram 'lots' is not a size" not in p.stderr:
        fail(f"linux.sh --ram lots: exit code {p.returncode}, expected 2 and a line naming "
             f"the size", p.stdout, p.stderr)
    cmd = ["bash", script, "--build", args.build, "--swap", "16M",
           "--run", "forktest 1 8; vmwork nosuch; false; echo after"]
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                       timeout=840)
    out, err = p.stdout, p.stderr
    check_init_line(out, err, "sv48", "swap on /dev/vda (16 MiB)")
    if "PASS forktest depth=1 procs=3 pages=8 corrupted=0" not in out or \
            "vmplat run: $ echo after\nafter" not in out:
        fail("linux.sh --run did not run each command of the batch", out, err)
    if p.returncode != 2 or "vmplat run: 4 commands, 2 failed" not in out:
        fail(f"exit code {p.returncode}, expected 2 (the status of 'vmwork nosuch', the first "
             f"of two failures)", out, err)
    table = re.search(r"per privilege +U \(user\) +S \(kernel\) +M\n(.*\n){5}", err)
    walks = re.search(r"page walks +(\d+) +(\d+) +(\d+)", err)
    if not table or not walks or not int(walks.group(1)) or not int(walks.group(2)):
        fail("linux.sh --run did not print the MMU's counters per privilege after vmplat's "
             "summary, with walks in both user and kernel", out, err)
    print(f"ok: linux.sh --run ran the batch, exit code 2 from its failure, page walks "
          f"U {walks.group(1)}, S {walks.group(2)}, M {walks.group(3)}")


def case_checkpoint(args, kit_dir):
    ck, ref, rest = (os.path.join(args.workdir, n) for n in ("ck", "ck-ref", "ck-rest"))
    for d in (ck, ref, rest):
        subprocess.run(["rm", "-rf", d], check=True)
    lines = ["vmwork roi checkpoint boot", "randacc 256", "forktest 1 4"]
    initrd = initramfs(args, args.init_script, lines)
    r = Run(busybox_vmplat(args, kit_dir, initrd, os.path.join(args.workdir, "ck.stats.json"),
                           "--drive", "size=32M", "--checkpoint-on-marker",
                           "--checkpoint-dir", ck, "--set", f"checkpoint.at_exit={ref}"))
    code, out, err = r.finish(840)
    boot_s = r.seconds
    if code != 0 or len([l for l in result_lines(out) if l.startswith("PASS")]) != 2:
        fail(f"the booted batch did not pass (exit code {code})", out, err)
    manifest = json.load(open(os.path.join(ck, "manifest.json")))
    if manifest["name"] != "boot" or manifest["instret"] < 400_000_000:
        fail(f"no checkpoint 'boot' after the boot: {manifest['name']} at {manifest['instret']}",
             out, err)
    stats = os.path.join(args.workdir, "ck-rest.stats.json")
    started = time.monotonic()
    p = subprocess.run([args.vmplat, "--restore", ck, "--stats", stats,
                        "--set", f"checkpoint.at_exit={rest}"],
                       capture_output=True, timeout=840)
    rest_s = time.monotonic() - started
    if p.returncode != 0 or p.stdout != bytes(r.out[manifest["console_bytes"]:]):
        fail(f"the restored run (exit code {p.returncode}) does not print the rest of the "
             f"console", p.stdout, p.stderr)
    for name in ("state.json", "ram.z", "disk.z"):
        if open(os.path.join(ref, name), "rb").read() != open(os.path.join(rest, name),
                                                              "rb").read():
            fail(f"{name} at exit differs between the booted and the restored run", p.stdout,
                 p.stderr)
    instret = json.load(open(stats))["stats"]["cpu.instret"]
    print(f"ok: checkpoint after the boot at {manifest['instret']} instructions "
          f"({manifest['ram']['pages']} RAM pages); the restored run ran {instret} "
          f"instructions in {rest_s:.1f} s (the whole run took {boot_s:.1f} s) and ended in "
          f"the same state")


def case_sweep(args, _kit_dir):
    """A two-point sweep of a Linux workload through tools/vmplat-sweep."""
    sweep_dir = os.path.join(args.workdir, "sweep")
    if os.path.exists(sweep_dir):
        subprocess.run(["rm", "-rf", sweep_dir], check=True)
    os.makedirs(sweep_dir)
    sweep_file = os.path.join(sweep_dir, "linux-sweep.json")
    with open(sweep_file, "w") as f:
        json.dump({"args": ["--drive", "size=16M"], "grid": {"mmu.dtlb.entries": [8, 128]},
                   "base": {"mmu.dtlb.ways": "=mmu.dtlb.entries"},
                   "workloads": [{"label": "randacc", "linux": "randacc 64; forktest 1 4"}],
                   "timeout": 600, "plot": {"metrics": ["user_dtlb_misses"]}}, f)
    out = os.path.join(sweep_dir, "out")
    cmd = [sys.executable, args.sweep_tool, "run", sweep_file, "-o", out, "-j", "2",
           "--no-plot", "--build", args.build, "--vmplat", args.vmplat]
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                       timeout=840)
    if p.returncode != 0:
        fail(f"the Linux sweep failed (exit code {p.returncode})", p.stdout, p.stderr)
    rows = [json.loads(line) for line in open(os.path.join(out, "results.jsonl"))]
    if [r["status"] for r in rows] != ["ok", "ok"]:
        fail(f"expected two points ok, got {[(r['status'], r['error']) for r in rows]}",
             p.stdout, p.stderr)
    small, large = sorted(rows, key=lambda r: int(r["mmu.dtlb.entries"]))
    for r in rows:
        if not (r["user_walks"] and r["kernel_walks"] and r["user_page_faults"]):
            metrics = {k: v for k, v in r.items() if k != "stats"}
            fail(f"a Linux point without user and kernel counters: {metrics}", p.stdout,
                 p.stderr)
        if r["instret"] < 400_000_000:
            fail(f"a Linux point of {r['instret']} instructions cannot include the boot",
                 p.stdout, p.stderr)
    if not large["user_dtlb_misses"] < small["user_dtlb_misses"]:
        fail(f"the workload's DTLB misses do not fall from 8 to 128 entries: "
             f"{small['user_dtlb_misses']} -> {large['user_dtlb_misses']}", p.stdout, p.stderr)
    again = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           timeout=120)
    if again.returncode != 0 or "2 cached, 0 to run" not in again.stderr:
        fail("a second run of the same Linux sweep did not take both points from its cache",
             again.stdout, again.stderr)
    print(f"ok: two Linux points; user DTLB misses {small['user_dtlb_misses']} with 8 "
          f"entries, {large['user_dtlb_misses']} with 128; kernel DTLB misses "
          f"{small['kernel_dtlb_misses']} and {large['kernel_dtlb_misses']}; cached on rerun")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--kit-script", required=True)
    ap.add_argument("--init", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--init-script", help="sw/linux/init.sh, for the busybox cases")
    ap.add_argument("--vmwork", help="the built sw/linux/vmwork, for the busybox cases")
    ap.add_argument("--qemu", help="qemu-system-riscv64, for the qemu case")
    ap.add_argument("--build", help="the build directory, for the script and sweep cases")
    ap.add_argument("--sweep-tool", help="tools/vmplat-sweep, for the sweep case")
    ap.add_argument("case")
    args = ap.parse_args()

    kit_dir = kit(args)
    if args.case == "kit":
        versions = open(os.path.join(kit_dir, "VERSIONS")).read()
        for name in ["Image", "fw_jump.elf", "fw_jump.bin", "fw_dynamic.elf", "fw_dynamic.bin",
                     "busybox", "virtio_mmio.ko", "virtio_blk.ko"]:
            if not os.path.getsize(os.path.join(kit_dir, name)):
                fail(f"the kit in {kit_dir} has an empty {name}")
        if not re.search(r"^linux-image-6\.12\.\S+-riscv64 6\.12\.", versions, re.M):
            fail(f"the kit's kernel is not 6.12:\n{versions}")
        with open(os.path.join(kit_dir, "virtio_blk.ko"), "rb") as f:
            if f.read(4) != b"\x7fELF":
                fail("virtio_blk.ko is not a decompressed ELF module")
        print(f"ok: kit in {kit_dir}:\n{versions}")
        return
    busybox_cases = {
        "shell": case_shell,
        "workload.sv48": lambda a, k: case_workload(a, k, "sv48"),
        "workload.sv39": lambda a, k: case_workload(a, k, "sv39"),
        "qemu": case_qemu,
        "script": case_script,
        "sweep": case_sweep,
        "checkpoint": case_checkpoint,
        "smp": case_smp,
    }
    if args.case in busybox_cases:
        if not args.vmwork or not os.path.exists(args.vmwork) or not args.init_script:
            fail(f"the workloads {args.vmwork} are not built (riscv64-linux-gnu-gcc)")
        busybox_cases[args.case](args, kit_dir)
        return
    initrd = initramfs(args)
    # panic=-1: a kernel panic reboots at once (exit 93) instead of spinning forever.
    bootargs = "console=ttyS0 rdinit=/sbin/init-custom panic=-1"
    # case: (firmware, extra options, extra boot arguments, exit code, MMU mode, last line)
    # boot.sv39 also loads the virtio modules with a 16 MiB disk attached, and reads a line
    # from the console (stdin, written once the init asks for it). boot.sv48 is Debian's
    # boot as it is; the others skip the crypto self-tests (cryptomgr.notests), which are
    # almost half of the instructions to user space.
    cases = {
        "boot.sv48": ("fw_jump.elf", [], "", 0, "sv48", "powering off"),
        "boot.sv39": ("fw_dynamic.bin", ["--set", "mmu.satp_modes=bare,sv39", "--drive",
                                         "size=16M", "--uart-in", "stdin"],
                      " cryptomgr.notests modules echo", 0, "sv39", "powering off"),
        "reboot.no4lvl": ("fw_jump.bin", [], " cryptomgr.notests no4lvl restart", 93, "sv39",
                          "restarting"),
    }
    if args.case not in cases:
        fail(f"unknown case {args.case}")
    firmware, options, more_args, want_code, want_mmu, last = cases[args.case]
    line_in = "hello from the host" if "echo" in more_args else None
    stats = os.path.join(args.workdir, f"{args.case}.stats.json")
    cmd = [args.vmplat, "--bios", os.path.join(kit_dir, firmware), "--kernel",
           os.path.join(kit_dir, "Image"), "--initrd", initrd, "--append", bootargs + more_args,
           "--stats", stats, "--max-instructions", "2500000000", *options]
    print("$ " + " ".join(cmd))
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE if line_in else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err_chunks = []
    reader = threading.Thread(target=lambda: err_chunks.append(p.stderr.read()))
    reader.start()
    timer = threading.Timer(840, p.kill)
    timer.start()
    out_lines = []
    for raw in p.stdout:
        out_lines.append(raw.decode(errors="replace"))
        if line_in and "vmplat hello-init: type a line" in out_lines[-1]:
            p.stdin.write((line_in + "\n").encode())
            p.stdin.close()
    p.wait()
    timer.cancel()
    reader.join()
    seconds = time.monotonic() - t0
    out, err = "".join(out_lines), b"".join(err_chunks).decode(errors="replace")

    if "OpenSBI v" not in out or "Domain0 Next Mode           : S-mode" not in out:
        fail("OpenSBI did not start the kernel in S mode", out, err)
    if not re.search(r"Linux version 6\.12\.", out):
        fail("Linux 6.12 did not print its banner", out, err)
    reached = re.search(r"vmplat hello-init: user space reached on Linux 6\.12\S* riscv64", out)
    if not reached:
        fail("the init did not reach user space", out, err)
    mmu = re.search(r"vmplat hello-init: /proc/cpuinfo mmu\s*: (\S+)", out)
    if not mmu or mmu.group(1) != want_mmu:
        fail(f"Linux runs with mmu {mmu.group(1) if mmu else '?'}, expected {want_mmu}", out,
             err)
    if "modules" in more_args:
        for module in ["virtio_mmio", "virtio_blk"]:
            if f"finit_module /lib/modules/{module}.ko = 0" not in out:
                fail(f"Linux did not load {module}.ko", out, err)
        if not re.search(r"/proc/partitions +254 +0 +16384 vda", out):
            fail("the 16 MiB virtio disk is not /dev/vda in /proc/partitions", out, err)
    if line_in and f"vmplat hello-init: read '{line_in}'" not in out:
        fail(f"the init did not read '{line_in}' from the console", out, err)
    if f"vmplat hello-init: {last}" not in out:
        fail(f"the init did not say '{last}'", out, err)
    if p.returncode != want_code:
        fail(f"exit code {p.returncode}, expected {want_code}", out, err)
    if want_code == 93 and "requested a reboot" not in err:
        fail("the reboot request is not reported on stderr", out, err)
    instret = re.search(r"cpu\.instret\s+(\d+)", err)
    print(f"ok: {reached.group(0)}; mmu {want_mmu}; exit {p.returncode}; "
          f"{int(instret.group(1)) if instret else '?'} instructions in {seconds:.1f} s")


if __name__ == "__main__":
    main()
