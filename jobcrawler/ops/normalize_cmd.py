"""``jobcrawler normalize``: raw items as JSON Lines in, normalised export objects out."""

from __future__ import annotations

import json
from typing import IO, Any

from jobcrawler.normalize import normalize_item
from jobcrawler.storage.upsert import jsonable
from jobcrawler.text import writable_value

#: Input keys of the normalize command that map to item raw fields.
INPUT_ALIASES = {"location_raw": "location_raw", "country": "country_hint",
                 "language": "language_hint"}


def normalize_record(raw: dict[str, Any]) -> dict[str, Any]:
    """One raw object -> the object with its normalised fields (other keys pass through)."""
    raw = writable_value(raw)  # no lone surrogate (a "\\ud800" escape) may reach the output
    item = dict(raw)
    for key, target in INPUT_ALIASES.items():
        if key in raw and target not in raw:
            item[target] = raw[key]
    values = normalize_item(item)
    out = {**raw, **values}
    if isinstance(out.get("salary"), dict):
        out["salary"] = {k: (float(v) if k in ("min", "max") and v is not None else v)
                         for k, v in out["salary"].items()}
    return jsonable(out)


def normalize_stream(lines: IO[str], out: IO[str]) -> int:
    """Normalise every line; a line that is not a JSON object gives an error object. Exit status
    1 if any line failed."""
    failed = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
            result: dict[str, Any] = normalize_record(raw)
        except ValueError as exc:
            failed = True
            result = {"error": f"invalid input: {exc}", "line": number}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return 1 if failed else 0


def cmd_normalize(args: Any) -> int:
    """JSON Lines of raw items on stdin -> one normalised object per line on stdout."""
    import sys

    return normalize_stream(sys.stdin, sys.stdout)
