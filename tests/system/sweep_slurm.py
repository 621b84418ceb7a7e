#!/usr/bin/env python3
"""The sweep tool's Slurm backend against a real single-node Slurm (issue 7).

  sweep_slurm.py --tool tools/vmplat-sweep --vmplat VMPLAT --build BUILD

Installs slurmctld, slurmd, slurm-client and munge from Debian when they are missing (as
root, with apt-get), then, all under a temporary directory and on 127.0.0.1 only: creates a
munge key and starts munged on a private socket, writes a minimal slurm.conf (one node with
this host's name and CPUs, proctrack/linuxproc, task/none, select/cons_tres, free ports),
starts slurmctld and slurmd, runs a four-point sweep with --backend slurm, checks the table
(every point ok, one row per point, the same figures as the local backend), checks that a
second run submits nothing (every point cached) and stops the daemons. Exits 77 (ctest
skip) with the reason when Slurm cannot be installed or started.
"""
import argparse
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
PACKAGES = ["slurmctld", "slurmd", "slurm-client", "munge"]
SWEEP = """{
  "name": "slurm-smoke",
  "base": {"mmu.l2tlb.entries": 0, "mmu.dtlb.policy": "lru"},
  "grid": {"mmu.dtlb.entries": [4, 64],
           "assoc": [{"label": "full", "mmu.dtlb.ways": "=mmu.dtlb.entries"},
                     {"label": "direct", "mmu.dtlb.ways": 1}]},
  "workloads": ["randacc:32"]
}
"""


