"""Precision of the normalisers on the labelled set (tests/data/labelled.jsonl), per field.

Each row is a raw value and the value a person expects. Rows marked ``from`` come from the golden
items of the fixture sites (reviewed output: a regression check); the others are independent
real-world strings. Prints, per field: rows, correct, accuracy, and precision (the share of
non-null answers that are right: a wrong value is worse than none).

Rows with a ``batch`` were added together and measured once, before any rule was changed for
them: ``--batch NAME`` prints that batch alone (its first run is the unbiased figure).

Rows with an ``item`` are whole raw items (title, platform codes, flags, description): they go
through :func:`jobcrawler.normalize.normalize_item`, as a crawl does, and the field is read from its
output; these measure precedence between sources and values read from the description (salary).

A held-out set (a file of its own, ``--data FILE``) is written like a batch but scored only once, at
the end of the work it measures: nobody looks at its errors while fixing. Once scored it joins the
labelled set as a batch of its own (``2026-11-25-places-heldout``).

Run: ``python scripts/precision.py [--show-errors] [--batch NAME] [--data FILE]``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jobcrawler.normalize import (  # noqa: E402
    contracts,
    dates,
    experience,
    languages,
    normalize_item,
    places,
    salary,
)

DATA = ROOT / "tests" / "data" / "labelled.jsonl"


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


#: The crawl time of item rows (their dates are not measured).
ITEM_NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def _salary(s: dict[str, Any] | None) -> Any:
    return [_number(s["min"]), _number(s["max"]), s["currency"], s["period"]] if s else None


def predict(row: dict[str, Any]) -> Any:
    field, raw = row["field"], row["raw"]
    if "item" in row:
        value = normalize_item(row["item"], now=ITEM_NOW)[field]
        return _salary(value) if field == "salary" else value
    context = row.get("context", {})
    if field == "date":
        value = dates.parse_date(raw, dates.parse_datetime_utc(context.get("crawled_at")))
        return value.isoformat() if value else None
    if field == "start_asap":
        return dates.is_asap(raw)
    if field == "locations":
        return [f"{loc['city'] or ''}|{loc['province_code'] or ''}|{loc['region_code'] or ''}|"
                f"{loc['country_code'] or ''}" for loc in places.parse_locations(raw, context.get("country_hint"))]
    if field == "duration":
        return list(contracts.duration(raw))
    if field == "salary":
        return _salary(salary.parse_salary(raw))
    function = {"contract_type": contracts.contract_type, "working_time": contracts.working_time,
                "hours_per_week": contracts.hours_per_week, "remote": contracts.remote,
                "languages_required": languages.languages_required,
                "ad_language": languages.ad_language,
                "experience_years_min": experience.experience_years_min}[field]
    return function(raw)


def empty(value: Any) -> bool:
    return value in (None, [], False, [None, None])


def measure(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = defaultdict(lambda: {"rows": 0, "correct": 0,
                                                              "answered": 0, "right_answers": 0,
                                                              "errors": []})
    for row in rows:
        got = predict(row)
        r = results[row["field"]]
        r["rows"] += 1
        ok = got == row["expected"]
        r["correct"] += ok
        if not empty(got):
            r["answered"] += 1
            r["right_answers"] += ok
        if not ok:
            r["errors"].append((row["raw"][:70], row["expected"], got))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--batch", help="only the rows of this batch (e.g. 2026-11-25)")
    parser.add_argument("--data", type=Path, default=DATA,
                        help="another labelled file, e.g. a held-out set")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()]
    if args.batch:
        rows = [r for r in rows if r.get("batch") == args.batch]
    print(f"{len(rows)} labelled values ({sum('from' not in r for r in rows)} independent, "
          f"{sum('from' in r for r in rows)} from the fixtures' golden items)")
    print(f"{'field':22} {'rows':>5} {'correct':>8} {'accuracy':>9} {'precision':>10}")
    for field, r in sorted(measure(rows).items()):
        precision = r["right_answers"] / r["answered"] if r["answered"] else 1.0
        print(f"{field:22} {r['rows']:5} {r['correct']:8} {r['correct'] / r['rows']:9.1%} "
              f"{precision:10.1%}")
        if args.show_errors:
            for raw, expected, got in r["errors"]:
                print(f"    {raw!r}: expected {expected!r}, got {got!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
