#!/usr/bin/env python3
"""Linux on vmplat: instructions and wall time to reach init, to the busybox shell, and for
a workload, with MIPS, side by side with qemu-system-riscv64 booting the same kit.

  linux_bench.py [--build DIR] [--workload "memhog 48 1; forktest"] [--set KEY=VALUE]...
                 [--json FILE] [--no-qemu]

Three boots of Debian's kernel (scripts/linux-kit.sh) through OpenSBI's fw_jump, each with
the boot arguments scripts/linux.sh uses (cryptomgr.notests) and a 64 MiB swap disk:
  init      our init (sw/linux/init.sh) with an empty batch: the kernel's boot, init's
            set-up (modules, swap) and the power-off
  shell     busybox's shell on the console: wall time until its prompt, then `poweroff`
            (its instructions and MIPS are those of the whole run, power-off included)
  workload  the same as init, with the workload's commands: its figures are the
            difference to `init`, so they are the workload's own
vmplat's instruction counts are cpu.instret, its MIPS are over the simulation's wall time
(sim.host_seconds) and over its CPU time (user + system, less disturbed by other work on
a shared machine); QEMU's MIPS are vmplat's instruction counts
over QEMU's wall time (QEMU runs the same instructions, give or take the idle loop).
Prints a table; --json FILE writes the figures. Exits non-zero only when a run fails.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
KIT_SCRIPT = os.path.join(REPO, "scripts", "linux-kit.sh")
INIT_SCRIPT = os.path.join(REPO, "sw", "linux", "init.sh")
BOOTARGS = "console=ttyS0 rdinit=/sbin/init-custom cryptomgr.notests panic=-1"
PROMPT = b"~ # "


def die(msg):
    print(f"linux_bench: {msg}", file=sys.stderr)
    sys.exit(1)


def initramfs(workdir, name, vmwork, run_lines):
    out = os.path.join(workdir, f"{name}.cpio")
    cmd = ["bash", KIT_SCRIPT, "initramfs", out, "--init", INIT_SCRIPT,
           "--add", f"{vmwork}:/bin/vmwork"]
    if run_lines is not None:
        run_file = os.path.join(workdir, f"{name}.run")
        with open(run_file, "w") as f:
            f.write("# the batch of linux_bench.py\n" + "".join(l + "\n" for l in run_lines))
        cmd += ["--add", f"{run_file}:/etc/vmplat/run"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        die(f"linux-kit.sh initramfs failed: {p.stderr.strip()}")
    return out


def run(cmd, shell=False, timeout=1800):
    """Runs cmd; with shell=True waits for the prompt, notes the time and types poweroff.
    Returns (exit code, wall seconds, CPU seconds, seconds to the prompt or None, console)."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE if shell else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = bytearray()
    prompt_at = []

    def read():
        while True:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                return
            out.extend(chunk)
            if shell and not prompt_at and PROMPT in out:
                prompt_at.append(time.monotonic() - start)
                p.stdin.write(b"poweroff\n")
                p.stdin.flush()

    reader = threading.Thread(target=read)
    reader.start()
    # wait4 for the child's CPU time: on a shared machine it moves less than wall time.
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            p.kill()
            _, status, usage = os.wait4(p.pid, 0)
            break
        time.sleep(0.02)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    reader.join()
    return (p.returncode, wall, usage.ru_utime + usage.ru_stime, (prompt_at or [None])[0],
            out.decode(errors="replace"))


def vmplat_run(args, kit, initrd, shell=False):
    with tempfile.NamedTemporaryFile(suffix=".json") as stats:
        cmd = [args.vmplat, "--bios", os.path.join(kit, "fw_jump.elf"), "--kernel",
               os.path.join(kit, "Image"), "--initrd", initrd, "--append", BOOTARGS,
               "--drive", "size=64M", "--stats", stats.name]
        for s in args.set:
            cmd += ["--set", s]
        code, wall, cpu, prompt, console = run(cmd, shell)
        if code != 0:
            die(f"vmplat exited with {code}: {' '.join(cmd)}\n{console[-2000:]}")
        st = json.load(open(stats.name))["stats"]
    return {"instret": st["cpu.instret"], "wall_s": wall, "cpu_s": cpu,
            "sim_s": st["sim.host_seconds"],
            "prompt_s": prompt, "cycles": st["cpu.cycles"], "console": console}


