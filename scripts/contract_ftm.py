"""Checks a sanctum FtM export with FollowTheMoney's own model (run by contract-ftm.sh).

Every line is loaded as FtM tools load untrusted data, `model.get_proxy(data, cleaned=False)`,
which cleans each value with the type of its property. The check then compares, property by
property, what the proxy kept against what the file says, and fails when:

- an entity id is outside FtM's id pattern (or too long), or two lines share an id;
- a schema is unknown or abstract, or FtM refuses the entity outright;
- a value is dropped: a property the schema does not have (or may not be written), a value
  the property's type rejects, or one cut by the type's size limits;
- a property the schema requires is missing (a Sanction without `entity`, …);
- an entity reference (Sanction.entity, Identification.holder, addressEntity, …) names no
  entity of the file.

Values FtM keeps in another spelling (a phone in E.164, a country in lower case) are counted
and shown, not failed: nothing is lost. So are values longer than their type's `max_length`
(a 95-character Monero address as `publicKey`): FtM keeps them and only its `validate()` warns. Usage: python contract_ftm.py EXPORT.ftm.json
"""

import json
import sys
from collections import Counter, defaultdict

import followthemoney
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.types import registry
from followthemoney.types.entity import EntityType
from followthemoney.util import ENTITY_ID_LEN, sanitize_text

EXAMPLES = 3


class Report:
    def __init__(self):
        self.counts = Counter()
        self.examples = defaultdict(list)

    def add(self, kind, key, example):
        self.counts[(kind, key)] += 1
        if len(self.examples[(kind, key)]) < EXAMPLES:
            self.examples[(kind, key)].append(example)

    def total(self, kind):
        return sum(n for (k, _), n in self.counts.items() if k == kind)

    def show(self, kind, title):
        rows = sorted(
            ((key, n) for (k, key), n in self.counts.items() if k == kind),
            key=lambda r: -r[1],
        )
        if not rows:
            return
        print(f"{title}: {self.total(kind)}")
        for key, n in rows:
            print(f"  {n:7d}  {key}")
            for ex in self.examples[(kind, key)]:
                print(f"           e.g. {ex}")


def check(path):
    report = Report()
    ids = Counter()
    refs = []  # (entity id, schema.prop, referenced id)
    entities = 0
    values = 0
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            data = json.loads(line)
            entities += 1
            eid = data.get("id") or ""
            ids[eid] += 1
            if not EntityType.REGEX.match(eid) or len(eid) > ENTITY_ID_LEN:
                report.add("bad_id", data.get("schema"), f"line {line_no}: {eid!r}")
            schema = model.get(data.get("schema") or "")
            if schema is None or schema.abstract:
                report.add("bad_schema", data.get("schema"), f"line {line_no}")
                continue
            try:
                proxy = model.get_proxy(data, cleaned=False)
            except InvalidData as e:
                report.add("refused", schema.name, f"line {line_no}: {e}")
                continue
            for name, raw in (data.get("properties") or {}).items():
                raw = raw if isinstance(raw, list) else [raw]
                prop = schema.properties.get(name)
                key = f"{schema.name}.{name}"
                if prop is not None and prop.type == registry.entity:
                    refs.extend((eid, key, v) for v in raw)
                if prop is None or prop.stub:
                    for v in raw:
                        values += 1
                        report.add("dropped", key + " (no such property)", f"{eid}: {v!r}")
                    continue
                kept = set(proxy.get(prop))
                for v in raw:
                    values += 1
                    text = sanitize_text(v)
                    try:
                        cleaned = (
                            None
                            if text is None
                            else prop.type.clean_text(text, format=prop.format, proxy=proxy)
                        )
                    except InvalidData:
                        cleaned = None
                    if cleaned is None or cleaned not in kept:
                        report.add("dropped", f"{key} ({prop.type.name})", f"{eid}: {v!r}")
                        continue
                    if len(cleaned) > prop.type.max_length:
                        report.add(
                            "too_long",
                            f"{key} ({prop.type.name}, max {prop.type.max_length})",
                            f"{eid}: {len(cleaned)} chars",
                        )
                    if cleaned != v:
                        report.add("respelled", f"{key} ({prop.type.name})", f"{v!r} -> {cleaned!r}")
            for name in schema.required:
                if not proxy.get(name):
                    report.add("missing_required", f"{schema.name}.{name}", eid)
    for eid, n in ids.items():
        if n > 1:
            report.add("duplicate_id", "id", f"{eid!r} x{n}")
    for eid, key, target in refs:
        if target not in ids:
            report.add("dangling", key, f"{eid} -> {target}")

    print(
        f"followthemoney {followthemoney.__version__}: {entities} entities, {values} values "
        f"in {path}"
    )
    report.show("bad_id", "ids outside FtM's pattern")
    report.show("duplicate_id", "ids on more than one line")
    report.show("bad_schema", "unknown or abstract schemata")
    report.show("refused", "entities FtM refuses")
    report.show("dropped", "values dropped")
    report.show("missing_required", "required properties missing")
    report.show("dangling", "references to no entity of the file")
    report.show("too_long", "values over their type's max_length (kept; not a failure)")
    report.show("respelled", "values FtM keeps in its own spelling (not a failure)")
    failures = {
        kind: report.total(kind)
        for kind in (
            "bad_id",
            "duplicate_id",
            "bad_schema",
            "refused",
            "dropped",
            "missing_required",
            "dangling",
        )
    }
    print(
        f"SUMMARY entities={entities} values={values} "
        + " ".join(f"{k}={v}" for k, v in failures.items())
        + f" too_long={report.total('too_long')} respelled={report.total('respelled')}"
    )
    return 1 if any(failures.values()) else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: contract_ftm.py EXPORT.ftm.json")
    sys.exit(check(sys.argv[1]))
