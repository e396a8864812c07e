"""Languages required (ISO 639-1) and the ad's own language."""

import pytest

from jobcrawler.normalize.experience import experience_years_min
from jobcrawler.normalize.languages import ad_language, languages_required

REQUIRED = [
    ("This is a hands-on leadership role, requiring fluency in English, Dutch, and French, "
     "strong ITIL knowledge.", ["en", "nl", "fr"]),
    ("Fluent Dutch and English are required.", ["nl", "en"]),
    ("Vous parlez couramment le français et le néerlandais.", ["fr", "nl"]),
    ("Je bent tweetalig Nederlands/Frans.", ["nl", "fr"]),
    ("Profil bilingue FR/NL.", ["fr", "nl"]),
    ("Sie sprechen fließend Deutsch und Französisch.", ["de", "fr"]),
    ("Je spreekt vloeiend Nederlands. Kennis van het Frans is een pluspunt.", ["nl"]),
    ("Vous maîtrisez le français, l'anglais est un atout.", ["fr"]),
    ("Fluent French and English; Dutch is a plus.", ["fr", "en"]),
    ("Knowledge of English, Dutch and French is a plus.", []),
    ("Gute Deutschkenntnisse sind erforderlich.", ["de"]),
    ("Luxembourgish is mandatory, German and French fluent.", ["lb", "de", "fr"]),
    ("We build software for Dutch and French customers.", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), REQUIRED, ids=[t[:40] or "empty" for t, _ in REQUIRED])
def test_languages_required(text, expected):
    assert languages_required(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The Adecco Group is looking for an experienced Head of Infrastructure & Operations "
     "for Belgium and Luxembourg.", "en"),
    ("Wij zoeken een ervaren medewerker voor onze vestiging in Gent, je werkt in een dynamisch "
     "team.", "nl"),
    ("Adecco Luxembourg recherche un(e) consultant(e) en recrutement pour son agence.", "fr"),
    ("Wir suchen eine erfahrene Fachkraft für unser Team in Eupen, ab sofort.", "de"),
    ("Java developer", None),  # too short: titles alone are not enough
])
def test_ad_language(text, expected):
    assert ad_language(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Hands-on IT leadership with at least 8+ years of experience in multinational "
     "environments.", 8),
    ("minimum 5 jaar ervaring", 5),
    ("3 à 5 ans d'expérience", 3),
    ("mindestens 4 Jahre Berufserfahrung", 4),
    ("Minimum 5 years of experience in SAP Basis administration.", 5),
    ("Vous avez au moins 3 ans d'expérience en recrutement.", 3),
    ("Proven experience as an IT Infrastructure Manager", None),
    ("Founded 50 years ago, we offer...", None),
    ("", None),
])
def test_experience(text, expected):
    assert experience_years_min(text) == expected
