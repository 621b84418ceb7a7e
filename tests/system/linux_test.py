#!/usr/bin/env python3
"""Debian's riscv64 Linux booted on vmplat through OpenSBI, to user space.

  linux_test.py --vmplat VMPLAT --kit-script linux-kit.sh --init hello-init.elf
                --workdir DIR CASE

The kit is fetched (or found in its cache) by scripts/linux-kit.sh; when Debian's archive
cannot be reached the test prints why and exits 77 (skipped). Any other failure to get
the kit fails the test.
"""
import argparse
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


def kit(args):
    p = subprocess.run(["bash", args.kit_script, "fetch"], capture_output=True, text=True)
    if p.returncode == 77:
        print("SKIP: Debian's archive is unreachable, so the Linux kit cannot be fetched:\n"
              + p.stderr)
        sys.exit(77)
    if p.returncode != 0:
        fail(f"linux-kit.sh fetch failed with exit code {p.returncode}", p.stdout, p.stderr)
    return p.stdout.strip().splitlines()[-1]


def initramfs(args):
    os.makedirs(args.workdir, exist_ok=True)
    out = os.path.join(args.workdir, f"initrd-{args.case}.cpio")
    p = subprocess.run(["bash", args.kit_script, "initramfs", out, "--init", args.init],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail("linux-kit.sh initramfs failed", p.stdout, p.stderr)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--kit-script", required=True)
    ap.add_argument("--init", required=True)
    ap.add_argument("--workdir", required=True)
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
