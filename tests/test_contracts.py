"""Contracts, duration, working time, hours and remote work in nl/fr/en/de."""

import pytest

from jobcrawler.normalize import contracts
from jobcrawler.normalize.contracts import (
    contract_type,
    duration,
    hours_per_week,
    remote,
    working_time,
)

CONTRACT_CASES = [
    ("Freelance 9 months+", "freelance"),
    ("CDI", "permanent"),
    ("Contrat à durée indéterminée", "permanent"),
    ("Vast contract", "permanent"),
    ("Contract van onbepaalde duur", "permanent"),
    ("unbefristet", "permanent"),
    ("Festanstellung", "permanent"),
    ("permanent", "permanent"),
    ("CDD 6 mois", "fixed_term"),
    ("Contract van bepaalde duur", "fixed_term"),
    ("befristet", "fixed_term"),
    ("Fixed-term contract", "fixed_term"),
    ("Interim", "temporary"),
    ("Intérim", "temporary"),
    ("Uitzendwerk", "temporary"),
    ("Zeitarbeit", "temporary"),
    ("Zelfstandige", "freelance"),
    ("Indépendant", "freelance"),
    ("Contractor", "freelance"),
    ("CONTRACTOR", "freelance"),
    ("Stage", "internship"),
    ("Stagiair marketing", "internship"),
    ("Praktikum", "internship"),
    ("INTERN", "internship"),
    ("Studentenjob", "student"),
    ("Jobstudent", "student"),
    ("Job étudiant", "student"),
    ("Werkstudent", "student"),
    ("Alternance", "apprenticeship"),
    ("Duaal leren", "apprenticeship"),
    ("Ausbildung", "apprenticeship"),
    ("FULL_TIME", None),
    ("Full-Time", None),
    ("", None),
    ("Competitive package", None),
    # German compounds, Dutch compounds, and a fixed term named with "temporary"
    ("Befristeter Vertrag (12 Monate)", "fixed_term"), ("Unbefristeter Arbeitsvertrag", "permanent"),
    ("Pflichtpraktikum", "internship"), ("Stageplaats", "internship"),
    ("Uitzendopdracht met vooruitzicht op vast", "temporary"), ("Temporary (Fixed Term)", "fixed_term"),
    ("Tijdelijk werk", "temporary"), ("Tijdelijk contract", "fixed_term"),
]


@pytest.mark.parametrize(("raw", "expected"), CONTRACT_CASES, ids=[c[0] or "empty" for c in CONTRACT_CASES])
def test_contract_type(raw, expected):
    assert contract_type(raw) == expected


def test_structured_value_wins_over_title():
    assert contract_type("PERMANENT", "Interim Java developer") == "permanent"


def test_description_counts_only_unambiguous_phrases():
    assert contract_type(description="Un contrat à durée indéterminée (CDI), temps plein") == "permanent"
    assert contract_type(description="You will work with permanent improvement in mind") is None


DURATION_CASES = [
    ("Freelance 9 months+", (9, True)),
    ("9 months+", (9, True)),
    ("6 maanden", (6, False)),
    ("12 mois renouvelable", (12, True)),
    ("Freelance 6 months (extension likely)", (6, True)),
    ("1 jaar", (12, False)),
    ("2 ans", (24, False)),
    ("6 Monate mit Option auf Verlängerung", (6, True)),
    ("3-6 months", (3, False)),
    ("12 weeks", (3, False)),
    ("CDI", (None, None)),
    ("", (None, None)),
]


@pytest.mark.parametrize(("raw", "expected"), DURATION_CASES, ids=[c[0] or "empty" for c in DURATION_CASES])
def test_duration(raw, expected):
    assert duration(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Full-Time", "full_time"), ("FULL_TIME", "full_time"), ("Voltijds", "full_time"), ("Temps plein", "full_time"),
    ("Vollzeit", "full_time"), ("Deeltijds", "part_time"), ("Temps partiel", "part_time"),
    ("Teilzeit", "part_time"), ("Part-time (4/5)", "part_time"), ("Mi-temps", "part_time"),
    ("Voltijdse job", "full_time"), ("4/5de", "part_time"), ("Teilzeit oder Vollzeit", None),
    ("Full-time or part-time", None), ("CDI", None),
])
def test_working_time(raw, expected):
    assert working_time(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("24h/semaine", 24.0), ("32u/week", 32.0), ("38 Stunden pro Woche", 38.0),
    ("40 hours per week", 40.0), ("19 heures par semaine", 19.0), ("36,5 u/week", 36.5),
    ("500 hours", None), ("", None),
])
def test_hours_per_week(raw, expected):
    assert hours_per_week(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("100% remote", "remote"), ("Fully remote", "remote"), ("Remote", "remote"),
    ("Hybrid", "hybrid"), ("Hybride", "hybrid"), ("2 dagen thuiswerk", "hybrid"),
    ("télétravail possible", "hybrid"), ("Homeoffice", "hybrid"), ("Home office", "hybrid"),
    ("On-site", "on_site"), ("on_site", "on_site"), ("", None),
    ("Op kantoor in Gent", "on_site"), ("Kein Homeoffice", "on_site"), ("Geen thuiswerk", "on_site"),
    ("Work from home 2 days a week", "hybrid"), ("Hybride (3 jours au bureau)", "hybrid"),
])
def test_remote(raw, expected):
    assert remote(raw) == expected