def qemu_run(args, kit, initrd, shell=False):
    with tempfile.NamedTemporaryFile(suffix=".img") as disk:
        disk.truncate(64 << 20)
        cmd = [args.qemu, "-M", "virt", "-m", "128M", "-nographic", "-no-reboot",
               "-bios", os.path.join(kit, "fw_jump.bin"), "-kernel",
               os.path.join(kit, "Image"), "-initrd", initrd, "-append", BOOTARGS,
               "-global", "virtio-mmio.force-legacy=false",
               "-drive", f"file={disk.name},if=none,format=raw,id=d0",
               "-device", "virtio-blk-device,drive=d0"]
        code, wall, _, prompt, console = run(cmd, shell)
    if code != 0:
        die(f"QEMU exited with {code}: {' '.join(cmd)}\n{console[-2000:]}")
    return {"wall_s": wall, "prompt_s": prompt, "console": console}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--vmplat", help="default: BUILD/platforms/virt/vmplat")
    ap.add_argument("--qemu", default="qemu-system-riscv64")
    ap.add_argument("--no-qemu", action="store_true")
    ap.add_argument("--workload", default="memhog 48 1; forktest",
                    help="the workload's commands, ';'-separated (default: %(default)s)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a vmplat configuration override (e.g. dram.mode=timed)")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    args.vmplat = args.vmplat or os.path.join(args.build, "platforms", "virt", "vmplat")
    vmwork = os.path.join(args.build, "sw", "linux", "vmwork")
    for f in (args.vmplat, vmwork):
        if not os.path.exists(f):
            die(f"{f} is not built")
    p = subprocess.run(["bash", KIT_SCRIPT, "fetch"], capture_output=True, text=True)
    if p.returncode != 0:
        die(f"the Linux kit is not available: {p.stderr.strip()}")
    kit = p.stdout.strip().splitlines()[-1]
    commands = [c.strip() for c in args.workload.split(";") if c.strip()]

    with tempfile.TemporaryDirectory() as work:
        images = {"init": initramfs(work, "init", vmwork, []),
                  "shell": initramfs(work, "shell", vmwork, None),
                  "workload": initramfs(work, "workload", vmwork, commands)}
        vm, qm = {}, {}
        for name, initrd in images.items():
            print(f"linux_bench: {name} on vmplat ...", file=sys.stderr, flush=True)
            vm[name] = vmplat_run(args, kit, initrd, shell=name == "shell")
            if not args.no_qemu:
                print(f"linux_bench: {name} on QEMU ...", file=sys.stderr, flush=True)
                qm[name] = qemu_run(args, kit, initrd, shell=name == "shell")
    if "vmplat run: status 0" not in vm["workload"]["console"]:
        die("the workload failed on vmplat:\n" + vm["workload"]["console"][-2000:])

    rows = []

    def row(label, instret, wall, sim, cpu, qwall):
        r = {"what": label, "instret": instret, "vmplat_wall_s": wall, "vmplat_sim_s": sim,
             "vmplat_cpu_s": cpu,
             "vmplat_mips": instret / sim / 1e6 if sim else None,
             "vmplat_cpu_mips": instret / cpu / 1e6 if cpu else None,
             "qemu_wall_s": qwall,
             "qemu_mips": instret / qwall / 1e6 if qwall and instret else None}
        r["ratio"] = wall / qwall if qwall else None
        rows.append(r)

    q = lambda name, key="wall_s": qm[name][key] if qm else None  # noqa: E731
    row("boot to init, power-off", vm["init"]["instret"], vm["init"]["wall_s"],
        vm["init"]["sim_s"], vm["init"]["cpu_s"], q("init"))
    # The shell run's instructions and simulation time include the power-off after the
    # prompt (a few million instructions); its wall times stop at the prompt.
    row("boot to the shell prompt", vm["shell"]["instret"], vm["shell"]["prompt_s"],
        vm["shell"]["sim_s"], vm["shell"]["cpu_s"], q("shell", "prompt_s"))
    row(f"workload: {'; '.join(commands)}",
        vm["workload"]["instret"] - vm["init"]["instret"],
        vm["workload"]["wall_s"] - vm["init"]["wall_s"],
        vm["workload"]["sim_s"] - vm["init"]["sim_s"],
        vm["workload"]["cpu_s"] - vm["init"]["cpu_s"],
        q("workload") - q("init") if qm else None)

    def fmt(v, f):
        return "-" if v is None else format(v, f)

    print(f"Linux on vmplat ({platform.node()}, {os.cpu_count()} CPUs; vmplat options: "
          f"{' '.join(args.set) or 'defaults'}; kit {os.path.basename(os.path.realpath(kit))})")
    print(f"{'':36} {'instructions':>13} {'vmplat s':>9} {'MIPS':>6} {'CPU s':>6} "
          f"{'CPU MIPS':>8} {'QEMU s':>7} {'QEMU MIPS':>9} {'vmplat/QEMU':>11}")
    for r in rows:
        print(f"{r['what'][:36]:36} {fmt(r['instret'], ','):>13} {fmt(r['vmplat_wall_s'], '.1f'):>9}"
              f" {fmt(r['vmplat_mips'], '.1f'):>6} {fmt(r['vmplat_cpu_s'], '.1f'):>6}"
              f" {fmt(r['vmplat_cpu_mips'], '.1f'):>8} {fmt(r['qemu_wall_s'], '.1f'):>7}"
              f" {fmt(r['qemu_mips'], '.0f'):>9} {fmt(r['ratio'], '.1f'):>11}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"host": platform.node(), "set": args.set, "kit": os.path.realpath(kit),
                       "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
