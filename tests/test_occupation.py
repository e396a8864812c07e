"""The occupation classifier: ad titles in four languages -> ISCO-08, its table, its storage."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import select

from jobcrawler.normalize import normalize_item, occupation
from jobcrawler.ops.export import EXPORT_FIELDS, job_record
from jobcrawler.ops.maintenance import renormalize
from jobcrawler.storage.db import open_database, session_factory
from jobcrawler.storage.models import Job
from jobcrawler.storage.upsert import row_from_item, upsert_jobs

ROOT = Path(__file__).resolve().parent.parent

# (title as ads write it, ISCO-08 unit group a person gives). Titles of the held-out part of
# tests/data/occupation_titles.tsv are not used here.
TITLES = {
    "nl": [
        ("Magazijnier (m/v/x) - Gent", "9333"),
        ("Orderpicker - Antwerpen Haven - dagploeg", "9333"),
        ("Heftruckchauffeur (m/v/x)", "8344"),
        ("Vrachtwagenchauffeur CE - nationaal transport", "8332"),
        ("Lasser TIG/MIG (m/v/x)", "7212"),
        ("Onderhoudstechnicus (m/v/x) - ploegen", "7233"),
        ("Boekhouder (m/v/x) - Aalst", "3313"),
        ("Administratief medewerker aankoop - interim met optie vast", "3323"),
        ("Zorgkundige (m/v/x) - woonzorgcentrum Gent", "5321"),
        ("Verpleegkundige (m/v/x) - intensieve zorg", "2221"),
        ("Kok (m/v/x) - restaurant Leuven", "5120"),
        ("Poetshulp dienstencheques - regio Lier", "9111"),
        ("Werfleider", "3123"),
        ("Senior Java developer (m/v/x)", "2512"),
        ("Vakkenvuller - avondwerk", "9334"),
        ("Medewerker klantendienst (m/v/x)", "4222"),  # = klantendienstmedewerker
        ("Technieker onderhoud - Zelzate", "7233"),
    ],
    "fr": [
        ("Préparateur de commandes H/F", "9333"),
        ("Magasinier / Magasinière", "9333"),
        ("Cariste (h/f/x)", "8344"),
        ("Chauffeur poids lourd C/CE", "8332"),
        ("Soudeur (h/f)", "7212"),
        ("Aide-soignant(e) à temps partiel", "5321"),
        ("Infirmier(ère) de nuit", "2221"),
        ("Comptable (H/F) - Bruxelles", "3313"),
        ("Employé administratif (h/f/x)", "4110"),
        ("Développeur backend Java (H/F)", "2512"),
        ("Technicien de surface", "9112"),
        ("Caissier(ère)", "5230"),
    ],
    "de": [
        ("Lagermitarbeiter (m/w/d)", "9333"),
        ("Kommissionierer (m/w/d)", "9333"),
        ("Staplerfahrer (m/w/d)", "8344"),
        ("Berufskraftfahrer CE (m/w/d)", "8332"),
        ("Schweißer (m/w/d)", "7212"),
        ("Pflegefachkraft (m/w/d)", "2221"),
        ("Bürokaufmann / Bürokauffrau (m/w/d)", "4110"),
        ("Koch / Köchin (m/w/d)", "5120"),
        ("Industriemechaniker (m/w/d) - Vollzeit", "7233"),
        ("Reinigungskraft (m/w/d)", "9112"),
        ("Mitarbeiter Kundenservice (m/w/d)", "4222"),  # = Kundenservicemitarbeiter
    ],
    "en": [
        ("Senior Backend Engineer", "2512"),
        ("Warehouse Operative (night shift)", "9333"),
        ("Forklift Driver - Antwerp", "8344"),
        ("Truck Driver CE (m/f/x)", "8332"),
        ("Electrician (m/f/x)", "7411"),
        ("Receptionist (part-time) - Brussels", "4226"),
        ("IT Infrastructure Manager", "1330"),
        ("Student Job - Order Picker", "9333"),
        ("Physiotherapist", "2264"),
        # employer jargon: the role word is a noise word, the department says what is meant
        ("Customer Service Hero (m/f/x)", "4222"),
        ("Java Rockstar", "2512"),
    ],
}
CASES = [pytest.param(lang, title, code, id=f"{lang}:{title}") for lang, rows in TITLES.items()
         for title, code in rows]


@pytest.mark.parametrize(("lang", "title", "code"), CASES)
def test_ad_titles_get_the_isco_group_a_person_gives(lang: str, title: str, code: str) -> None:
    result = occupation.classify(title, lang=lang)
    assert result is not None and result["isco_code"] == code
    assert result["esco_uri"].startswith(occupation.URI_PREFIX)
    assert occupation.THRESHOLD <= result["score"] <= 1


# Titles that are no ESCO label as a whole: the best guess (threshold 0) comes from the trigram
# ranking grouped by ISCO-08 unit group. National-list shapes ("Kapper/Kapster", "Verantwoordelijke X")
# as ads use them. (lang, title, ISCO-08 group a person gives)
RANKED = [
    ("nl", "Sanitair technieker (m/v/x)", "7126"),
    ("nl", "Elektrotechnisch technicus - Gent", "3113"),
    ("nl", "Verantwoordelijke logistiek (m/v/x)", "1324"),
    ("nl", "Kapper/Kapster (m/v/x)", "5141"),
    ("nl", "Productieoperator voedingsindustrie (m/v/x)", "8160"),
    ("nl", "Ploegbaas schrijnwerkerij", "3123"),
    ("fr", "Responsable logistique (H/F)", "1324"),
    ("fr", "Ouvrier polyvalent en boulangerie", "7512"),
    ("fr", "Aide-ménager(ère) titres-services", "9111"),
    ("fr", "Conseiller/Conseillère en insertion professionnelle (H/F)", "2635"),  # ESCO: counselling
    ("de", "Kaufmann/Kauffrau für Büromanagement (m/w/d)", "4110"),
    ("de", "Servicekraft Gastronomie (m/w/d)", "5131"),
    ("de", "Lagermitarbeiter Hochregallager (m/w/d)", "9333"),
    ("en", "Chemical Process Operator", "8131"),
    ("en", "Plumbing Technician", "7126"),
    ("en", "Server (part-time)", "5131"),
    # ESCO 1.0.8's German has no plain "Busfahrer": the driving instructors' "Busfahrlehrer" is the
    # nearest label; the group title "Bus- und Straßenbahnfahrer" decides
    ("de", "Busfahrer (m/w/d)", "8331"),
]


@pytest.mark.parametrize(("lang", "title", "code"), RANKED)
def test_titles_without_a_whole_label_get_the_nearest_isco_group(lang: str, title: str, code: str) -> None:
    guess = occupation.classify(title, lang=lang, threshold=0)
    assert guess is not None and guess["isco_code"] == code


def test_trigram_cosines_are_cosines(monkeypatch: pytest.MonkeyPatch) -> None:
    tables = occupation._tables()
    for query in ("server", "kok", "medewerker klantendienst", "préparateur"):
        found = tables.ngrams.top(occupation.normalize_label(query), 10)
        assert found and all(0 < cosine <= 1 + 1e-6 for cosine, _ in found)
        assert [c for c, _ in found] == sorted((c for c, _ in found), reverse=True)
    # with no trigram skipped a label is its own nearest at cosine 1, also one that repeats a
    # trigram ("leerverver": "ver" twice; its norm once counted the weight twice, not tf squared)
    monkeypatch.setattr(occupation, "MAX_DF", 10**9)
    for label in ("leerverver", "lagermitarbeiter", "preparateur de commandes"):
        cosine, index = tables.ngrams.top(label, 1)[0]
        assert tables.keys[index] == label and cosine == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("title", [
    "Open sollicitatie", "Spontane sollicitatie (m/v/x)", "Candidature spontanée",
    "Candidature spontanée - Talent pool", "Talent pool - Operations", "Open application",
    "Initiativbewerbung (m/w/d)", "Jobstudent (m/v/x)", "Description", "", None, "(m/v/x)",
    # places and names alone (of 6,037 gazetteer names only "Macon", also maçon, gives a code)
    "Luxembourg", "Gent - Antwerpen", "Liège", "Sint-Niklaas", "NamurCare", "AG",
])
def test_no_occupation_is_null(title: str | None) -> None:
    assert occupation.classify(title) is None


@pytest.mark.parametrize(("title", "parts"), [
    ("Lagermitarbeiter (m/w/d) - Vollzeit", ["lagermitarbeiter"]),
    ("Senior Préparateur de commandes H/F - CDI", ["preparateur de commandes"]),
    ("Magazijnier (m/v/x) - Gent", ["magazijnier", "gent"]),
    ("Caissier(ère) temps partiel", ["caissier"]),
    ("Lehrer*in für Mathematik", ["lehrer fur mathematik"]),
    ("Verkäufer/-in Teilzeit", ["verkaufer"]),
    ("Bürokaufmann/-frau", ["burokaufmann"]),
    ("Chauffeur C/CE (M/V/X)", ["chauffeur c", "ce"]),
    ("Junior Data Analyst | Brussels | Hybrid", ["data analyst", "brussels", "hybrid"]),
    # a slash between the two genders of a word is one reading (the words after the slash, as lists
    # of national titles write them); between two things, two parts
    ("Kaufmann/Kauffrau für Büromanagement (m/w/d)", ["kauffrau fur buromanagement"]),
    ("Leraar/lerares lager onderwijs", ["lerares lager onderwijs"]),
    ("Conseiller/Conseillère en insertion professionnelle", ["conseillere en insertion professionnelle"]),
    ("Staatlich geprüfter Techniker/Staatlich geprüfte Technikerin Maschinentechnik",
     ["staatlich geprufte technikerin maschinentechnik"]),
    ("Magazijnier / Magazijnierster - Gent", ["magazijnierster", "gent"]),
    ("Valet/femme de chambre", ["valet", "femme de chambre"]),
    ("Elektriker/Elektroniker", ["elektriker", "elektroniker"]),
    ("Lasser TIG/MIG", ["lasser tig", "mig"]),
])
def test_title_parts_drop_gender_markers_seniority_and_contract_words(title: str, parts: list[str]) -> None:
    assert occupation.title_parts(title) == parts


def test_the_label_is_in_the_ads_language_when_esco_has_it() -> None:
    labels = {lang: occupation.classify("Magazijnier (m/v/x)", lang=lang)["label"]
              for lang in ("nl", "fr", "de", "en")}
    assert labels == {"nl": "magazijnmedewerker", "fr": "magasinier/magasinière",
                      "de": "Lagerarbeiter/Lagerarbeiterin", "en": "warehouse worker"}


def test_a_vague_title_is_read_from_the_descriptions_first_sentences() -> None:
    description = "Voor onze klant in Genk zoeken we een heftruckchauffeur met ervaring. Je werkt in dagploeg."
    assert occupation.classify("Medewerker (m/v/x)") is None
    assert occupation.classify("Medewerker (m/v/x)", description)["isco_code"] == "8344"
    # a sure title is not overruled by the description
    assert occupation.classify("Boekhouder", description)["isco_code"] == "3313"
    # only preferred or reviewed labels, or labels of several words, count in a description
    # (ESCO has "products" as another name of product assembly inspectors)
    assert occupation.classify("Associate", "At bunq we move fast, launching products and entering markets.") is None


def test_threshold_zero_gives_the_best_guess() -> None:
    guess = occupation.classify("Lagerarbeiter Hochregallager Nachtschicht", threshold=0)
    assert guess is not None and 0 < guess["score"] <= 1


def test_the_table_is_what_the_build_script_makes() -> None:
    spec = importlib.util.spec_from_file_location("build_occupations", ROOT / "scripts" / "build_occupations.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    try:
        build.datasets_dir()
    except SystemExit:
        pytest.skip("ESCO datasets (../shared/datasets) not here")
    assert build.build() == (ROOT / "jobcrawler" / "data" / "occupations.tsv").read_text(encoding="utf-8")


def test_label_variants_of_gender_pairs() -> None:
    spec = importlib.util.spec_from_file_location("build_occupations", ROOT / "scripts" / "build_occupations.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.variants("Lagerarbeiter/Lagerarbeiterin") == ["Lagerarbeiter", "Lagerarbeiterin"]
    assert build.variants("leraar/lerares lager onderwijs") == ["leraar lager onderwijs", "lerares lager onderwijs"]
    assert build.variants("directeur technique/directrice technique") == ["directeur technique", "directrice technique"]
    assert build.variants("kok") == ["kok"]


def test_normalize_item_gives_the_occupation() -> None:
    result = normalize_item({"title": "Préparateur de commandes H/F",
                             "description_text": "Nous recherchons un préparateur de commandes pour notre "
                                                 "entrepôt de Liège. Vous travaillez en équipe."})
    assert result["ad_language"] == "fr"
    assert result["occupation"]["isco_code"] == "9333"
    assert result["occupation"]["label"] == "préparateur de commandes/préparatrice de commandes"
    assert normalize_item({"title": "Open sollicitatie"})["occupation"] is None


def _item(n: int, title: str) -> dict:
    return {"source": "acme", "source_id": str(n), "url": f"https://acme.test/{n}", "title": title,
            "crawled_at": "2025-12-20T03:00:00+00:00"}


def test_stored_exported_and_filled_by_renormalize(db_url: str) -> None:
    engine = open_database(db_url)
    stored_before = _item(1, "Heftruckchauffeur (m/v/x)")  # stored before the classifier existed
    fresh = {**_item(2, "Kassamedewerker"), **normalize_item(_item(2, "Kassamedewerker"))}
    with session_factory(engine).begin() as session:
        upsert_jobs(session, [row_from_item(stored_before), row_from_item(fresh)], None)
    with session_factory(engine)() as session:
        assert session.scalar(select(Job.isco_code).where(Job.source_id == "1")) is None
        assert session.scalar(select(Job.isco_code).where(Job.source_id == "2")) == "5230"
    assert renormalize(engine).updated == 1
    with session_factory(engine)() as session:
        job = session.scalar(select(Job).where(Job.source_id == "1"))
        assert (job.isco_code, job.occupation_label) == ("8344", "heftruckchauffeur")
        assert job.esco_uri.startswith(occupation.URI_PREFIX)
        assert session.scalars(select(Job.id).where(Job.isco_code == "8344")).all() == [job.id]
        record = job_record(job)
    assert {"isco_code", "esco_uri", "occupation_label"} <= set(EXPORT_FIELDS)
    assert record["isco_code"] == "8344"
