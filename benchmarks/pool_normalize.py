"""Does normalising in a process pool lift one crawl's throughput? Pages/s of one site's crawl.

Crawls the local careers site (``careers_site.py``, N job pages) with: the bare Scrapy spider (the
ceiling), jobcrawler as shipped (normalisation in the crawl's own process), and jobcrawler with
:class:`PoolNormalizePipeline` in place of the normalise pipeline (``normalize_item`` in a
``ProcessPoolExecutor`` of 1 or 2 workers, awaited from the asyncio reactor). Rounds alternate;
each figure is the median. Delays off, SQLite, as ``run.py``'s pipeline figure.

Run: ``python benchmarks/pool_normalize.py --jobs 2000 --rounds 3`` from the repository root.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter

from jobcrawler.items import SeenAd
from jobcrawler.normalize import normalize_item


def _normalize(values: dict[str, Any]) -> dict[str, Any]:
    return normalize_item(values)


class PoolNormalizePipeline:
    """The normalise pipeline with ``normalize_item`` run in a process pool
    (``JOBCRAWLER_NORMALIZE_WORKERS`` processes)."""

    def __init__(self, workers: int, stats: Any) -> None:
        self.executor = ProcessPoolExecutor(max_workers=workers)
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> PoolNormalizePipeline:
        return cls(crawler.settings.getint("JOBCRAWLER_NORMALIZE_WORKERS", 2), crawler.stats)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, SeenAd):
            return item
        adapter = ItemAdapter(item)
        future = self.executor.submit(_normalize, dict(adapter))
        for key, value in (await asyncio.wrap_future(future)).items():
            adapter[key] = value
        self.stats.inc_value("jobcrawler/normalize/pooled")
        return item

    def close_spider(self) -> None:
        self.executor.shutdown()


PIPELINES = {"jobcrawler.pipelines.ExtractPipeline": 50, "jobcrawler.pipelines.ValidatePipeline": 100,
             "pool_normalize.PoolNormalizePipeline": 300, "jobcrawler.pipelines.ScopePipeline": 400,
             "jobcrawler.pipelines.StorePipeline": 800}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    bench = Path(__file__).resolve().parent
    sys.path.insert(0, str(bench))
    os.environ["PYTHONPATH"] = os.pathsep.join([str(bench), os.environ.get("PYTHONPATH", "")])
    from run import crawl_bare, crawl_jobcrawler, free_port, pages_per_s, site

    kinds = {"bare Scrapy": None, "jobcrawler (normalise in-process)": {},
             "jobcrawler, pool of 1": {"ITEM_PIPELINES": PIPELINES, "JOBCRAWLER_NORMALIZE_WORKERS": 1},
             "jobcrawler, pool of 2": {"ITEM_PIPELINES": PIPELINES, "JOBCRAWLER_NORMALIZE_WORKERS": 2}}
    figures: dict[str, list[float]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory() as tmp, site(args.jobs, free_port()) as url:
        for r in range(args.rounds):
            for kind, extra in kinds.items():
                if extra is None:
                    stats = crawl_bare(url, Path(tmp))
                else:
                    if "ITEM_PIPELINES" in extra:
                        extra = {**extra, "ITEM_PIPELINES": repr(extra["ITEM_PIPELINES"]).replace("'", '"')}
                    stats = crawl_jobcrawler(url, Path(tmp) / f"{r}-{len(figures[kind])}-{hash(kind)}.db",
                                             extra)
                if extra and "ITEM_PIPELINES" in extra:
                    assert stats.get("jobcrawler/normalize/pooled"), "the pool pipeline did not run"
                figures[kind].append(pages_per_s(stats))
    bare = statistics.median(figures["bare Scrapy"])
    print(f"{'crawl of ' + str(args.jobs) + ' pages':40} {'pages/s':>8} {'/ bare':>7}  rounds")
    for kind, values in figures.items():
        median = statistics.median(values)
        print(f"{kind:40} {median:>8.0f} {median / bare:>7.2f}  {', '.join(f'{v:.0f}' for v in values)}")
    print(f"(machine: {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
