"""Screening throughput of the peers on sanctum's customer file: rows/s and alerts on the
first --rows rows, so BENCHMARKS.md can put sanctum's `screen` next to them.

(a) nomenklatura: its blocker (nomenklatura.blocker.Index, queries in batches of
    --batch per call) + logic-v2 on every candidate; a row alerts when any candidate
    scores >= 0.70 (yente's default) — 0.80 (sanctum's) is counted too.
(b) rapidfuzz brute force: every row's name against every listed name (name, alias,
    weakAlias, previousName of every party) with process.cdist(workers=-1); a row
    alerts when any name scores >= --cutoff. WRatio and token_sort_ratio.

Only the screening is timed; loading and index building are reported separately.
"planted" counts rows whose `expected` party is among the parties that alerted.
With --sanctum-summary/--sanctum-alerts (from `sanctum screen --summary S -o A.jsonl`
on the same rows) sanctum's row is added from its own summary.

Usage: screen_peers.py CUSTOMERS.csv FTM.json [--rows 2000] [--out RESULT.json]
"""

import argparse
import csv
import json
import re
import time
from collections import defaultdict

import numpy as np
from rapidfuzz import fuzz, process, utils

from common import (
    NK_THRESHOLD,
    PARTY_SCHEMATA,
    SANCTUM_THRESHOLD,
    Peer,
    batched,
    ftm_id,
    make_query,
    max_rss_mb,
    need_file,
)

NAME_PROPS = ("name", "alias", "weakAlias", "previousName")


def read_rows(path, n):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = []
        for row in csv.DictReader(fh):
            if len(rows) == n:
                break
            rows.append(row)
    return rows


def planted(rows, alerted):
    """Rows with a planted party, and how many of those alerted on it."""
    want = [(r["id"], ftm_id(r["expected"])) for r in rows if r.get("expected")]
    return len(want), sum(1 for rid, pid in want if pid in alerted.get(rid, ()))


def nomenklatura_row(rows, ftm, batch):
    peer = Peer(ftm)
    setup = peer.load_seconds + peer.index_seconds
    queries = [
        make_query(
            f"row:{r['id']}",
            r.get("kind"),
            [r["name"]],
            [r["birth_date"]] if r.get("birth_date") else [],
            [r["country"]] if r.get("country") else [],
            r.get("gender"),
        )
        for r in rows
    ]
    started, cpu = time.perf_counter(), time.process_time()
    alerted = {t: defaultdict(set) for t in (NK_THRESHOLD, SANCTUM_THRESHOLD)}
    candidates = 0
    for chunk in batched(queries, batch):
        found = peer.candidates(chunk)
        for q in chunk:
            candidates += len(found[q.id])
            for party in found[q.id]:
                score = peer.score(q, party)
                for t, hits in alerted.items():
                    if score >= t:
                        hits[q.id.removeprefix("row:")].add(party.id)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    out = []
    for t, hits in alerted.items():
        out.append(
            result_row(
                f"nomenklatura logic-v2 @{t:.2f}",
                rows,
                hits,
                (seconds, cpu, setup),
                mean_candidates=round(candidates / len(rows), 1),
                batch=batch,
                max_rss_mb=max_rss_mb(),
            )
        )
    return out


def result_row(tool, rows, hits, times, **extra):
    """One tool's line of the screening table: speed, alerts and planted names found."""
    seconds, cpu, setup = times
    n_planted, found_planted = planted(rows, hits)
    return {
        "tool": tool,
        "rows": len(rows),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "rows_per_second": round(len(rows) / seconds, 1),
        "rows_alerted": len(hits),
        "alerts": sum(len(v) for v in hits.values()),
        "planted": n_planted,
        "planted_found": found_planted,
        "setup_seconds": round(setup, 1),
        **extra,
    }


