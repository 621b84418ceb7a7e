"""Linux workloads: Debian's Linux (the kit of scripts/linux-kit.sh) booted through OpenSBI to
our init (sw/linux/init.sh), which runs the workload's commands with the virtio disk as
swap and powers off; the first failing command's status is vmplat's exit code, so a point
whose workload fails is recorded as failed. The boot is part of every point (about 0.68
billion instructions), unless the sweep checkpoints: then the init's first command asks
for a checkpoint (`vmwork roi checkpoint boot`) and every point restores from it.

Each workload's initramfs is built once into {build}/linux/sweep/, named by a digest of its
commands; it is byte-for-byte reproducible, so it does not change a point's key.
"""
import hashlib
import os
import subprocess

from . import SweepError
from .results import file_digest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KIT_SCRIPT = os.path.join(REPO, "scripts", "linux-kit.sh")
INIT_SCRIPT = os.path.join(REPO, "sw", "linux", "init.sh")
# As scripts/linux.sh --run: quiet, without the crypto self-tests (half the boot), and a
# panic reboots at once (exit code 93: a failed point) instead of spinning.
BOOTARGS = "console=ttyS0 rdinit=/sbin/init-custom quiet cryptomgr.notests panic=-1"


def commands(text):
    """The workload's commands, one per line, from "CMD; CMD"."""
    return [c.strip() for c in text.split(";") if c.strip()]


def fetch_kit(where):
    p = subprocess.run(["bash", KIT_SCRIPT, "fetch"], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        why = (p.stderr.strip().splitlines() or [f"exit code {p.returncode}"])[-1]
        raise SweepError(f"{where}: the Linux kit is not available ({why}); "
                         f"`bash scripts/linux-kit.sh` fetches it")
    return p.stdout.strip().splitlines()[-1]


CHECKPOINT_COMMAND = "vmwork roi checkpoint boot"


def prepare(sweep, workloads, checkpoint=False):
    """Gives every Linux workload its vmplat arguments (firmware, kernel, initramfs, boot
    arguments), fetching the kit and building the initramfs as needed."""
    linux = [w for w in workloads if w.linux is not None]
    if not linux:
        return
    where = sweep.where(f"workload '{linux[0].label}'")
    vmwork = os.path.join(sweep.build_dir, "sw", "linux", "vmwork")
    if not os.path.isfile(vmwork):
        raise SweepError(f"{where}: {vmwork} is not built (it needs riscv64-linux-gnu-gcc; "
                         f"scripts/setup.sh installs it)")
    kit = fetch_kit(where)
    out_dir = os.path.join(sweep.build_dir, "linux", "sweep")
    os.makedirs(out_dir, exist_ok=True)
    for w in linux:
        cmds = ([CHECKPOINT_COMMAND] if checkpoint else []) + commands(w.linux)
        lines = "".join(c + "\n" for c in cmds)
        digest = hashlib.sha256(lines.encode()).hexdigest()[:16]
        run_file = os.path.join(out_dir, f"{digest}.run")
        initrd = os.path.join(out_dir, f"{digest}.cpio")
        with open(run_file, "w") as f:
            f.write(lines)
        p = subprocess.run(["bash", KIT_SCRIPT, "initramfs", initrd, "--init", INIT_SCRIPT,
                            "--add", f"{vmwork}:/bin/vmwork",
                            "--add", f"{run_file}:/etc/vmplat/run"],
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            raise SweepError(f"{sweep.where(f'workload {w.label!r}')}: building its initramfs "
                             f"failed: {p.stderr.strip()[-300:]}")
        bootargs = " ".join(b for b in (BOOTARGS, w.boot) if b)
        w.images = [os.path.join(kit, "fw_jump.elf"), os.path.join(kit, "Image"), initrd]
        w.linux_args = ["--bios", w.images[0], "--kernel", w.images[1], "--initrd", initrd,
                        "--append", bootargs]


def images_digest(paths):
    """One digest for the images a Linux point boots (its "firmware")."""
    return hashlib.sha256("".join(file_digest(p) for p in paths).encode()).hexdigest()
