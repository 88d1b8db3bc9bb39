"""Shared helpers for the peer benchmarks: loading sanctum's FtM export into
nomenklatura, building its candidate index, and turning a query into an FtM entity.

Ids: sanctum's entity id with its first ':' replaced by '-' is the FtM id
("ca_sema:belarus/1-part-1.1/1" -> "ca_sema-belarus/1-part-1.1/1").
"""

import json
import logging
import resource
import sys
import tempfile
import time
from pathlib import Path

from followthemoney import Dataset, StatementEntity
from nomenklatura.blocker import Index
from nomenklatura.matching import LogicV2
from nomenklatura.resolver import Linker
from nomenklatura.store import MemoryStore

# nomenklatura ships no default match threshold; yente (the OpenSanctions API that
# runs logic-v2) alerts at SCORE_THRESHOLD = 0.70. Sanctum's default is 0.80.
NK_THRESHOLD = 0.70
SANCTUM_THRESHOLD = 0.80

# Party kinds as sanctum writes them (deck "kind", customer "kind") -> FtM schema.
SCHEMA = {
    "person": "Person",
    "organization": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}
# The schemata of listed parties (the rest of the export are sub-entities).
PARTY_SCHEMATA = {"Person", "Organization", "LegalEntity", "Vessel", "Airplane"}
GENDER = {"m": "male", "f": "female", "male": "male", "female": "female"}
DATASET = Dataset.make({"name": "sanctum", "title": "sanctum"})

log = logging.getLogger("peers")


def die(msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(2)


def need_file(path, what):
    if not Path(path).is_file():
        die(f"{what} not found: {path}")


def ftm_id(sanctum_id):
    return sanctum_id.replace(":", "-", 1)


def max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


class Peer:
    """The FtM export in a nomenklatura memory store, its blocking index, and the
    listed parties as entities (pre-assembled, so scoring does not re-assemble them)."""

    def __init__(self, ftm_path, build_index=True):
        t = time.perf_counter()
        self.store = MemoryStore(DATASET, Linker({}))
        with self.store.writer() as writer, open(ftm_path, "rb") as fh:
            for line in fh:
                data = json.loads(line)
                for name in data.get("datasets", []):
                    if name not in DATASET.dataset_names:
                        DATASET.children.add(Dataset.make({"name": name}))
                writer.add_entity(StatementEntity.from_data(DATASET, data))
        self.view = self.store.default_view()
        self.parties = {
            e.id: e for e in self.view.entities() if e.schema.name in PARTY_SCHEMATA
        }
        self.load_seconds = time.perf_counter() - t
        self.index = None
        self.index_seconds = 0.0
        if build_index:
            t = time.perf_counter()
            self.index = Index(self.view, Path(tempfile.mkdtemp(prefix="nk-index-")))
            self.index.build()
            self.index_seconds = time.perf_counter() - t
        self.config = LogicV2.default_config()

    def score(self, query, party):
        return LogicV2.compare(query, party, self.config).score

    def candidates(self, queries):
        """One call of the blocker for a batch of queries: {query id: [party]}."""
        found = {q.id: [] for q in queries}
        for ident, matches in self.index.match_entities(queries):
            found[ident.id] = [
                self.parties[m.id] for m, _ in matches if m.id in self.parties
            ]
        return found

    def best(self, query, parties):
        """The best (score, party id) among parties, (0.0, None) when empty."""
        return max(
            ((self.score(query, p), p.id) for p in parties),
            default=(0.0, None),
            key=lambda x: x[0],
        )


def make_query(qid, kind, names, birth_dates=(), countries=(), gender=None, ids=()):
    """A query as an FtM entity; values are cleaned by FtM (bad dates are dropped)."""
    schema = SCHEMA.get(kind or "", "LegalEntity")
    props = {"name": [n for n in names if n]}
    if countries:
        props["country"] = list(countries)
    if schema == "Person":
        if birth_dates:
            props["birthDate"] = list(birth_dates)
        if gender in GENDER:
            props["gender"] = [GENDER[gender]]
    if ids:
        prop = "registrationNumber" if schema in ("Vessel", "Airplane") else "idNumber"
        props[prop] = list(ids)
    data = {"id": qid, "schema": schema, "properties": props}
    return StatementEntity.from_data(DATASET, data, cleaned=False)


def batched(items, n):
    for i in range(0, len(items), n):
        yield items[i : i + n]
