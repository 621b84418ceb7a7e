"""The vmplat-sweep command line. docs/exploration.md is the user guide."""
import argparse
import os
import subprocess
import sys
import time

from . import SweepError, local, plot, results, slurm, spec, table
from .vmplat import Vmplat

TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TOOLS_DIR)
TOOL = os.path.join(TOOLS_DIR, "vmplat-sweep")


def _say(msg):
    print(f"sweep: {msg}", file=sys.stderr, flush=True)


def output_dir(args, name):
    return os.path.abspath(getattr(args, "output", None) or os.path.join("sweep-out", name))


def build_plan(args):
    """Loads, validates and expands the sweep file: nothing runs before this succeeds."""
    sweep = spec.load(args.sweep, args.build)
    vmplat_path = args.vmplat or os.environ.get("VMPLAT") or \
        os.path.join(args.build, "platforms", "virt", "vmplat")
    vm = Vmplat(os.path.abspath(vmplat_path))
    points = spec.expand(sweep, vm)
    if sweep.objective not in table.METRICS:
        raise SweepError(f"{sweep.path}: objective '{sweep.objective}' is not a metric; "
                         f"allowed: {', '.join(table.METRICS)}")
    for m in sweep.plot.get("metrics", []):
        if m not in table.METRICS:
            raise SweepError(f"{sweep.path}: plot metric '{m}' is not a metric; allowed: "
                             f"{', '.join(table.METRICS)}")
    for c in [sweep.plot.get("x")] + list(sweep.plot.get("series") or []):
        if c is not None and c not in sweep.columns:
            raise SweepError(f"{sweep.path}: plot column '{c}' is not a column of the sweep; "
                             f"allowed: {', '.join(sweep.columns)}")
    spec.probe(sweep, vm, points)
    vmplat_digest = results.file_digest(vm.path)
    plan_points = []
    for p in points:
        fw = spec.firmware(sweep, p.workload)
        fw_digest = spec.firmware_digest(sweep, p.workload)
        run_args = spec.run_args(sweep, p.workload)
        pp = {"index": p.index, "knobs": p.knobs, "overrides": p.overrides,
              "workload": p.workload.describe(), "firmware": fw}
        if sweep.checkpoint:
            # One boot per workload and value of the keys a restore keeps; the point restores.
            boot_overrides = {k: v for k, v in p.overrides.items() if vm.keys[k].kept_on_restore}
            boot_args = spec.run_args(sweep, p.workload, checkpoint=True)
            ck_key = results.point_key(vm.effective_config(boot_overrides), boot_args, fw_digest,
                                       vmplat_digest)
            ck_dir = os.path.join(output_dir(args, sweep.name), "checkpoints", ck_key)
            pp["checkpoint"] = {
                "dir": ck_dir,
                "command": vm.command(boot_overrides, boot_args, fw,
                                      extra=["--checkpoint-on-marker", "--checkpoint-stop",
                                             "--checkpoint-dir", ck_dir])}
            pp["key"] = results.point_key(vm.effective_config(p.overrides),
                                          ["--restore", ck_key], fw_digest, vmplat_digest)
            pp["command"] = vm.command(p.overrides, ["--restore", ck_dir], None)
        else:
            pp["key"] = results.point_key(vm.effective_config(p.overrides), run_args, fw_digest,
                                          vmplat_digest)
            pp["command"] = vm.command(p.overrides, run_args, fw)
        plan_points.append(pp)
    return {"name": sweep.name, "sweep_file": os.path.abspath(sweep.path),
            "vmplat": vm.path, "vmplat_sha256": vmplat_digest,
            "columns": sweep.columns, "key_columns": sweep.key_columns,
            "defaults": {k: vm.keys[k].default for k in sweep.key_columns},
            "timeout": sweep.timeout, "objective": sweep.objective, "plot": sweep.plot,
            "slurm": sweep.slurm, "points": plan_points}


