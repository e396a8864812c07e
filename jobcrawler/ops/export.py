"""Export of stored ads: JSON Lines in the public (nested) export schema, or a flat table for
spreadsheets (CSV, Excel-flavoured CSV, xlsx) with one row per ad."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import Engine, exists, select

from jobcrawler.ops.placenames import location_label, place_name
from jobcrawler.storage.db import session_factory
from jobcrawler.storage.models import Cluster, Job, JobLocation
from jobcrawler.storage.records import EXPORT_FIELDS, ad_record, json_number

#: ``export --unique``: one row per duplicate cluster (its canonical ad), with its copies and sources.
UNIQUE_FIELDS = (*EXPORT_FIELDS, "copies", "sources")
#: The first location, flattened (added to every record; in the flat table instead of ``locations``).
LOCATION_COLUMNS = ("city", "municipality", "postcode", "province_code", "province_name", "region_code",
                    "region_name", "country_code", "all_locations")
#: The salary, flattened (added to every record; in the flat table instead of ``salary``).
SALARY_COLUMNS = ("salary_min", "salary_max", "salary_currency", "salary_period", "salary_raw")
#: Values that are in the nested schema but read as their own columns in a spreadsheet.
_FLATTENED = {"locations": LOCATION_COLUMNS, "salary": SALARY_COLUMNS}


def job_record(job: Job, canonical_job_id: int | None = None, names: str = "en") -> dict[str, Any]:
    """One ad as an export object (``canonical_job_id``: its cluster's canonical ad): the nested
    schema (:func:`jobcrawler.storage.records.ad_record`), then the flat location and salary
    columns (province and region names in ``names``: en, nl, fr or de)."""
    record = ad_record(job, canonical_job_id)
    record.update(flat_location(record["locations"], names))
    record.update(salary_min=json_number(job.salary_min), salary_max=json_number(job.salary_max),
                  salary_currency=job.salary_currency, salary_period=job.salary_period,
                  salary_raw=job.salary_raw)
    return record


def flat_location(locations: list[dict[str, Any]], names: str = "en") -> dict[str, Any]:
    """The first location's columns, its province and region names, and every location as text."""
    first = locations[0] if locations else {}
    flat = {key: first.get(key) for key in LOCATION_COLUMNS}
    flat["province_name"] = place_name(first.get("province_code"), names)
    flat["region_name"] = place_name(first.get("region_code"), names)
    labels = [label for loc in locations if (label := location_label(loc, names))]
    flat["all_locations"] = "; ".join(dict.fromkeys(labels)) or None
    return flat


def flat_fields(extra: Iterable[str] = (), base: Iterable[str] = EXPORT_FIELDS) -> list[str]:
    """The columns of the flat table: ``base`` (the export schema) with ``locations`` and
    ``salary`` spread into their columns, then any ``extra`` record keys (columns other features
    add)."""
    fields: list[str] = []
    for name in base:
        fields.extend(_FLATTENED.get(name, (name,)))
    return fields + [k for k in extra if k not in fields and k not in _FLATTENED]


def iter_jobs(engine: Engine, status: str = "open", since: date | None = None,
              source: str | None = None, country: str | None = None, province: str | None = None,
              region: str | None = None, names: str = "en") -> Iterator[dict[str, Any]]:
    """Export objects of the ads matching the filters, ordered by source and id.

    ``country``, ``province`` and ``region`` (ISO codes) match any of an ad's locations.
    """
    query = _filtered(select(Job, Cluster.canonical_job_id), status, since, source, country,
                      province, region)
    with session_factory(engine)() as session:
        rows = session.execute(query.order_by(Job.source, Job.source_id)
                               .execution_options(yield_per=1000))
        for job, canonical in rows:
            yield job_record(job, canonical, names)


def iter_unique(engine: Engine, status: str = "open", since: date | None = None,
                source: str | None = None, country: str | None = None, province: str | None = None,
                region: str | None = None, names: str = "en") -> Iterator[dict[str, Any]]:
    """One export object per duplicate cluster among the ads matching the filters: its canonical
    ad (else its earliest matching ad) with ``copies`` (matching ads in the cluster) and
    ``sources``. Ads not clustered yet (``jobcrawler dedup``) are a cluster each."""
    query = _filtered(select(Job, Cluster.canonical_job_id), status, since, source, country,
                      province, region)
    query = query.order_by(Job.cluster_id, Job.first_seen, Job.id).execution_options(yield_per=1000)
    with session_factory(engine)() as session:
        group: list[tuple[Job, int | None]] = []
        for job, canonical in session.execute(query):
            if group and (job.cluster_id is None or job.cluster_id != group[0][0].cluster_id):
                yield _unique_record(group, names)
                group = []
            group.append((job, canonical))
        if group:
            yield _unique_record(group, names)


def _unique_record(group: list[tuple[Job, int | None]], names: str = "en") -> dict[str, Any]:
    canonical = group[0][1]
    job = next((j for j, _ in group if j.id == canonical), group[0][0])
    record = job_record(job, canonical, names)
    record["copies"] = len(group)
    record["sources"] = sorted({j.source for j, _ in group})
    return record


def _filtered(query: Any, status: str, since: date | None, source: str | None,
              country: str | None, province: str | None = None, region: str | None = None) -> Any:
    query = query.outerjoin(Cluster, Cluster.id == Job.cluster_id)
    if status != "all":
        query = query.where(Job.status == status)
    if since:
        query = query.where(Job.first_seen >= datetime(since.year, since.month, since.day,
                                                       tzinfo=UTC))
    if source:
        query = query.where(Job.source == source)
    for column, value in ((JobLocation.country_code, country), (JobLocation.province_code, province),
                          (JobLocation.region_code, region)):
        if value:  # any of the ad's locations (job_locations)
            query = query.where(exists().where(JobLocation.job_id == Job.id,
                                               column == value.strip().upper()))
    return query


#: Characters that make a spreadsheet read a text cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
#: The longest text a spreadsheet cell holds (Excel and LibreOffice: 32,767 characters).
CELL_MAX = 32_767


def safe_text(value: str) -> str:
    """A text cell safe to open in a spreadsheet: on one line, and never read as a formula."""
    value = _LINE_BREAKS.sub(" ", value)
    if value.startswith(FORMULA_START):
        value = "'" + value
    return value[:CELL_MAX]


def _cell_time(value: str) -> str:
    """"2026-11-20T10:00:00Z" -> "2026-11-20 10:00:00" (UTC), which spreadsheets read as a time."""
    return value.replace("T", " ").removesuffix("Z")


_TIMES = ("first_seen", "last_seen", "closed_at")


def flat_row(record: dict[str, Any], decimal_comma: bool = False) -> dict[str, Any]:
    """One record as spreadsheet cells: lists joined with ``;``, booleans ``true``/``false``,
    numbers as numbers (with a decimal comma for Excel in Belgium/France/Netherlands), text made
    safe (:func:`safe_text`)."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        if key in _FLATTENED:
            continue
        if value is None:
            row[key] = None
        elif isinstance(value, bool):
            row[key] = "true" if value else "false"
        elif isinstance(value, int | float | Decimal):
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # 38.0 hours is 38
            row[key] = str(value).replace(".", ",") if decimal_comma else value
        elif isinstance(value, list):
            row[key] = safe_text(";".join(str(v) for v in value)) if value else None
        elif isinstance(value, dict):
            row[key] = safe_text(json.dumps(value, ensure_ascii=False))
        elif key in _TIMES:
            row[key] = _cell_time(value)
        else:
            row[key] = safe_text(str(value))
    return row


def write_export(records: Iterator[dict[str, Any]], out: IO[str], fmt: str = "jsonl",
                 fields: Iterable[str] = EXPORT_FIELDS, excel: bool = False) -> int:
    """Write records as JSON Lines (the nested schema) or as a flat CSV, one line per ad;
    ``excel`` gives the CSV that Excel on a Belgian, French or Dutch machine opens in columns
    (UTF-8 byte order mark, ``;`` between cells, decimal commas)."""
    count = 0
    if fmt == "csv":
        first = next(records, None)
        columns = flat_fields(first or (), fields)
        if excel:
            out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=columns, delimiter=";" if excel else ",",
                                extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        if first is None:
            return 0
        for record in _chain(first, records):
            writer.writerow(flat_row(record, decimal_comma=excel))
            count += 1
        return count
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def write_xlsx(records: Iterator[dict[str, Any]], path: str, fields: Iterable[str] = EXPORT_FIELDS) -> int:
    """Write records as an xlsx workbook (xlsxwriter): one row per ad, numbers as numbers,
    days and times as dates, booleans as booleans, text never read as a formula or a link."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_urls": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("ads")
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    first = next(records, None)
    columns = flat_fields(first or (), fields)
    sheet.write_row(0, 0, columns, bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, record in enumerate(_chain(first, records) if first else (), start=1):
        for col, key in enumerate(columns):
            value = record.get(key)
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(count, col, value)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(count, col, float(value))
            elif key in _TIMES:
                sheet.write_datetime(count, col, datetime.fromisoformat(value).replace(tzinfo=None), moment)
            elif key in _DAYS and _DAY.fullmatch(value):
                sheet.write_datetime(count, col, datetime.fromisoformat(value), day)
            elif isinstance(value, list):
                sheet.write_string(count, col, ";".join(str(v) for v in value)[:CELL_MAX])
            elif isinstance(value, dict):
                sheet.write_string(count, col, json.dumps(value, ensure_ascii=False)[:CELL_MAX])
            else:
                sheet.write_string(count, col, str(value)[:CELL_MAX])
    workbook.close()
    return count


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAYS = ("date_posted", "valid_through", "start_date")
