"""Duplicate rules as pure functions: the normalisers, each rule, each never-link case."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from jobcrawler.dedup import keys as k
from jobcrawler.dedup import signature as sig
from jobcrawler.dedup.rules import (
    best_link,
    conflict,
    link,
    never_link,
    timing,
    view,
    weak_keys,
    weak_lookup_keys,
)

TEXT = ("Flemish Data Works bouwt dataplatformen voor de Vlaamse zorgsector. Minimum 3 jaar ervaring "
        "met Python en SQL. Je spreekt vloeiend Nederlands en Engels; Frans is een pluspunt. Een vast "
        "contract, voltijds (38u/week). Verloning: € 4.000 - € 5.200 bruto per maand. 2 dagen thuiswerk "
        "per week. Je bouwt pipelines in Airflow en dbt en je werkt samen met de analisten van onze "
        "klanten in ziekenhuizen en woonzorgcentra.")
OTHER = ("Wij zoeken een boekhouder voor ons kantoor. Je verwerkt aankoopfacturen en verkoopfacturen, "
         "je volgt de btw-aangiftes op en je bereidt de jaarafsluiting voor met de externe accountant. "
         "Je hebt een bachelor boekhouden en kent Exact Online. Wij bieden een vast contract en "
         "maaltijdcheques, een hospitalisatieverzekering en opleidingen.")


def ad(i: int, **fields):
    base = {"source": f"s{i}", "title": "Data Engineer", "employer": "Flemish Data Works NV",
            "country": "BE", "province": "BE-VOV", "city": "Gent", "contract": "permanent",
            "day": date(2025, 11, 18), "text": TEXT, "language": "nl"}
    return view(i, **{**base, **fields})


@pytest.mark.parametrize(("value", "expected"), [
    ("Développeur", "developpeur"), ("STRASSE", "strasse"), ("Straße", "strasse"), ("Liège", "liege"),
])
def test_fold(value, expected):
    assert k.fold(value) == expected


@pytest.mark.parametrize(("employer", "agency", "expected"), [
    ("Flemish Data Works NV", None, "flemish data works"),
    ("MeuseSoft SRL", None, "meusesoft"),
    ("Personio SE & Co. KG", None, "personio"),
    ("Confidential", None, None),
    ("Onze klant", None, None),
    ("Randstad Belgium", "Randstad", None),  # the agency's own name is no client
    (None, None, None),
])
def test_employer_key(employer, agency, expected):
    assert k.employer_key(employer, agency) == expected


@pytest.mark.parametrize(("a", "b", "same"), [
    ("stripe", "stripe payments europe", True), ("stripe", "stripe", True),
    ("namurcare", "namurcare asbl", True), ("flemish data works", "meusesoft", False),
    ("data works", "flemish data works", False),
])
def test_same_employer(a, b, same):
    assert k.same_employer(a, b) is same


@pytest.mark.parametrize(("title", "expected"), [
    ("Data Engineer (m/v/x)", "data engineer"),
    ("Product Owner (H/F/X)", "owner product"),
    ("Verkoper m/v", "verkoper"),
    ("Sachbearbeiter (m/w/d) in Teilzeit", "sachbearbeiter teilzeit"),
    ("Engineer, Data", "data engineer"),
])
def test_title_key(title, expected):
    assert k.title_key(title) == expected


@pytest.mark.parametrize(("title", "pool"), [
    ("Spontane sollicitatie", True), ("Talent Pool - Engineering", True),
    ("Candidature spontanée", True), ("Initiativbewerbung (m/w/d)", True), ("Data Engineer", False),
])
def test_talent_pool(title, pool):
    assert k.is_talent_pool(title) is pool


@pytest.mark.parametrize(("url", "expected"), [
    ("https://job-boards.greenhouse.io/flemishdata/jobs/7000001?gh_src=x",
     "job-boards.greenhouse.io/flemishdata/jobs/7000001"),
    ("https://www.example.be/jobs/123456/", "example.be/jobs/123456"),
    ("https://www.example.be/careers", None),  # names no ad
    ("mailto:jobs@example.be", None),
    (None, None),
])
def test_url_key(url, expected):
    assert k.url_key(url) == expected


def _url_key_by_urlsplit(url: str | None) -> str | None:
    """url_key as first written: every URL through ``urlsplit``."""
    from urllib.parse import urlsplit

    if not url or url.startswith("mailto:"):
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/").lower()
    return f"{host}{path}" if host and k._URL_ID.search(path) else None


@pytest.mark.parametrize("url", [
    "https://job-boards.greenhouse.io/flemishdata/jobs/7000001?gh_src=x",
    "https://www.Example.BE/Jobs/123456/", "http://example.be/jobs/123456#apply",
    "https://example.be/jobs/123456?a=1#x?y", "https://example.be/jobs/1234#frag/789",
    "https://example.be?id=123456", "https://example.be", "https://example.be/",
    "  https://example.be/jobs/123456  ", "https://user:pw@Example.be:8443/jobs/123456",
    "https://[::1]/jobs/123456", "HTTPS://EXAMPLE.BE/JOBS/123456", "ftp://example.be/jobs/123456",
    "https://example.be/jobs/12%203456", "https://example.be/jobs/123\t456",
    "https://example.be/jobs/12 3456", "https://example.be/jöbs/123456", "https://exämple.be/jobs/123456",
    "https:///jobs/123456", "https://example.be/jobs/a1b2c3d4-e5f6-0000/apply",
    "//example.be/jobs/123456", "/jobs/123456", "example.be/jobs/123456",
    "https://example.be/jobs/123456;param", "https://example.be/a/b/../123456/",
])
def test_url_key_of_plain_urls_is_urlsplits(url):
    """Plain URLs skip urlsplit (a regular expression reads them): the keys are the same."""
    assert k.url_key(url) == _url_key_by_urlsplit(url)


@pytest.mark.parametrize(("reference", "expected"), [
    ("R-10007", "r10007"), ("FDW 101", "fdw101"), ("12", None), ("ABCDE", None), (None, None),
])
def test_reference_key(reference, expected):
    assert k.reference_key(reference) == expected


def test_signatures_estimate_jaccard():
    a = sig.token_hashes([f"w{i}" for i in range(200)])
    b = sig.token_hashes([f"w{i}" for i in range(100, 300)])
    estimate = sig.jaccard(sig.minhash(a), sig.minhash(b))
    assert abs(estimate - 1 / 3) < 0.15
    assert sig.jaccard(sig.minhash(a), sig.minhash(a)) == 1.0
    assert sig.band_keys(sig.minhash(a)) == sig.band_keys(sig.minhash(a.copy()))
    assert len(set(sig.band_keys(sig.minhash(a)))) == len(sig.band_ranges())


# --- the rules, cheapest first: the first that holds is the reason --------------------------------

@pytest.mark.parametrize(("case", "a", "b", "reason"), [
    ("same requisition id on the careers site and its ATS",
     {"reference": "FDW-101", "text": "Short."}, {"reference": "fdw 101", "text": "Other words."},
     "reference"),
    ("the ATS page is the careers site's apply URL",
     {"urls": ("https://careers.fdw.be/jobs/data-engineer-7701",), "employer": None, "text": "x"},
     {"urls": ("https://job-boards.greenhouse.io/fdw/jobs/7701", "https://careers.fdw.be/jobs/data-engineer-7701"),
      "text": "y"}, "apply_url"),
    ("same employer, title and city within the window",
     {"text": "Kort."}, {"title": "Data Engineer (m/v/x)", "day": date(2025, 12, 20), "text": "Anders."},
     "title_place"),
    ("the same text at an agency that hides the employer",
     {}, {"employer": "Onze klant", "agency": "Randstad", "title": "Data Engineer (m/v/x)"}, "text"),
    ("the same text without details (partial)",
     {}, {"employer": None, "city": None, "text": TEXT[:260]}, "text"),
    ("a repost after the first ad closed",
     {"closed_day": date(2026, 1, 15)}, {"day": date(2026, 3, 1), "employer": None}, "repost"),
])
def test_rule(case, a, b, reason):
    found = link(ad(1, **a), ad(2, **b))
    assert found is not None, case
    assert found.reason == reason, case


def test_semantic_rule_other_wording():
    original = ("Voor onze vestiging in Gent zoeken we een heftruckchauffeur. Je laadt en lost "
                "vrachtwagens, je controleert de goederen en je houdt het magazijn netjes. Je hebt een "
                "heftruckattest en minstens een jaar ervaring in de logistiek. Je werkt in twee ploegen "
                "en je krijgt een vast contract met maaltijdcheques en ecocheques.")
    rewritten = ("Heftruckchauffeur gezocht in Gent! Onze klant zoekt iemand die vrachtwagens laadt en "
                 "lost en goederen controleert. Je houdt het magazijn netjes en werkt in twee ploegen. "
                 "Heftruckattest en een jaar ervaring in logistiek zijn vereist. Vast contract, "
                 "maaltijdcheques en ecocheques. Solliciteer via Randstad.")
    a = ad(1, title="Heftruckchauffeur", text=original, employer="Kempen Logistics")
    b = ad(2, title="Heftruckchauffeur (m/v/x)", text=rewritten, employer=None, agency="Randstad")
    found = link(a, b)
    assert found is not None and found.reason in {"semantic", "text"}


@pytest.mark.parametrize(("case", "b", "why"), [
    ("two named employers", {"employer": "MeuseSoft SRL"}, "employer"),
    ("two countries", {"country": "LU"}, "country"),
    ("two occupations", {"isco": "2411"}, "occupation"),
    ("a talent pool beside a vacancy", {"title": "Talent Pool Data"}, "talent_pool"),
])
def test_never_linked(case, b, why):
    a, other = ad(1, isco="2511"), ad(2, **{"isco": "2512", **b})
    assert never_link(a, other) == why, case
    assert link(a, other) is None, case


def test_neighbouring_isco_unit_groups_may_link():
    assert never_link(ad(1, isco="2511"), ad(2, isco="2512")) is None


@pytest.mark.parametrize(("case", "b"), [
    ("the same employer in another city", {"city": "Antwerpen", "province": "BE-VAN"}),
    ("another contract", {"contract": "internship"}),
    ("posted half a year apart, the first still open", {"day": date(2026, 6, 1)}),
    ("another job with the same title at a hidden employer", {"employer": None, "text": OTHER}),
])
def test_hard_non_duplicates(case, b):
    assert link(ad(1), ad(2, **b)) is None, case


def test_agency_temporary_and_permanent_may_be_one_job():
    a = ad(1, contract="permanent")
    assert link(a, ad(2, contract="temporary", employer=None, agency="Randstad")) is not None
    assert link(a, ad(3, contract="temporary")) is None  # both from employers: two jobs


@pytest.mark.parametrize(("a", "b", "expected"), [
    ({"day": date(2025, 11, 1)}, {"day": date(2025, 12, 20)}, "window"),
    ({"day": date(2025, 11, 1)}, {"day": date(2026, 2, 1)}, None),
    ({"day": date(2025, 11, 1), "closed_day": date(2025, 12, 1)}, {"day": date(2026, 2, 1)}, "repost"),
    ({"day": None}, {"day": date(2026, 2, 1)}, "window"),
])
def test_timing(a, b, expected):
    assert timing(ad(1, **a), ad(2, **b)) == expected


def test_best_link_prefers_the_cheapest_rule():
    a = ad(1, reference="FDW-101")
    by_text = ad(2, employer=None, agency="Randstad")
    by_reference = ad(3, reference="FDW-101", text="Other words entirely.")
    other, found = best_link(a, [by_text, by_reference])
    assert (other.id, found.reason) == (3, "reference")
    assert best_link(a, [ad(4, employer="MeuseSoft")]) is None


def test_translation_needs_the_occupation_place_and_numbers():
    nl = ("Voor onze klant in Gent zoeken we een boekhouder. Contract van 38 uur per week, brutoloon "
          "vanaf 3200 euro per maand, minstens 3 jaar ervaring.")
    fr = ("Pour notre client à Gand, nous cherchons un comptable. Contrat de 38 heures par semaine, "
          "salaire brut à partir de 3200 euros par mois, au moins 3 ans d'expérience.")
    a = ad(1, title="Boekhouder", text=nl, employer=None, isco="3313", language="nl")
    b = ad(2, title="Comptable (h/f/x)", text=fr, employer=None, agency="Randstad", isco="3313",
           language="fr")
    assert link(a, b) is not None and link(a, b).reason == "semantic"
    assert link(a, ad(3, **{**_fields(b), "isco": None})) is None  # no occupation: no translation
    other_numbers = fr.replace("38", "24").replace("3200", "2600")
    assert link(a, ad(4, **{**_fields(b), "text": other_numbers})) is None
    assert link(a, ad(5, **{**_fields(b), "city": "Liège", "province": "BE-WLG"})) is None


def _fields(v) -> dict:
    return {"title": "Comptable (h/f/x)", "employer": None, "agency": "Randstad", "isco": v.isco,
            "language": v.language, "city": "Gent", "province": "BE-VOV",
            "text": ("Pour notre client à Gand, nous cherchons un comptable. Contrat de 38 heures par "
                     "semaine, salaire brut à partir de 3200 euros par mois, au moins 3 ans d'expérience.")}


# --- an agency's rewrite under the same title: the figures it keeps ------------------------------

WAREHOUSE = ("Kempen Logistics zoekt voor het distributiecentrum in Geel een teamleader magazijn. Je stuurt "
             "een ploeg van 12 orderpickers aan, je plant de shiften en je volgt de KPI's op. Je hebt "
             "minstens 3 jaar ervaring in de logistiek en kent SAP EWM. Je overlegt dagelijks met de "
             "transportplanning en de klantendienst. Wij bieden een vast contract van 38 uur, een "
             "ploegenpremie en maaltijdcheques.")
WAREHOUSE_REWRITE = (
    "Ben jij een geboren leider? Voor onze klant, een groot distributiecentrum in de regio Geel, zoeken "
    "wij een teamleader magazijn. Jouw taken: een ploeg van 12 orderpickers aansturen, shiften plannen "
    "en KPI's opvolgen. Profiel: 3 jaar ervaring in logistiek, kennis van SAP EWM. Aanbod: vast "
    "contract, ploegenpremie, maaltijdcheques. Interesse? Solliciteer via Randstad.")


def _warehouse(i: int, **fields):
    base = {"title": "Teamleader Magazijn", "city": "Geel", "province": "BE-VAN", "text": WAREHOUSE}
    return ad(i, **{**base, **fields})


def _rewrite(i: int, **fields):
    base = {"title": "Teamleader magazijn (m/v/x)", "employer": None, "agency": "Randstad",
            "text": WAREHOUSE_REWRITE}
    return _warehouse(i, **{**base, **fields})


def test_a_same_title_rewrite_keeping_the_figures_is_semantic():
    # about half the words in other wording (shingles barely shared), the 12 and the 3 kept
    found = link(_warehouse(1), _rewrite(2))
    assert found is not None and found.reason == "semantic"


@pytest.mark.parametrize(("case", "b"), [
    ("other figures: another client's vacancy",
     {"text": WAREHOUSE_REWRITE.replace("12", "25").replace("3 jaar", "5 jaar")}),
    ("a figure the original does not state", {"text": WAREHOUSE_REWRITE.replace("12", "14")}),
    ("no contract stated", {"contract": None}),
    ("another title", {"title": "Orderpicker (m/v/x)"}),
    ("another city", {"city": "Mol"}),
])
def test_a_same_title_rewrite_needs_the_figures_contract_title_and_place(case, b):
    assert link(_warehouse(1), _rewrite(2, **b)) is None, case


def test_a_shortened_translation_keeps_the_figures_of_what_it_keeps():
    nl = ("Voor onze klant in Gent zoeken we een boekhouder. Contract van 38 uur per week, brutoloon "
          "vanaf 3200 euro per maand, minstens 3 jaar ervaring, 28 vakantiedagen en een team van 14.")
    fr = ("Pour notre client à Gand, nous cherchons un comptable. Contrat de 38 heures par semaine, "
          "salaire brut à partir de 3200 euros par mois.")  # the years, holidays and team dropped
    a = ad(1, title="Boekhouder", text=nl, employer=None, isco="3313", language="nl")
    b = ad(2, title="Comptable (h/f/x)", text=fr, employer=None, agency="Randstad", isco="3313",
           language="fr")
    assert link(a, b) is not None and link(a, b).reason == "semantic"
    c = ad(3, title="Comptable (h/f/x)", text=fr.replace("3200", "2900"), employer=None, agency="Randstad",
           isco="3313", language="fr")
    assert link(a, c) is None  # one figure not in the original: another vacancy


@pytest.mark.parametrize(("case", "b", "expected"), [
    ("never linked: two employers", {"employer": "MeuseSoft"}, True),
    ("figures that all differ", {"employer": None, "text": WAREHOUSE.replace("12", "25")
                                 .replace("3 jaar", "5 jaar").replace("38", "40")}, True),
    ("the same figures", {"employer": None}, False),
    ("no figures", {"employer": None, "text": "Teamleader magazijn gezocht in Geel."}, False),
])
def test_conflict(case, b, expected):
    assert conflict(_warehouse(1), _warehouse(2, **b)) is expected, case


@pytest.mark.parametrize("lengths", [[0], [1, 2, 3, 4], [40, 0, 5, 400], [3] * 300 + [60] * 20])
def test_signatures_of_many_ads_are_those_of_each(lengths):
    """The batched signatures (a few numpy passes for many ads) are the ones datasketch gives ad
    by ad: stored signatures stay comparable."""
    tokens = [[f"w{(i * 7 + j * 13) % 97}" for j in range(n)] for i, n in enumerate(lengths)]
    stems = [sorted(k.stems(t, 2)) for t in tokens]
    for words, stem_words, (signature, n_shingles, stem_hashes) in zip(
            tokens, stems, sig.signatures(tokens, 2), strict=True):
        shingles = sig.shingle_hashes(sig.token_hashes(words))
        assert signature.dtype == np.uint32 and stem_hashes.dtype == np.uint32
        assert np.array_equal(signature, sig.minhash(shingles))
        assert n_shingles == len(shingles)
        assert np.array_equal(stem_hashes, np.unique(sig.token_hashes(stem_words)))


def test_an_ad_with_a_city_looks_its_title_up_in_that_place_only():
    """Registered under title+place and the title alone; looked up under title+city, title+province
    (ads naming only the province) and title without a place, never the title in every city."""
    gent, province_only, nowhere = ad(1), ad(2, city=None), ad(3, city=None, province=None)
    title = sig.text_key("title", "data engineer")
    assert title in weak_keys(gent) and title not in weak_lookup_keys(gent)
    looked_up = set(weak_lookup_keys(gent))
    assert set(weak_keys(province_only)) & looked_up and set(weak_keys(nowhere)) & looked_up
    assert title in weak_lookup_keys(province_only) and title in weak_lookup_keys(nowhere)
    assert not set(weak_keys(ad(4, city="Mol", province="BE-VAN"))) & looked_up
