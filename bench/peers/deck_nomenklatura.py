"""Sanctum's evaluation deck, scored by nomenklatura's logic-v2 (the OpenSanctions/yente
matcher), counted the way sanctum counts it (crates/matcher/src/eval.rs):

- positive groups (Listed, Benign, Adversarial, Degraded, BirthDateSame): a case is
  found when its target party scores >= threshold (scored against the target only);
- BirthYearFar: alerts when the party it was derived from scores >= threshold;
- other negatives (look-alikes, customers): alert when any party scores >= threshold,
  the parties being nomenklatura's own candidates (nomenklatura.blocker.Index, the
  DuckDB blocker that replaced nomenklatura.index).

The Listed classes (as_listed, natural_order: every listed name, ~100k cases) are
sampled down to --sample cases each, seeded; every other class is scored in full.
With --sanctum-report, sanctum's numbers for the same classes are copied next to the
peer's: exact for unsampled classes (same cases); for a sampled class exact only when
sanctum's rate on the full class is 0% or 100%, otherwise the full-class rate (flagged).

Usage: deck_nomenklatura.py DECK.jsonl FTM.json [--sample N] [--batch N]
       [--sanctum-report REPORT.json] --out RESULT.json
"""

import argparse
import json
import random
import time
from collections import defaultdict

from common import (
    NK_THRESHOLD,
    SANCTUM_THRESHOLD,
    Peer,
    batched,
    die,
    ftm_id,
    make_query,
    max_rss_mb,
    need_file,
)

POSITIVE = {"Listed", "Benign", "Adversarial", "Degraded", "BirthDateSame"}
# Sanctum's report names groups in snake case (eval.rs group_target).
GROUP_NAME = {
    "Listed": "listed",
    "Benign": "benign",
    "Adversarial": "adversarial",
    "Degraded": "degraded",
    "BirthDateSame": "birth_date_same",
    "LookAlikePart": "lookalike_part",
    "LookAlikeEdits": "lookalike_edits",
    "Customer": "customer",
    "BirthYearFar": "birth_year_far",
}
THRESHOLDS = (NK_THRESHOLD, SANCTUM_THRESHOLD)


def load_deck(path, sample, seed):
    by_class = defaultdict(list)
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            case = json.loads(line)
            by_class[(case["group"], case["class"])].append(case)
    full = {key: len(cases) for key, cases in by_class.items()}
    rng = random.Random(seed)
    for key in sorted(by_class):
        if key[0] == "Listed" and sample and len(by_class[key]) > sample:
            by_class[key] = rng.sample(by_class[key], sample)
    return by_class, full


def query_of(i, case):
    # Unique ids: logic-v2 memoises name analysis per entity id (lru_cache on the entity).
    return make_query(
        f"q:{case['class']}:{i}",
        case["kind"],
        case["names"],
        case["birth_dates"],
        case["countries"],
        case["gender"],
        case["identifiers"],
    )


def run_class(peer, group, cases, batch):
    """Best score per case (target, derived party or best candidate), wall and CPU seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    queries = [query_of(i, c) for i, c in enumerate(cases)]
    scores = []
    if group in POSITIVE or group == "BirthYearFar":
        key = "target" if group in POSITIVE else "party"
        for q, c in zip(queries, cases):
            party = peer.parties.get(ftm_id(c[key]))
            scores.append(peer.score(q, party) if party is not None else 0.0)
    else:
        for chunk in batched(queries, batch):
            found = peer.candidates(chunk)
            scores += [peer.best(q, found[q.id])[0] for q in chunk]
    return scores, time.perf_counter() - started, time.process_time() - cpu


def sanctum_numbers(report, group, cls, cases, full_cases):
    row = report.get((GROUP_NAME[group], cls))
    if row is None:
        return None
    if row["cases"] != full_cases:
        die(f"sanctum report has {row['cases']} cases of {cls}, the deck {full_cases}")
    out = {"cases": row["cases"], "rate": row["rate"], "same_cases": True}
    if cases != row["cases"]:  # sampled: exact only when all or none were hits
        if row["hits"] in (0, row["cases"]):
            out["cases"] = cases
        else:
            out["same_cases"] = False
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("deck")
    ap.add_argument("ftm")
    ap.add_argument("--sample", type=int, default=200, help="cases per Listed class")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--batch", type=int, default=100, help="queries per blocker call")
    ap.add_argument("--sanctum-report")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    need_file(args.deck, "deck")
    need_file(args.ftm, "FtM export")
    report = {}
    if args.sanctum_report:
        need_file(args.sanctum_report, "sanctum report")
        with open(args.sanctum_report) as fh:
            sanctum = json.load(fh)
        report = {(c["group"], c["class"]): c for c in sanctum["classes"]}

    by_class, full = load_deck(args.deck, args.sample, args.seed)
    peer = Peer(args.ftm)
    print(
        f"loaded {len(peer.parties)} parties in {peer.load_seconds:.1f}s, "
        f"index built in {peer.index_seconds:.1f}s",
        flush=True,
    )
    classes = []
    for (group, cls), cases in sorted(by_class.items()):
        scores, seconds, cpu = run_class(peer, group, cases, args.batch)
        positive = group in POSITIVE
        row = {
            "group": group,
            "class": cls,
            "positive": positive,
            "cases": len(cases),
            "full_cases": full[(group, cls)],
            "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3),
            "queries_per_second": round(len(cases) / seconds, 1) if seconds else None,
            "rate": {
                f"{t:.2f}": sum(s >= t for s in scores) / len(cases) for t in THRESHOLDS
            },
        }
        if report:
            row["sanctum"] = sanctum_numbers(report, group, cls, len(cases), row["full_cases"])
        classes.append(row)
        rates = " ".join(f"@{t}={r:.3f}" for t, r in row["rate"].items())
        print(f"{group}/{cls}: {len(cases)} cases, {rates}, {seconds:.1f}s", flush=True)

    result = {
        "tool": "nomenklatura logic-v2",
        "thresholds": {"nomenklatura_default": NK_THRESHOLD, "sanctum": SANCTUM_THRESHOLD},
        "sample": args.sample,
        "seed": args.seed,
        "batch": args.batch,
        "parties": len(peer.parties),
        "load_seconds": round(peer.load_seconds, 1),
        "index_seconds": round(peer.index_seconds, 1),
        "max_rss_mb": max_rss_mb(),
        "sanctum_threshold": sanctum.get("threshold") if report else None,
        "classes": classes,
    }
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
