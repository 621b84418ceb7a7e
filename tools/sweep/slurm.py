"""The Slurm backend: the points still missing become one job array, each task runs one point
with `vmplat-sweep run-point`, writing its result file into the same results directory (which
must be on a file system the compute nodes share). The tool then waits for the job, drawing
the same progress bar from the result files, and builds the table as the local backend does.

  <out>/slurm/tasks-<stamp>.txt   array task i runs the plan point on line i
  <out>/slurm/job-<stamp>.sh      the batch script
  <out>/slurm/<job>_<task>.out    each task's output
"""
import os
import shutil
import signal
import subprocess
import sys
import time

from . import SweepError
from .local import Progress
from .results import load_result


def _command(name):
    path = shutil.which(name)
    if not path:
        raise SweepError(f"--backend slurm: '{name}' not found; install the Slurm client "
                         f"(Debian package slurm-client) or run on a login node")
    return path


def submit(out, plan, todo, tool, sbatch_args):
    """Submits the array; returns the job id."""
    sbatch = _command("sbatch")
    sdir = os.path.join(out, "slurm")
    os.makedirs(sdir, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    tasks = os.path.join(sdir, f"tasks-{stamp}.txt")
    with open(tasks, "w") as f:
        f.write("".join(f"{i}\n" for i in todo))
    script = os.path.join(sdir, f"job-{stamp}.sh")
    slurm = plan.get("slurm", {})
    # Slurm kills a task past its time limit; give it the point's timeout and a minute.
    minutes = int(plan["timeout"] // 60 + 2)
    with open(script, "w") as f:
        f.write("#!/bin/sh\n")
        f.write(f"#SBATCH --job-name=sweep-{plan['name']}\n")
        f.write(f"#SBATCH --output={sdir}/%A_%a.out\n")
        f.write("#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n")
        f.write(f"#SBATCH --time={minutes}\n")
        for opt in slurm.get("options", []):
            f.write(f"#SBATCH {opt}\n")
        f.write(f"exec {sys.executable} {tool} run-point {out} --tasks {tasks} "
                f"--task \"$SLURM_ARRAY_TASK_ID\"\n")
    array = f"0-{len(todo) - 1}"
    if slurm.get("max_running"):
        array += f"%{int(slurm['max_running'])}"
    cmd = [sbatch, "--parsable", f"--array={array}"] + list(sbatch_args) + [script]
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise SweepError(f"sbatch refused the job array: {p.stderr.strip()}")
    job = p.stdout.strip().split(";")[0]
    print(f"sweep: submitted Slurm job array {job} ({len(todo)} tasks, script {script})",
          file=sys.stderr)
    return job


def _active(job):
    p = subprocess.run([_command("squeue"), "-h", "-j", job, "-o", "%i %T"],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        # squeue forgets a job shortly after it ends and then refuses its id.
        return 0
    return len([l for l in p.stdout.splitlines() if l.strip()])


def wait(out, plan, todo, job, poll=1.0):
    """Waits until no task of `job` is queued or running; returns (results, signal or None)."""
    stop = []
    old = {s: signal.signal(s, lambda signum, _f: stop.append(signum))
           for s in (signal.SIGINT, signal.SIGTERM)}
    progress = Progress(len(todo))
    keys = {plan["points"][i]["key"] for i in todo}
    seen = {}
    try:
        progress.update(0)
        while not stop:
            active = _active(job)
            for k in keys - set(seen):
                res = load_result(out, k)
                if res is not None:
                    seen[k] = res
                    progress.update(active, res)
            if not active:
                break
            time.sleep(poll)
    finally:
        progress.close()
        for s, h in old.items():
            signal.signal(s, h)
    if stop:
        print(f"sweep: stopped waiting; job {job} keeps running (scancel {job} to stop it; "
              f"`vmplat-sweep table {out}` gathers what has finished)", file=sys.stderr)
    return list(seen.values()), (stop[0] if stop else None)