def listed_names(ftm):
    names, owners = [], []
    with open(ftm, "rb") as fh:
        for line in fh:
            e = json.loads(line)
            if e["schema"] not in PARTY_SCHEMATA:
                continue
            for prop in NAME_PROPS:
                for name in set(e["properties"].get(prop, [])):
                    names.append(utils.default_process(name))
                    owners.append(e["id"])
    return names, np.array(owners, dtype=object)


def rapidfuzz_rows(rows, ftm, cutoff, chunk=200):
    t = time.perf_counter()
    names, owners = listed_names(ftm)
    setup = time.perf_counter() - t
    out = []
    for scorer in (fuzz.WRatio, fuzz.token_sort_ratio):
        hits = defaultdict(set)
        started, cpu = time.perf_counter(), time.process_time()
        for part in batched(rows, chunk):
            queries = [utils.default_process(r["name"]) for r in part]
            scores = process.cdist(
                queries,
                names,
                scorer=scorer,
                score_cutoff=cutoff,
                dtype=np.uint8,
                workers=-1,
            )
            for i, j in zip(*np.nonzero(scores)):
                hits[part[i]["id"]].add(owners[j])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        out.append(
            result_row(
                f"rapidfuzz {scorer.__name__} >= {cutoff}",
                rows,
                hits,
                (seconds, cpu, setup),
                listed_names=len(names),
            )
        )
    return out


def sanctum_setup_seconds(log_path):
    """From `screen`'s stderr: "N parties prepared and indexed in 2.3s" (Rust Duration)."""
    if not log_path:
        return None
    with open(log_path, encoding="utf-8") as fh:
        m = re.search(r"prepared and indexed in ([\d.]+)(ms|s)\b", fh.read())
    return None if m is None else round(float(m[1]) / (1000 if m[2] == "ms" else 1), 1)


def sanctum_row(rows, summary_path, alerts_path, log_path):
    with open(summary_path) as fh:
        s = json.load(fh)["summary"]
    hits = defaultdict(set)
    with open(alerts_path) as fh:
        for line in fh:
            a = json.loads(line)
            if a.get("status") == "alert":
                hits[a["input_id"]].add(ftm_id(a["entity_id"]))
    n_planted, found_planted = planted(rows, hits)
    return {
        "tool": f"sanctum screen @{SANCTUM_THRESHOLD:.2f}",
        "rows": s["rows_read"],
        "seconds": round(s["seconds"], 2),
        "rows_per_second": round(s["rows_per_second"], 1),
        "rows_alerted": s["rows_alerted"],
        "alerts": s["alerts"] - s.get("withdrawn", 0),
        "planted": n_planted,
        "planted_found": found_planted,
        "mean_candidates": s.get("mean_candidates"),
        "setup_seconds": sanctum_setup_seconds(log_path),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("customers")
    ap.add_argument("ftm")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=100, help="queries per blocker call")
    ap.add_argument("--cutoff", type=float, default=85)
    ap.add_argument("--skip", choices=["nomenklatura", "rapidfuzz"], action="append", default=[])
    ap.add_argument("--sanctum-summary")
    ap.add_argument("--sanctum-alerts")
    ap.add_argument("--sanctum-log", help="screen's stderr, for its load + index time")
    ap.add_argument("--out")
    args = ap.parse_args()
    need_file(args.customers, "customer file")
    need_file(args.ftm, "FtM export")
    rows = read_rows(args.customers, args.rows)

    results = []
    if args.sanctum_summary:
        need_file(args.sanctum_summary, "sanctum summary")
        need_file(args.sanctum_alerts, "sanctum alerts")
        results.append(
            sanctum_row(rows, args.sanctum_summary, args.sanctum_alerts, args.sanctum_log)
        )
    if "nomenklatura" not in args.skip:
        results += nomenklatura_row(rows, args.ftm, args.batch)
    if "rapidfuzz" not in args.skip:
        results += rapidfuzz_rows(rows, args.ftm, args.cutoff)
    text = json.dumps(results, indent=1)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
