"""Many sites in one ``jobcrawler crawl``: wall time, peak memory and tracebacks by registry size.

A local server answers for N sites at once, each on its own loopback address (127.0.x.y, one port),
each with a sitemap and ``--ads`` JobPosting pages (the careers-site benchmark's pages). A registry
of N ``jsonld`` sites is written and ``jobcrawler crawl`` runs it in a subprocess with the politeness
delays off; the script prints one line per size: wall time, the crawl's peak RSS, ads stored, sites
ok, and the tracebacks in its output; then the peak of its memory (sampled each second) in each
stage of the run: crawling, clustering the new ads, recording the run, printing the summary.

Run: ``python benchmarks/many_sites.py --sizes 100,1000,10000 --ads 5`` from the repository root
(``--serve N`` only serves N sites and prints their base URLs' address range).
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
#: Delays off, robots.txt still read (one request per site more, as in a real crawl).
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "INFO",
        "MEMUSAGE_CHECK_INTERVAL_SECONDS": 1}


def address(k: int) -> str:
    """The loopback address of site ``k`` (0-based): 127.0.1.1, 127.0.1.2, ... 250 per /24."""
    return f"127.0.{1 + k // 250}.{1 + k % 250}"


def serve(sites: int, ads: int, port: int) -> None:
    """Serve ``sites`` sites of ``ads`` pages each until killed; prints the port when listening."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from careers_site import job_page
    from twisted.internet import reactor
    from twisted.web import resource, server

    class Site(resource.Resource):
        isLeaf = True

        def render_GET(self, request: server.Request) -> bytes:
            host = request.getHost()
            a, b = (int(part) for part in host.host.split(".")[2:])
            k = (a - 1) * 250 + (b - 1)
            path = request.path.decode()
            if path == "/sitemap.xml":
                request.setHeader(b"Content-Type", b"application/xml")
                urls = "".join(f"<url><loc>http://{host.host}:{host.port}/job/{i}/</loc>"
                               f"<lastmod>2025-11-01</lastmod></url>" for i in range(ads))
                return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                        f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()
            match = re.fullmatch(r"/job/(\d+)/", path)
            if match and int(match[1]) < ads:
                request.setHeader(b"Content-Type", b"text/html; charset=utf-8")
                return job_page(k * ads + int(match[1]))
            request.setResponseCode(404)
            return b"not found"

    factory = server.Site(Site())
    factory.log = lambda _request: None  # no access log
    chosen = port
    for k in range(sites):
        listening = reactor.listenTCP(chosen, factory, interface=address(k))
        chosen = listening.getHost().port  # the first address picks a free port, the rest share it
    print(chosen, flush=True)
    reactor.run()