def boot_checkpoints(plan, indices, jobs=1):
    """Boots the checkpoints the points `indices` restore from that do not exist yet, up to
    `jobs` at a time (a checkpoint is kept and reused like a point's result)."""
    needed = {}
    for i in indices:
        ck = plan["points"][i].get("checkpoint")
        if ck and not os.path.isfile(os.path.join(ck["dir"], "manifest.json")):
            needed.setdefault(ck["dir"], ck["command"])
    if not needed:
        return 0
    _say(f"booting {len(needed)} checkpoint{'s' if len(needed) > 1 else ''} "
         f"({min(jobs, len(needed))} at a time)")
    started = time.monotonic()
    queue, running = list(needed.items()), []
    try:
        while queue or running:
            while queue and len(running) < jobs:
                ck_dir, command = queue.pop(0)
                running.append((ck_dir, subprocess.Popen(
                    command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                    stdin=subprocess.DEVNULL, text=True, errors="replace")))
            ck_dir, proc = running.pop(0)
            try:
                _, err = proc.communicate(timeout=max(1, plan["timeout"] -
                                                      (time.monotonic() - started)))
            except subprocess.TimeoutExpired:
                raise SweepError(f"booting checkpoint {ck_dir}: no checkpoint within the "
                                 f"sweep's timeout of {plan['timeout']} s") from None
            if proc.returncode != 0 or not os.path.isfile(os.path.join(ck_dir, "manifest.json")):
                why = (err.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
                raise SweepError(f"booting checkpoint {ck_dir} failed (exit code "
                                 f"{proc.returncode}, no checkpoint written: did the workload "
                                 f"ask for one?): {why}")
            _say(f"checkpoint {ck_dir} booted")
    finally:
        for _, proc in running:
            proc.kill()
            proc.wait()
    _say(f"booted {len(needed)} in {time.monotonic() - started:.1f} s")
    return len(needed)


def _worth_keeping(res, retry_failed):
    """A failed point is as deterministic as a passing one, except when it was cut short."""
    if res is None:
        return False
    if res["status"] == "ok":
        return True
    return not retry_failed and not res.get("error", "").startswith(("timeout", "killed"))


def finish(out, plan, plots=True):
    """Builds the table, the summary and the plots from whatever results exist."""
    found = {pp["key"]: results.load_result(out, pp["key"]) for pp in plan["points"]}
    rows = table.rows(plan, {k: v for k, v in found.items() if v is not None})
    csv_path, jl_path = table.write(out, plan, rows)
    text = table.summary(plan, rows)
    with open(os.path.join(out, "summary.txt"), "w") as f:
        f.write(text + "\n")
    _say(f"table {csv_path} and {jl_path}; summary {os.path.join(out, 'summary.txt')}")
    if plots:
        try:
            files = plot.make(out, plan, rows)
            if files:
                _say(f"plots {', '.join(os.path.relpath(p, out) for p in files)} in {out}")
        except OSError as e:
            _say(f"no plots: {e}")
    print(text)
    return rows


def cmd_check(args):
    plan = build_plan(args)
    print(f"{args.sweep}: {len(plan['points'])} points, columns "
          f"{', '.join(plan['columns'] + plan['key_columns'])}; vmplat accepts every "
          f"configuration")
    for pp in plan["points"][:args.list]:
        print(" ", pp["index"], pp["workload"]["label"],
              " ".join(f"{k}={v}" for k, v in pp["knobs"].items()))
    return 0


def cmd_run(args):
    plan = build_plan(args)
    out = output_dir(args, plan["name"])
    os.makedirs(os.path.join(out, "points"), exist_ok=True)
    results.write_json_atomic(os.path.join(out, results.PLAN), plan)
    # Points with the same effective configuration and workload (a 4-way and a fully
    # associative 4-entry TLB) share one run and one result.
    first = {}
    for pp in plan["points"]:
        first.setdefault(pp["key"], pp["index"])
    todo = [i for k, i in first.items()
            if not _worth_keeping(results.load_result(out, k), args.retry_failed)]
    cached = len(first) - len(todo)
    same = f" ({len(first)} distinct runs)" if len(first) != len(plan["points"]) else ""
    _say(f"{plan['name']}: {len(plan['points'])} points{same}, {cached} cached, {len(todo)} to "
         f"run; results in {out}")
    started = time.monotonic()
    boot_checkpoints(plan, todo, args.jobs if args.backend == "local" else 1)
    signum = None
    ran = []
    if todo and args.backend == "local":
        ran, signum = local.run(out, plan, todo, args.jobs)
    elif todo:
        job = slurm.submit(out, plan, todo, TOOL, args.sbatch_arg)
        if args.no_wait:
            _say(f"not waiting: `vmplat-sweep table {out}` builds the table when job {job} "
                 f"has finished")
            return 0
        ran, signum = slurm.wait(out, plan, todo, job)
    failed = sum(r["status"] == "failed" for r in ran)
    _say(f"ran {len(ran)} points ({len(ran) - failed} ok, {failed} failed) in "
         f"{time.monotonic() - started:.1f} s")
    if signum is not None:
        _say(f"interrupted: {cached + len(ran)} of {len(first)} runs finished; "
             f"run the same command again to resume")
        return 128 + signum
    rows = finish(out, plan, plots=not args.no_plot)
    return 0 if all(r["status"] == "ok" for r in rows) else 1


def cmd_table(args):
    plan = results.load_plan(args.output)
    rows = finish(os.path.abspath(args.output), plan, plots=not args.no_plot)
    return 0 if all(r["status"] == "ok" for r in rows) else 1


def cmd_run_point(args):
    out = os.path.abspath(args.output)
    plan = results.load_plan(out)
    if args.tasks is not None:
        with open(args.tasks) as f:
            index = int(f.read().split()[args.task])
    else:
        index = args.index
    if not 0 <= index < len(plan["points"]):
        raise SweepError(f"point {index} does not exist: the plan has points 0.."
                         f"{len(plan['points']) - 1}")
    boot_checkpoints(plan, [index])
    run = results.PointRun(out, plan["points"][index], plan["timeout"])
    run.wait()
    res = run.finish()
    print(f"point {index}: {res['status']}" + (f" ({res['error']})" if "error" in res else ""))
    return 0 if res["status"] == "ok" else 1


def parser():
    ap = argparse.ArgumentParser(
        prog="vmplat-sweep",
        description="Runs vmplat over a grid of configuration knobs and workloads; writes a "
                    "CSV / JSON lines table, a summary and plots. See docs/exploration.md.")
    sub = ap.add_subparsers(dest="command", required=True)

    def sweep_args(p):
        p.add_argument("sweep", help="sweep file (JSON)")
        p.add_argument("--build", default=os.environ.get("VMPLAT_BUILD",
                                                         os.path.join(REPO, "build")),
                       help="build directory: vmplat and {build} in firmware paths "
                            "(default: %(default)s)")
        p.add_argument("--vmplat", help="vmplat executable (default: "
                                        "$VMPLAT or BUILD/platforms/virt/vmplat)")

    p = sub.add_parser("run", help="run every point not yet in the results directory")
    sweep_args(p)
    p.add_argument("-o", "--output", help="results directory (default: sweep-out/NAME)")
    p.add_argument("-j", "--jobs", type=int, default=len(os.sched_getaffinity(0)),
                   help="parallel points, local backend (default: %(default)s)")
    p.add_argument("--backend", choices=("local", "slurm"), default="local")
    p.add_argument("--sbatch-arg", action="append", default=[],
                   help="extra sbatch argument, e.g. --sbatch-arg=--partition=short")
    p.add_argument("--no-wait", action="store_true",
                   help="slurm: submit and return; `vmplat-sweep table` gathers later")
    p.add_argument("--retry-failed", action="store_true",
                   help="run failed points again (timeouts and killed points always are)")
    p.add_argument("--no-plot", action="store_true")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("check", help="validate the sweep file against vmplat, run nothing")
    sweep_args(p)
    p.add_argument("--list", type=int, default=0, metavar="N", help="print the first N points")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("table", help="rebuild table, summary and plots from a results dir")
    p.add_argument("output", help="results directory")
    p.add_argument("--no-plot", action="store_true")
    p.set_defaults(func=cmd_table)

    p = sub.add_parser("run-point", help="run one point of a planned sweep (Slurm tasks)")
    p.add_argument("output", help="results directory holding plan.json")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--index", type=int, help="the plan point's index")
    g.add_argument("--tasks", help="file of plan indices, one a line (with --task)")
    p.add_argument("--task", type=int, default=0, help="line of --tasks to run")
    p.set_defaults(func=cmd_run_point)
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    if getattr(args, "jobs", 1) < 1:
        print("vmplat-sweep: error: --jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except SweepError as e:
        print(f"vmplat-sweep: error: {e}", file=sys.stderr)
        return 2
