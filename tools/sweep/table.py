"""The results table (CSV and JSON lines), derived metrics and the one-page summary.

Each row: the point's index and status, its knob columns, the derived metrics below, and
(JSON lines only) every statistic vmplat wrote. Statistics cover the whole run, kernel
boot included, exactly as `vmplat --stats` reports them.
"""
import csv
import json
import os

# name -> (doc, unit)
METRICS = {
    "instret": ("instructions retired (cpu.instret)", "instructions"),
    "cycles": ("hart cycles (cpu.cycles)", "cycles"),
    "ipc": ("instructions per cycle", ""),
    "itlb_misses": ("instruction TLB misses", "misses"),
    "dtlb_misses": ("data TLB misses (loads and stores)", "misses"),
    "l2tlb_misses": ("L2 TLB misses", "misses"),
    "itlb_mpki": ("instruction TLB misses per 1000 instructions", "misses / kilo-instruction"),
    "dtlb_mpki": ("data TLB misses per 1000 instructions", "misses / kilo-instruction"),
    "l2tlb_mpki": ("L2 TLB misses per 1000 instructions", "misses / kilo-instruction"),
    "walks": ("page-table walks (mmu.walker.walks)", "walks"),
    "walk_cycles": ("cycles spent in page-table walks (sum of walk latencies)", "cycles"),
    "walk_cycles_pct": ("walk cycles as a share of all cycles", "%"),
    "mean_walk_cycles": ("mean latency of one page-table walk", "cycles"),
    "walk_levels": ("table levels visited by the walks, PWC hits included (mmu.walker.levels)",
                    "levels"),
    "superpage_walks": ("walks that ended in a leaf larger than 4 KiB (mmu.leaves.*)", "walks"),
    "walk_mem_refs": ("walker memory references: PTE reads and A/D writes", "references"),
    "pte_reads": ("PTE reads (mmu.walker.pte_reads)", "reads"),
    "pwc_hits": ("page-walk cache hits (mmu.pwc.hits)", "hits"),
    "host_seconds": ("host time of the simulation (sim.host_seconds)", "s"),
    # Per effective privilege (mmu.priv.*): under Linux, U is the workload, S the kernel.
    "user_dtlb_misses": ("data TLB misses in U mode (mmu.priv.u.dtlb_misses)", "misses"),
    "kernel_dtlb_misses": ("data TLB misses in S mode (mmu.priv.s.dtlb_misses)", "misses"),
    "user_walks": ("page-table walks for U-mode accesses (mmu.priv.u.walks)", "walks"),
    "kernel_walks": ("page-table walks for S-mode accesses (mmu.priv.s.walks)", "walks"),
    "user_page_faults": ("page faults taken in U mode (mmu.priv.u.page_faults)", "faults"),
}


def _tlb_misses(s, tlb):
    return sum(s.get(f"mmu.{tlb}.misses.{k}", 0) for k in ("fetch", "load", "store"))


def derive(stats):
    s = stats
    instret = s.get("cpu.instret", 0)
    cycles = s.get("cpu.cycles", 0)
    kilo = instret / 1000 if instret else float("nan")
    latency = s.get("mmu.walker.latency", {})
    walk_cycles = latency.get("sum", 0) if isinstance(latency, dict) else 0
    walks = s.get("mmu.walker.walks", 0)
    m = {
        "instret": instret,
        "cycles": cycles,
        "ipc": instret / cycles if cycles else float("nan"),
        "itlb_misses": _tlb_misses(s, "itlb"),
        "dtlb_misses": _tlb_misses(s, "dtlb"),
        "l2tlb_misses": _tlb_misses(s, "l2tlb"),
        "walks": walks,
        "walk_cycles": walk_cycles,
        "walk_cycles_pct": 100 * walk_cycles / cycles if cycles else float("nan"),
        "mean_walk_cycles": walk_cycles / walks if walks else float("nan"),
        "walk_levels": s.get("mmu.walker.levels", 0),
        "superpage_walks": sum(s.get(f"mmu.leaves.{k}", 0) for k in ("2m", "1g", "512g", "256t")),
        "walk_mem_refs": s.get("mmu.walker.mem_refs", 0),
        "pte_reads": s.get("mmu.walker.pte_reads", 0),
        "pwc_hits": s.get("mmu.pwc.hits", 0),
        "host_seconds": s.get("sim.host_seconds", 0),
        "user_dtlb_misses": s.get("mmu.priv.u.dtlb_misses", 0),
        "kernel_dtlb_misses": s.get("mmu.priv.s.dtlb_misses", 0),
        "user_walks": s.get("mmu.priv.u.walks", 0),
        "kernel_walks": s.get("mmu.priv.s.walks", 0),
        "user_page_faults": s.get("mmu.priv.u.page_faults", 0),
    }
    for t in ("itlb", "dtlb", "l2tlb"):
        m[f"{t}_mpki"] = m[f"{t}_misses"] / kilo
    return m