def test_remote_in_description_needs_an_unambiguous_phrase():
    assert remote(description="Cloud and hybrid infrastructure environments") is None
    assert remote(description="Hybrid: 2 days per week on site in Brussels.") == "hybrid"
    assert remote(description="Télétravail possible un jour par semaine.") == "hybrid"


# --- precedence between sources: (title, contract line, platform enum, description) -> type ----
BY_SOURCE = [
    ("Business Data Analyst (12 Month FTC)", None, "permanent", None, "fixed_term"),
    ("Engineering Manager - Maternity Cover", None, "permanent", None, "fixed_term"),
    ("Copywriting Intern", None, "fulltime permanent", None, "internship"),
    ("Freelance Engineering Manager", None, "contract", None, "freelance"),
    ("Retail Technology Director - contract - outside IR35", None, None, None, "freelance"),
    ("Data Engineer", "Contract type: Freelance 9 months+", "permanent", None, "freelance"),
    ("Data Engineer", None, "permanent", "This is a fixed-term contract.", "permanent"),
    ("Data Engineer", None, None, "Contract Type: Fixed Term Contract", "fixed_term"),
    ("Data Engineer", None, None, "This role is offered on a fixed-term basis.", "fixed_term"),
    ("Engineering Manager (12 Month FTC)", None, None, "This is a permanent position.", "fixed_term"),
    ("Studentische Hilfskraft", None, "Working student, berufseinstieg", None, "student"),
    ("Engineering Manager, Contracts Platform", None, None, None, None),
    ("Junior Accountant", None, None, "You have some relevant experience – an internship can be enough.", None),
    ("Junior Accountant", None, None, "Een eerste ervaring via een stage of internship volstaat.", None),
    ("Stagiair marketing", None, None, None, "internship"),
    ("Engineering Manager", None, "Full-time", "Applicants must be a US citizen or permanent resident.", None),
]


@pytest.mark.parametrize(("title", "statement", "enum", "description", "expected"), BY_SOURCE,
                         ids=[f"{c[0][:30]}|{c[2]}" for c in BY_SOURCE])
def test_contract_type_by_source(title, statement, enum, description, expected):
    assert contracts.contract_type_by_source(title, statement, enum, description) == expected


# --- (title, statements, platform flag, description) -> work model --------------------------------
REMOTE_BY_SOURCE = [
    ("Web Developer - 6-month Contract - Houston Hybrid", [], "remote", None, "hybrid"),
    ("Hybrid Cloud Engineer", [], "on_site", None, "on_site"),
    ("Field Sales Executive", ["Homebased"], None, None, "remote"),
    ("Customer Success Manager", [], "on_site", "Hybrid role: three days a week in our office.\n\nAbout us",
     "hybrid"),
    ("Analyst", [], "on_site", "About us.\n" + "x " * 400 + "\nWe offer hybrid work.", "on_site"),
    ("Analyst", [], None, "About us.\n" + "x " * 400 + "\nWe offer hybrid work.", "hybrid"),
    ("Web Developer", [], None, "This role is hybrid and you will be required to go in to the office 3 days p/w.",
     "hybrid"),
    ("PM", [], None, "You are expected to come into the New York City Office at least 3 days a week", "hybrid"),
    ("Engineer", [], None, "This position is hybrid based in either Dublin or Munich locations", "hybrid"),
    ("Analyst", [], None, "Employees may be asked to work at one of our office locations, regardless of "
     "whether the role is designated as on-site, hybrid or remote.", None),
    ("Analyst", [], "hybrid", None, "hybrid"),
    ("Analyst", [], None, None, None),
    ("Web Designer", [], None, "Job Type:\nFull-time, Part-time, Fresher\nLocation:\nRemote\nJob Summary:", "remote"),
]


@pytest.mark.parametrize(("title", "statements", "flag", "description", "expected"), REMOTE_BY_SOURCE,
                         ids=[f"{c[0][:30]}|{c[2]}" for c in REMOTE_BY_SOURCE])
def test_remote_by_source(title, statements, flag, description, expected):
    assert contracts.remote_by_source(title, statements, flag, description) == expected