def skip(msg):
    print(f"SKIP: {msg}")
    sys.exit(SKIP)


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def ensure_installed():
    need = [b for b in ("slurmctld", "slurmd", "sbatch", "munged") if not shutil.which(b)]
    if not need:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        skip(f"{', '.join(need)} missing and this user cannot install "
             f"{' '.join(PACKAGES)} (not root, or no apt-get)")
    print("installing", " ".join(PACKAGES), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + PACKAGES):
        p = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if p.returncode != 0:
            skip(f"cannot install Slurm: {' '.join(cmd)}: {p.stderr.strip()[-300:]}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """munged, slurmctld and slurmd in a temporary directory, stopped by stop()."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.procs = []
        self.conf = os.path.join(tmp, "slurm.conf")
        self.env = dict(os.environ, SLURM_CONF=self.conf)

    def start_munge(self):
        d = os.path.join(self.tmp, "munge")
        os.makedirs(d, mode=0o700)
        key = os.path.join(d, "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o400)
        self.munge_socket = os.path.join(d, "munge.socket")
        # In the foreground, as a child of this script, so stop() ends it and reaps it.
        log = open(os.path.join(d, "munged.stderr"), "w")
        self.munged = subprocess.Popen(
            ["munged", "--foreground", "--force", f"--key-file={key}",
             f"--socket={self.munge_socket}", f"--pid-file={d}/munged.pid",
             f"--log-file={d}/munged.log", f"--seed-file={d}/munged.seed"],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 20
        while not os.path.exists(self.munge_socket):
            if self.munged.poll() is not None or time.monotonic() > deadline:
                with open(os.path.join(d, "munged.stderr")) as f:
                    skip(f"munged does not start: {f.read().strip()[-300:]}")
            time.sleep(0.1)

    def write_conf(self):
        host = socket.gethostname().split(".")[0]
        cpus = os.cpu_count() or 1
        t = self.tmp
        user = "root" if os.geteuid() == 0 else os.environ.get("USER", "nobody")
        for d in ("state", "spool"):
            os.makedirs(os.path.join(t, d))
        with open(self.conf, "w") as f:
            f.write(f"""ClusterName=vmplattest
SlurmctldHost={host}(127.0.0.1)
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
SlurmUser={user}
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={self.munge_socket}
StateSaveLocation={t}/state
SlurmdSpoolDir={t}/spool
SlurmctldPidFile={t}/slurmctld.pid
SlurmdPidFile={t}/slurmd.pid
SlurmctldLogFile={t}/slurmctld.log
SlurmdLogFile={t}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
ReturnToService=2
MpiDefault=none
NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName=test Nodes={host} Default=YES MaxTime=INFINITE State=UP
""")

    def start_slurm(self):
        for cmd in (["slurmctld", "-D", "-i", "-f", self.conf],
                    ["slurmd", "-D", "-f", self.conf]):
            log = open(os.path.join(self.tmp, cmd[0] + ".stderr"), "w")
            self.procs.append(subprocess.Popen(cmd, env=self.env, stdout=log, stderr=log,
                                               stdin=subprocess.DEVNULL,
                                               start_new_session=True))
            time.sleep(1)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for p in self.procs:
                if p.poll() is not None:
                    skip(f"{p.args[0]} exited with {p.returncode}: {self.log_tail(p.args[0])}")
            s = subprocess.run(["sinfo", "-h", "-o", "%T"], env=self.env, capture_output=True,
                               text=True)
            if s.returncode == 0 and s.stdout.strip() in ("idle", "mixed", "allocated"):
                print("slurm up: node", s.stdout.strip(), flush=True)
                return
            time.sleep(1)
        skip(f"the Slurm node did not become idle within 60 s: "
             f"{self.log_tail('slurmctld')} / {self.log_tail('slurmd')}")

    def log_tail(self, daemon):
        text = ""
        for name in (f"{daemon}.log", f"{daemon}.stderr"):
            try:
                with open(os.path.join(self.tmp, name), errors="replace") as f:
                    text += f.read()
            except OSError:
                pass
        return " | ".join(text.strip().splitlines()[-3:])

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
        if getattr(self, "munged", None) and self.munged.poll() is None:
            self.munged.terminate()
            self.munged.wait(15)


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--vmplat", required=True)
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    ensure_installed()
    # Under /tmp: munged refuses key directories that others can write into.
    tmp = tempfile.mkdtemp(prefix="vmplat-slurm-")
    cluster = Cluster(tmp)
    try:
        cluster.start_munge()
        cluster.write_conf()
        cluster.start_slurm()
        sweep = os.path.join(tmp, "slurm.json")
        with open(sweep, "w") as f:
            f.write(SWEEP)
        common = [sys.executable, args.tool, "run", sweep, "--vmplat", args.vmplat,
                  "--build", args.build, "--no-plot"]
        p = subprocess.run(common + ["--backend", "slurm", "-o", f"{tmp}/slurm-out"],
                           env=cluster.env, capture_output=True, text=True, timeout=240)
        print(p.stderr, p.stdout)
        if p.returncode != 0:
            fail(f"slurm sweep exited {p.returncode}; slurmctld: "
                 f"{cluster.log_tail('slurmctld')}")
        if "submitted Slurm job array" not in p.stderr:
            fail("the sweep did not go through sbatch")
        rows = read_csv(f"{tmp}/slurm-out/results.csv")
        tasks = [n for n in os.listdir(f"{tmp}/slurm-out/slurm") if n.endswith(".out")]
        loc = subprocess.run(common + ["-o", f"{tmp}/local-out"], capture_output=True,
                             text=True, timeout=240)
        if loc.returncode != 0:
            fail(f"local sweep exited {loc.returncode}: {loc.stderr[-300:]}")
        local_rows = read_csv(f"{tmp}/local-out/results.csv")
        print(f"slurm: {len(rows)} rows, {len(tasks)} array task outputs")
        if len(rows) != 4 or any(r["status"] != "ok" for r in rows):
            fail(f"expected 4 ok rows, got {[(r['index'], r['status']) for r in rows]}")
        if len(tasks) != 4:
            fail(f"expected 4 array task outputs, found {tasks}")
        for a, b in zip(rows, local_rows):
            if (a["dtlb_misses"], a["cycles"]) != (b["dtlb_misses"], b["cycles"]):
                fail(f"point {a['index']}: slurm {a['dtlb_misses']} misses {a['cycles']} "
                     f"cycles, local {b['dtlb_misses']} / {b['cycles']}")
        again = subprocess.run(common + ["--backend", "slurm", "-o", f"{tmp}/slurm-out"],
                               env=cluster.env, capture_output=True, text=True, timeout=120)
        if again.returncode != 0 or "4 cached, 0 to run" not in again.stderr or \
                "submitted" in again.stderr:
            fail(f"a second slurm run submitted work or failed: {again.stderr[-500:]}")
        print("PASS slurm backend: 4 points as a job array, same figures as the local run")
        return 0
    finally:
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
