"""A local careers site for benchmarks: a sitemap and N job pages with JobPosting JSON-LD.

Pages are 10-30 KB, in Dutch, French or English, with realistic dates, places, contracts and
salaries, generated deterministically from the job number. ``--changed P`` gives a fraction P of
the jobs a newer ``lastmod`` (an incremental re-crawl must fetch exactly those). ``--faults F``
makes a fraction F of the job pages faulty, in turn: a 500, truncated HTML, invalid JSON-LD, an
empty 200, and a login page served as 200 (see :func:`faulty`).

Run: ``python benchmarks/careers_site.py --jobs 5000 --port 8765`` (prints its URL, serves 127.0.0.1 only).
"""

from __future__ import annotations

import argparse
import json
import random
import sys

from twisted.internet import reactor
from twisted.web import resource, server

CITIES = ["Gent", "Antwerpen", "Bruxelles", "Liège", "Leuven", "Namur", "Mechelen", "Kortrijk",
          "Hasselt", "Brugge", "Mons", "Charleroi", "Luxembourg", "Esch-sur-Alzette", "Wavre",
          "Groot-Bijgaarden", "Diegem", "Zaventem", "Aalst", "Arlon"]
TEXTS = {
    "nl": ("Wij zoeken een gemotiveerde {title} voor ons team in {city}. Je werkt in een "
           "dynamische omgeving met veel ruimte voor initiatief en groei. ",
           "Je spreekt vloeiend Nederlands en Engels. Minimum {years} jaar ervaring. ",
           "Vast contract, voltijds (38u/week). Verloning: € {low}.000 - € {high}.000 bruto per maand."),
    "fr": ("Nous recherchons un(e) {title} motivé(e) pour notre équipe à {city}. Vous travaillez "
           "dans un environnement dynamique avec beaucoup d'autonomie. ",
           "Vous parlez couramment le français et l'anglais. Au moins {years} ans d'expérience. ",
           "CDI, temps plein. Salaire : entre {low} 000 et {high} 000 € brut par mois."),
    "en": ("We are looking for a motivated {title} to join our team in {city}. You will work in "
           "a dynamic environment with plenty of room to grow. ",
           "Fluency in English and Dutch is required. At least {years} years of experience. ",
           "Permanent contract, full-time. Salary: €{low}k-€{high}k per year."),
}
TITLES = ["Data Engineer", "Boekhouder", "Comptable", "Sales Manager", "Lasser", "Infirmier",
          "Projectleider", "Développeur Java", "Logistiek medewerker", "HR Business Partner"]
DATES = {"nl": "{d} dagen geleden", "fr": "il y a {d} jours", "en": "2025-12-{d:02d}"}


def job_page(i: int) -> bytes:
    rng = random.Random(i)
    lang = ("nl", "fr", "en")[i % 3]
    intro, profile, offer = TEXTS[lang]
    values = {"title": TITLES[i % len(TITLES)], "city": CITIES[i % len(CITIES)],
              "years": rng.randint(1, 8), "low": rng.randint(3, 4), "high": rng.randint(5, 6)}
    if lang == "en":
        values["low"], values["high"] = rng.randint(40, 55), rng.randint(60, 80)
    filler = "<p>" + (intro.format(**values) * rng.randint(25, 70)) + "</p>"
    description = (f"<p>{intro.format(**values)}</p>{filler}<ul><li>{profile.format(**values)}"
                   f"</li><li>{offer.format(**values)}</li></ul>")
    posting = {
        "@context": "https://schema.org", "@type": "JobPosting",
        "title": f"{values['title']} ({i})", "description": description,
        "datePosted": f"2025-12-{1 + i % 28:02d}",
        "employmentType": "FULL_TIME",
        "hiringOrganization": {"@type": "Organization", "name": f"Bench Company {i % 37}"},
        "identifier": {"@type": "PropertyValue", "value": f"B-{i}"},
        "jobLocation": {"@type": "Place", "address": {
            "@type": "PostalAddress", "addressLocality": values["city"],
            "addressCountry": "LU" if values["city"] in ("Luxembourg", "Esch-sur-Alzette") else "BE"}},
    }
    page = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{posting['title']}</title>"
            f'<script type="application/ld+json">{json.dumps(posting, ensure_ascii=False)}</script>'
            f"</head><body><header>{'<nav><a href=/>Home</a></nav>' * 20}</header>"
            f"<main><h1>{posting['title']}</h1>{description}</main></body></html>")
    return page.encode()


FAULTS = ("error", "truncated", "bad_json_ld", "empty", "login")


def faulty(i: int, fraction: float) -> str | None:
    """The fault of job ``i`` when a fraction of the jobs is faulty, else None."""
    step = int(1 / fraction) if fraction else 0
    return FAULTS[(i // step) % len(FAULTS)] if step and i % step == 0 else None


class Site(resource.Resource):
    isLeaf = True

    def __init__(self, jobs: int, changed: float, faults: float = 0.0) -> None:
        super().__init__()
        self.jobs = jobs
        self.faults = faults
        step = int(1 / changed) if changed else 0
        self.changed = {i for i in range(0, jobs, step)} if step else set()

    def render_GET(self, request: server.Request) -> bytes:
        path = request.path.decode()
        if path == "/sitemap.xml":
            request.setHeader(b"Content-Type", b"application/xml")
            base = f"http://{request.getHost().host}:{request.getHost().port}"
            urls = "".join(
                f"<url><loc>{base}/job/{i}/</loc><lastmod>"
                f"{'2099-01-01' if i in self.changed else '2025-11-01'}</lastmod></url>"
                for i in range(self.jobs))
            return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                    f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()
        if path.startswith("/job/"):
            try:
                i = int(path.split("/")[2])
            except (IndexError, ValueError):
                i = -1
            if 0 <= i < self.jobs:
                request.setHeader(b"Content-Type", b"text/html; charset=utf-8")
                fault = faulty(i, self.faults)
                if fault == "error":
                    request.setResponseCode(500)
                    return b"Internal Server Error"
                if fault == "truncated":
                    return job_page(i)[:900]
                if fault == "bad_json_ld":
                    return job_page(i).replace(b'"@type": "JobPosting",', b'"@type": "JobPosting",,,{')
                if fault == "empty":
                    return b""
                if fault == "login":
                    return b"<html><body><h1>Sign in</h1><form><input name=password></form></body></html>"
                return job_page(i)
        request.setResponseCode(404)
        return b"not found"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--changed", type=float, default=0.0)
    parser.add_argument("--faults", type=float, default=0.0)
    args = parser.parse_args()
    port = reactor.listenTCP(args.port, server.Site(Site(args.jobs, args.changed, args.faults)),
                             interface="127.0.0.1")
    print(f"http://127.0.0.1:{port.getHost().port}", flush=True)
    reactor.run()


if __name__ == "__main__":
    sys.exit(main())