def columns(plan):
    return (["index", "status"] + plan["columns"] + plan["key_columns"] + list(METRICS)
            + ["error"])


def rows(plan, results):
    """One row per plan point (points without a result yet have status 'missing')."""
    out = []
    for pp in plan["points"]:
        res = results.get(pp["key"])
        row = {"index": pp["index"], "status": res["status"] if res else "missing"}
        row["workload"] = pp["workload"]["label"]
        row.update(pp["knobs"])
        for k in plan["key_columns"]:
            row[k] = pp["overrides"].get(k, plan["defaults"].get(k, ""))
        if res and "stats" in res and res["status"] == "ok":
            row.update(derive(res["stats"]))
        row["error"] = res.get("error", "") if res else ""
        row["_stats"] = res.get("stats", {}) if res else {}
        row["_result"] = res
        out.append(row)
    return out


def _fmt(v):
    if isinstance(v, float):
        return "" if v != v else f"{v:.6g}"
    return v


def write(out_dir, plan, table):
    cols = columns(plan)
    csv_path = os.path.join(out_dir, "results.csv")
    with open(csv_path + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in table:
            w.writerow([_fmt(r.get(c, "")) for c in cols])
    os.replace(csv_path + ".tmp", csv_path)
    jl_path = os.path.join(out_dir, "results.jsonl")
    with open(jl_path + ".tmp", "w") as f:
        for r in table:
            d = {c: r.get(c) for c in cols if r.get(c, "") != "" and r.get(c) == r.get(c)}
            d["stats"] = {k: v for k, v in r["_stats"].items() if not isinstance(v, dict)}
            res = r["_result"] or {}
            for k in ("exit_code", "stderr_tail", "console_tail"):
                if k in res:
                    d[k] = res[k]
            f.write(json.dumps(d, sort_keys=False) + "\n")
    os.replace(jl_path + ".tmp", jl_path)
    return csv_path, jl_path


def summary(plan, table):
    """A one-page text summary: per workload, the best and the worst point by the objective."""
    obj = plan["objective"]
    knob_cols = [c for c in plan["columns"] + plan["key_columns"] if c != "workload"]
    lines = [f"sweep {plan['name']}: {len(table)} points, "
             f"{sum(r['status'] == 'ok' for r in table)} ok, "
             f"{sum(r['status'] == 'failed' for r in table)} failed, "
             f"{sum(r['status'] == 'missing' for r in table)} missing; "
             f"objective: lowest {obj}", ""]
    for w in dict.fromkeys(r["workload"] for r in table):
        rs = [r for r in table if r["workload"] == w]
        ok = [r for r in rs if r["status"] == "ok"]
        lines.append(f"workload {w}: {len(ok)} of {len(rs)} points ok")
        if not ok:
            lines.append("")
            continue
        best = min(ok, key=lambda r: (r[obj], r["index"]))
        worst = max(ok, key=lambda r: (r[obj], -r["index"]))
        for tag, r in (("best ", best), ("worst", worst)):
            knobs = ", ".join(f"{c}={r[c]}" for c in knob_cols) or "(base configuration)"
            lines.append(f"  {tag} point {r['index']}: {knobs}")
            shown = "" if obj in ("cycles", "ipc", "itlb_mpki", "dtlb_mpki", "walks",
                                  "walk_cycles") else f"{obj} {_fmt(r[obj])}; "
            lines.append(f"         {shown}cycles {r['cycles']}, "
                         f"IPC {r['ipc']:.3f}, ITLB MPKI {r['itlb_mpki']:.3f}, "
                         f"DTLB MPKI {r['dtlb_mpki']:.3f}, walks {r['walks']}, "
                         f"walk cycles {r['walk_cycles']} ({r['walk_cycles_pct']:.1f}%)")
        if worst[obj]:
            lines.append(f"  best/worst {obj}: {best[obj] / worst[obj]:.3f}")
        for r in rs:
            if r["status"] == "failed":
                lines.append(f"  failed point {r['index']}: {r['error']}")
        lines.append("")
    return "\n".join(lines)
