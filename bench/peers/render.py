"""Markdown tables from deck_nomenklatura.py's and screen_peers.py's JSON results.

Usage: render.py DECK_RESULT.json SCREEN_RESULT.json
"""

import json
import sys


def pct(rate):
    return "-" if rate is None else f"{100 * rate:.1f}%"


def deck_table(result):
    t_nk, t_s = result["thresholds"]["nomenklatura_default"], result["thresholds"]["sanctum"]
    print("## Deck: recall (positives) and alert rate (negatives) per class\n")
    print(
        f"Same cases for both (seed {result['seed']}); the Listed classes sampled to "
        f"{result['sample']} cases each. A sanctum cell \"(all N)\" is its rate on the whole class (the "
        "sample's cannot be told apart). logic-v2 at yente's default threshold "
        f"{t_nk:.2f} and at sanctum's {t_s:.2f}; candidates of look-alikes and customers "
        f"from nomenklatura's blocker, {result['batch']} queries a call. "
        f"{result['parties']} parties, FtM load {result['load_seconds']} s, blocker "
        f"index {result['index_seconds']} s, peak RSS {result['max_rss_mb']} MB. "
        "queries/s: for positives and birth_year_far one logic-v2 comparison a case "
        "(against the target, as sanctum's eval does); for look-alikes and customers "
        "a full search (blocker + logic-v2 on every candidate).\n"
    )
    print(
        f"| class | group | measure | cases | sanctum @{t_s:.2f} "
        f"| nomenklatura logic-v2 @{t_nk:.2f} | logic-v2 @{t_s:.2f} | logic-v2 queries/s |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for c in result["classes"]:
        s = c.get("sanctum")
        if s is None:
            sanctum = "-"
        else:
            sanctum = pct(s["rate"]) + ("" if s["same_cases"] else f" (all {s['cases']})")
        cases = str(c["cases"])
        if c["cases"] != c["full_cases"]:
            cases += f" of {c['full_cases']}"
        measure = "recall" if c["positive"] else "alert rate"
        print(
            f"| {c['class']} | {c['group']} | {measure} | {cases} | {sanctum} "
            f"| {pct(c['rate'][f'{t_nk:.2f}'])} | {pct(c['rate'][f'{t_s:.2f}'])} "
            f"| {c['queries_per_second']} |"
        )


def screen_table(rows):
    print("## Screening: customer file, first rows\n")
    print(
        "Rows/s and seconds cover the screening only; load + index separately. Rows "
        "alerted: rows with at least one party at or above the threshold (sanctum keeps "
        "at most 10 alerts a row). Planted found: rows whose `expected` party alerted.\n"
    )
    print(
        "| tool | rows | rows/s | rows alerted | alerts | planted found "
        "| screening s (CPU s) | load + index s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        cpu = f" ({r['cpu_seconds']})" if "cpu_seconds" in r else ""
        print(
            f"| {r['tool']} | {r['rows']} | {r['rows_per_second']} | {r['rows_alerted']} "
            f"| {r['alerts']} | {r['planted_found']}/{r['planted']} "
            f"| {r['seconds']}{cpu} | {r.get('setup_seconds', '-')} |"
        )


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as fh:
        deck = json.load(fh)
    with open(sys.argv[2]) as fh:
        screen = json.load(fh)
    deck_table(deck)
    print()
    screen_table(screen)


if __name__ == "__main__":
    main()
