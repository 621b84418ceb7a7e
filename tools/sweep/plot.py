"""Figures with gnuplot (Debian package gnuplot-nox): for each metric, one panel per workload,
the metric against the x column, one line per series (the other knob columns). PNG and SVG.
"""
import math
import os
import shutil
import subprocess

from .table import METRICS

DEFAULT_METRICS = ["dtlb_mpki", "walk_cycles"]


def _number(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def choose_axes(plan, table):
    """The x column and the series columns, from the sweep's "plot" or guessed."""
    spec = plan.get("plot", {})
    knob_cols = [c for c in plan["columns"] if c != "workload"]
    varying = [c for c in knob_cols if len({r.get(c) for r in table}) > 1]
    x = spec.get("x")
    if x is None:
        numeric = [c for c in varying if all(_number(r.get(c)) is not None for r in table)]
        entries = [c for c in numeric if c.endswith(".entries")]
        x = (entries or numeric or varying or knob_cols or ["workload"])[0]
    series = spec.get("series")
    if series is None:
        series = [c for c in varying if c != x]
    elif isinstance(series, str):
        series = [series]
    return x, series


def _esc(text):
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("_", "\\_")


def make(out_dir, plan, table, gnuplot=None):
    """Writes plots/<metric>.png and .svg; returns the files written, or raises OSError."""
    gnuplot = gnuplot or shutil.which("gnuplot")
    if not gnuplot:
        raise OSError("gnuplot not found: install the Debian package gnuplot-nox "
                      "(scripts/setup.sh does)")
    ok = [r for r in table if r["status"] == "ok"]
    if not ok:
        return []
    spec = plan.get("plot", {})
    metrics = spec.get("metrics", DEFAULT_METRICS)
    x, series = choose_axes(plan, ok)
    workloads = list(dict.fromkeys(r["workload"] for r in ok))
    xs = [r.get(x) for r in ok]
    numeric = all(_number(v) is not None for v in xs)
    logx = spec.get("logx", numeric and all(_number(v) > 0 and
                                               math.log2(_number(v)).is_integer() for v in xs))
    plots = os.path.join(out_dir, "plots")
    data_dir = os.path.join(plots, "data")
    os.makedirs(data_dir, exist_ok=True)
    categories = list(dict.fromkeys(xs))

    def xval(v):
        return _number(v) if numeric else categories.index(v)

    # One data file per (workload, series): columns x, then every metric.
    files = {}
    for wi, w in enumerate(workloads):
        groups = {}
        for r in ok:
            if r["workload"] == w:
                label = ", ".join(str(r.get(c)) for c in series) or w
                groups.setdefault(label, []).append(r)
        for si, (label, rs) in enumerate(groups.items()):
            path = os.path.join(data_dir, f"w{wi}_s{si}.dat")
            with open(path, "w") as f:
                f.write("# x " + " ".join(metrics) + "\n")
                for r in sorted(rs, key=lambda r: xval(r.get(x))):
                    f.write(f"{xval(r.get(x))} " +
                            " ".join(f"{r.get(m, float('nan'))}" for m in metrics) + "\n")
            files.setdefault(w, []).append((label, path))

    cols = min(len(workloads), 2 if len(workloads) == 4 else 3)
    nrows = math.ceil(len(workloads) / cols)
    written = []
    for mi, m in enumerate(metrics):
        doc, unit = METRICS[m]
        for term, ext, size in (("pngcairo enhanced font 'Sans,10'", "png",
                                 f"{460 * cols},{340 * nrows}"),
                                ("svg enhanced font 'Sans,10'", "svg",
                                 f"{460 * cols},{340 * nrows}")):
            target = os.path.join(plots, f"{m}.{ext}")
            lines = [f"set terminal {term} size {size}",
                     f"set output \"{target}\"",
                     "set grid", "set key top right box opaque", "set yrange [0:*]",
                     # Headroom above the data for the key, so it never hides a point.
                     "set offsets 0, 0, graph 0.3, 0",
                     "set datafile missing 'nan'",
                     f"set multiplot layout {nrows},{cols} title \"{_esc(plan['name'])}: "
                     f"{_esc(doc)}\""]
            lines.append("set logscale x 2" if logx else "unset logscale x")
            if not numeric:
                tics = ", ".join(f"\"{_esc(c)}\" {i}" for i, c in enumerate(categories))
                lines.append(f"set xtics ({tics})")
                lines.append(f"set xrange [-0.5:{len(categories) - 0.5}]")
            lines.append(f"set xlabel \"{_esc(x)}\"")
            lines.append(f"set ylabel \"{_esc(unit or m)}\"")
            if series:
                lines.append(f"set key title \"{_esc(', '.join(series))}\"")
            else:
                lines.append("unset key")
            for w in workloads:
                lines.append(f"set title \"{_esc(w)}\"")
                plots_cmd = ", ".join(
                    f"\"{path}\" using 1:{mi + 2} with linespoints lw 2 pt {7 + i % 6} "
                    f"title \"{_esc(label)}\"" for i, (label, path) in enumerate(files[w]))
                lines.append(f"plot {plots_cmd}")
            lines.append("unset multiplot")
            p = subprocess.run([gnuplot], input="\n".join(lines) + "\n", text=True,
                               capture_output=True)
            if p.returncode != 0:
                raise OSError(f"gnuplot failed on {target}: {p.stderr.strip()[-300:]}")
            written.append(target)
    return written