@contextmanager
def server(sites: int, ads: int) -> Iterator[int]:
    """A server subprocess for ``sites`` sites; yields its port."""
    proc = subprocess.Popen([PY, __file__, "--serve", str(sites), "--ads", str(ads)],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        if not line.isdigit():
            raise RuntimeError(f"the site server did not start ({line!r})")
        yield int(line)
    finally:
        proc.kill()
        proc.wait()


def write_registry(path: Path, sites: int, port: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for k in range(sites):
            out.write(f'[sites.s{k:05d}]\nplatform = "jsonld"\n'
                      f'url = "http://{address(k)}:{port}/sitemap.xml"\n')


def crawl(sites_file: Path, db: str, workdir: Path, settings: dict | None = None,
          extra_args: list[str] | None = None) -> dict:
    """Run ``jobcrawler crawl`` on the registry; wall time, peak RSS (MB) and its output."""
    args = [PY, "-m", "jobcrawler", "crawl", "--sites", str(sites_file), "--db", db,
            "--log-file", str(workdir / "crawl.log"), *(extra_args or [])]
    for key, value in {**FAST, **(settings or {})}.items():
        args += ["-s", f"{key}={value}"]
    started = time.monotonic()
    with open(workdir / "stdout.txt", "w") as out, open(workdir / "stderr.txt", "w") as err:
        # the project's settings wherever the crawl runs (the registry's folder has no scrapy.cfg)
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "jobcrawler.settings"}
        proc = subprocess.Popen(args, cwd=workdir, stdout=out, stderr=err, env=env)
        status, usage, samples = _wait_sampling(proc.pid)
    wall = time.monotonic() - started
    stdout = (workdir / "stdout.txt").read_text()
    log = (workdir / "crawl.log").read_text()
    output = stdout + (workdir / "stderr.txt").read_text() + log
    return {"wall": wall, "peak_mb": usage.ru_maxrss / 1024, "exit": os.waitstatus_to_exitcode(status),
            "stages": stage_peaks(samples, log), "samples": samples,
            "tracebacks": output.count("Traceback (most recent call last)"),
            "already_called": output.count("AlreadyCalledError"),
            "sites_ok": sum(1 for line in stdout.splitlines() if line.endswith("  ok")),
            "stdout": stdout}


def _wait_sampling(pid: int) -> tuple[int, os.struct_rusage, list[tuple[float, float]]]:
    """Wait for ``pid``, reading its resident memory (MB) every second: (wall clock, MB) pairs."""
    samples: list[tuple[float, float]] = []
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage, samples
        try:
            with open(f"/proc/{pid}/status") as f:
                rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
            samples.append((time.time(), rss / 1024))
        except (OSError, StopIteration):
            pass
        time.sleep(1)


#: The log lines that end each stage of a run (jobcrawler.ops.runner, jobcrawler.dedup.store).
STAGE_ENDS = (("crawling", r"INFO: Run \d+: every site's crawl has ended"),
              ("clustering", r"INFO: Clustered \d+ ad"), ("recording", r"INFO: Run \d+ recorded$"))


def stage_peaks(samples: list[tuple[float, float]], log: str) -> dict[str, float]:
    """The highest sampled memory (MB) in each stage of the run, cut where the log says each ended
    (``summary``: after the run was recorded, until the process exited)."""
    ends = []
    for stage, marker in STAGE_ENDS:
        line = next((line for line in log.splitlines() if re.search(marker, line)), None)
        if line is not None:  # "2026-11-25 16:12:32,871 [logger] INFO: ..." in local time
            when = time.mktime(time.strptime(line[:19], "%Y-%m-%d %H:%M:%S")) + int(line[20:23]) / 1000
            ends.append((stage, when))
    peaks: dict[str, float] = {}
    for at, mb in samples:
        stage = next((name for name, end in ends if at <= end), "summary")
        peaks[stage] = max(peaks.get(stage, 0.0), mb)
    return peaks


def stored_ads(db_path: Path) -> int:
    with sqlite3.connect(db_path) as con:
        return con.execute("SELECT count(*) FROM jobs").fetchone()[0]


def run_size(sites: int, ads: int, at_once: int | None, polite: bool = False,
             extra: dict[str, str] | None = None, keep: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="many-sites-") as tmp, server(sites, ads) as port:
        workdir = Path(tmp)
        if keep is not None:  # the registry, database, log and output stay there
            workdir = keep / str(sites)
            workdir.mkdir(parents=True, exist_ok=True)
        write_registry(workdir / "sites.toml", sites, port)
        settings: dict = {"JOBCRAWLER_SITES_AT_ONCE": at_once} if at_once else {}
        settings.update(extra or {})
        if polite:  # the shipped delays and AutoThrottle instead of FAST's
            settings.update(DOWNLOAD_DELAY=0.5, AUTOTHROTTLE_ENABLED=True)
        result = crawl(workdir / "sites.toml", f"sqlite:///{workdir / 'bench.db'}", workdir, settings)
        result["ads"] = stored_ads(workdir / "bench.db")
        if result["exit"] not in (0, 1) or os.environ.get("MANY_SITES_DEBUG"):
            print(result["stdout"][-2000:], file=sys.stderr)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="registry sizes, comma-separated")
    parser.add_argument("--ads", type=int, default=5, help="job pages per site")
    parser.add_argument("--sites-at-once", type=int, help="JOBCRAWLER_SITES_AT_ONCE (default: its default)")
    parser.add_argument("--polite", action="store_true", help="keep the shipped delays (AutoThrottle)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the crawl, e.g. -s JOBCRAWLER_DEDUP=False")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep each size's registry, database and log in DIR/SIZE")
    parser.add_argument("--rss", metavar="FILE", help="append the memory samples (size, time, MB)")
    parser.add_argument("--serve", type=int, metavar="N", help="only serve N sites (for manual runs)")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.ads, 0)
        return
    print(f"sites at once: {args.sites_at_once or 'default'}; delays: {'on' if args.polite else 'off'}"
          + "".join(f"; {assignment}" for assignment in args.set))
    print(f"{'sites':>6} {'ads/site':>8} {'wall s':>8} {'peak MB':>8} {'ads stored':>10} "
          f"{'sites ok':>8} {'tracebacks':>10} {'exit':>4}")
    for size in (int(s) for s in args.sizes.split(",")):
        extra = dict(assignment.split("=", 1) for assignment in args.set)
        r = run_size(size, args.ads, args.sites_at_once, args.polite, extra, args.keep)
        print(f"{size:>6} {args.ads:>8} {r['wall']:>8.1f} {r['peak_mb']:>8.0f} {r['ads']:>10} "
              f"{r['sites_ok']:>8} {r['tracebacks']:>10} {r['exit']:>4}", flush=True)
        stages = ", ".join(f"{stage} {mb:.0f}" for stage, mb in r["stages"].items())
        print(f"{'':>6} peak MB by stage (sampled each second): {stages}", flush=True)
        if args.rss:
            with open(args.rss, "a") as out:
                out.writelines(f"{size}\t{at:.1f}\t{mb:.1f}\n" for at, mb in r["samples"])


if __name__ == "__main__":
    main()
