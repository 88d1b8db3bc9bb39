"""Checks a running `sanctum serve` against yente's own response models (run by
contract-yente.sh).

A client built on yente's models (the OpenSanctions clients, Marble, anything generated from
yente's pydantic classes) parses each answer with `Model.model_validate(json)`. This script
calls the yente-compatible endpoints as such a client would and validates each answer with
the model yente itself answers with:

- `POST /match/default`            yente.data.common.EntityMatchResponse
- `GET  /search/default?q=`        yente.data.common.SearchResponse
- `GET  /entities/{id}` (nested, and `nested=false`)
                                   yente.data.common.EntityResponse
- `GET  /catalog`                  yente.data.common.DataCatalogModel
- `GET  /algorithms`               yente.data.common.AlgorithmResponse

Beyond the models it checks what the models allow but a yente client relies on: match
results carry per-feature explanations, nested entities (sanctions, addresses,
identifications) are whole entities, `first_seen`/`last_seen`/`last_change` are set from the
version store, and an `algorithm` the server names in `/algorithms` is accepted by `/match`.

Exits 1 naming the first failure (endpoint, model, pydantic's error). Usage:
    python contract_yente.py BASE_URL API_KEY
"""

import json
import sys
from importlib.metadata import version
import urllib.error
import urllib.parse
import urllib.request

from pydantic import ValidationError

from yente.data.common import (
    AlgorithmResponse,
    DataCatalogModel,
    EntityMatchResponse,
    EntityResponse,
    SearchResponse,
)

# Names listed by the UN and OFAC lists contract-yente.sh loads, and one that is nowhere.
MATCH_QUERIES = {
    "person": {
        "schema": "Person",
        "properties": {"name": ["Vladimir Putin"], "birthDate": ["1952-10-07"], "nationality": ["ru"]},
    },
    "un_person": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}},
    "company": {
        "schema": "Company",
        "properties": {"name": ["Sberbank"], "jurisdiction": ["ru"]},
    },
    "nobody": {"schema": "Person", "properties": {"name": ["Zebulon Quaxworth"]}},
}
SEARCH_QUERIES = ["putin", "al-qaida", "bank"]


class ContractFailure(Exception):
    pass


class Client:
    def __init__(self, base, key):
        self.base = base.rstrip("/")
        self.key = key

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"ApiKey {self.key}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as e:
            text = e.read().decode(errors="replace")[:500]
            raise ContractFailure(f"{method} {path}: HTTP {e.code}: {text}") from None

    def get(self, path):
        return self.call("GET", path)[1]

    def post(self, path, body):
        return self.call("POST", path, body)[1]


def validate(what, model, data):
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ContractFailure(f"{what}: yente's {model.__name__} rejects the answer:\n{e}") from None


def check(condition, message):
    if not condition:
        raise ContractFailure(message)


def nested_entities(entity):
    for values in entity.properties.values():
        for value in values:
            if isinstance(value, EntityResponse):
                yield value
                yield from nested_entities(value)


def run(client):
    counts = {}

    algorithms = validate("GET /algorithms", AlgorithmResponse, client.get("/algorithms"))
    names = [a.name for a in algorithms.algorithms]
    check(algorithms.default in names, f"/algorithms: default {algorithms.default!r} not in {names}")
    check(algorithms.best in names, f"/algorithms: best {algorithms.best!r} not in {names}")
    counts["algorithms"] = len(names)

    catalog = validate("GET /catalog", DataCatalogModel, client.get("/catalog"))
    check("default" in catalog.current, f"/catalog: 'default' not current: {catalog.current}")
    counts["datasets"] = len(catalog.datasets)

    entity_ids = []
    for algorithm in names:
        path = f"/match/default?algorithm={urllib.parse.quote(algorithm)}&threshold=0.7"
        raw = client.post(path, {"queries": MATCH_QUERIES})
        matched = validate(f"POST {path}", EntityMatchResponse, raw)
        check(set(matched.responses) == set(MATCH_QUERIES), f"POST {path}: responses {list(matched.responses)}")
        for name, response in matched.responses.items():
            for result in response.results:
                check(result.explanations, f"POST {path}: result {result.id} of {name} has no explanations")
                check(result.first_seen is not None and result.last_change is not None,
                      f"POST {path}: result {result.id} of {name} lacks first_seen/last_change")
                entity_ids.append(result.id)
        check(matched.responses["person"].results, f"POST {path}: nothing found for {MATCH_QUERIES['person']}")
        counts["match results"] = counts.get("match results", 0) + sum(len(r.results) for r in matched.responses.values())

    for q in SEARCH_QUERIES:
        path = "/search/default?" + urllib.parse.urlencode({"q": q, "limit": 20})
        found = validate(f"GET {path}", SearchResponse, client.get(path))
        entity_ids.extend(r.id for r in found.results)
        counts["search results"] = counts.get("search results", 0) + len(found.results)

    nested_count = 0
    for entity_id in list(dict.fromkeys(entity_ids))[:40]:
        for suffix in ("", "?nested=false"):
            path = f"/entities/{urllib.parse.quote(entity_id)}{suffix}"
            entity = validate(f"GET {path}", EntityResponse, client.get(path))
            check(entity.id == entity_id, f"GET {path}: id {entity.id}")
            for sub in nested_entities(entity):
                check(sub.caption, f"GET {path}: nested {sub.id} has no caption")
                check(sub.datasets, f"GET {path}: nested {sub.id} has no datasets")
                nested_count += 1
        counts["entities"] = counts.get("entities", 0) + 1
    counts["nested entities"] = nested_count
    check(counts.get("entities"), "no entity found to fetch")
    return counts


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    client = Client(sys.argv[1], sys.argv[2])
    try:
        counts = run(client)
    except ContractFailure as e:
        print(f"contract-yente: FAIL: {e}", file=sys.stderr)
        sys.exit(1)
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    print(f"contract-yente: every answer valid under yente {version('yente')}'s models ({summary})")


if __name__ == "__main__":
    main()
