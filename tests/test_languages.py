"""Languages required (ISO 639-1) and the ad's own language."""

import json
import random
import sys

import pytest

from jobcrawler.normalize import languages
from jobcrawler.normalize.experience import experience_years_min
from jobcrawler.normalize.languages import ad_language, languages_required
from jobcrawler.text import html_to_text
from tests.conftest import ROOT

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
    ("You are fluent in Dutch and English.", ["nl", "en"]),
    ("Je bent perfect tweetalig Nederlands-Frans.", ["nl", "fr"]),
    ("Vous êtes bilingue français/néerlandais.", ["fr", "nl"]),
    ("Excellent command of English; French is an asset.", ["en"]),
    ("Kennis van het Engels is vereist, Duits is een troef.", ["en"]),
    ("Vous maîtrisez l'anglais et l'allemand.", ["en", "de"]),
    ("Fluency in French and English is mandatory.", ["fr", "en"]),
    ("Je spreekt en schrijft vlot Nederlands.", ["nl"]),
    ("Une bonne connaissance du néerlandais est indispensable.", ["nl"]),
    ("Languages: English (required), German (nice to have).", ["en"]),
    ("Trilingual FR/NL/EN.", ["fr", "nl", "en"]),
    ("We offer English lessons to all employees.", []),
    ("Vous parlez le français couramment ; l'anglais est un plus.", ["fr"]),
    ("Gute Englischkenntnisse sind von Vorteil.", []),
    ("Native Dutch speaker with good English.", ["nl", "en"]),
    ("Taal: Nederlands, Frans (pluspunt).", ["nl"]),
    ("Bilingue FR-NL exigé.", ["fr", "nl"]),
    ("Sehr gute Deutsch- und Englischkenntnisse.", ["de", "en"]),
    ("Spanish or Italian would be an advantage; fluent English is a must.", ["en"]),
    ("Je beheerst het Nederlands en het Frans.", ["nl", "fr"]),
    ("Maîtrise de l'anglais technique requise.", ["en"]),
    ("You speak Dutch, French and English fluently.", ["nl", "fr", "en"]),
    ("Goede kennis van Nederlands en Frans, Engels is een troef.", ["nl", "fr"]),
    ("Frans: zeer goed; Engels: goed.", ["fr", "en"]),
    ("Néerlandais et anglais courants.", ["nl", "en"]),
    ("Engels: vloeiend.", ["en"]),
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
    ("Minimum 3 jaar relevante ervaring.", 3),
    ("5+ years of experience with Java.", 5),
    ("2 à 3 ans d'expérience dans un poste similaire.", 2),
    ("Vous avez au minimum 4 années d'expérience.", 4),
    ("Mindestens 2 Jahre Berufserfahrung.", 2),
    ("Je hebt 10 jaar ervaring als boekhouder.", 10),
    ("Experience: 3-5 years", 3),
    ("A first experience is a plus.", None),
    ("Ervaring is geen vereiste.", None),
    ("8 years of experience in IT leadership.", 8),
    ("Minstens 1 jaar werkervaring in de horeca.", 1),
    ("Plus de 7 ans d'expérience en gestion de projet.", 7),
    ("Over 12 years of experience in banking.", 12),
    ("Mehr als 6 Jahre Erfahrung im Vertrieb.", 6),
    ("Ervaring: 4 tot 6 jaar.", 4),
    ("At least 2 yrs experience.", 2),
    ("Experience of 20 years or more.", 20),
    ("Tu as au moins 1 an d'expérience.", 1),
    ("Our team has 30 years of combined experience", 30),
    ("Working experience with SAP is required.", None),
    ("We celebrate our 100 years anniversary.", None),
    ("Bachelor's degree and 3 years' experience.", 3),
    ("Vous justifiez d'une expérience de 5 ans minimum.", 5),
    ("Erfahrung (mind. 3 Jahre) im Einkauf.", 3),
    ("Ten minste 2 jaar ervaring in een gelijkaardige functie.", 2),
    ("Years of experience: 6", 6),
    ("1-2 years of experience", 1),
    ("Some experience with Excel.", None),
    ("No experience needed, we train you.", None),
    ("Een eerste ervaring van 6 maanden is een plus.", None),
    ("Au minimum 10 ans d'expérience dans le secteur bancaire.", 10),
    ("3 Jahre Erfahrung als Entwickler sind Voraussetzung.", 3),
    ("Between 3 and 5 years of experience.", 3), ("Au moins trois ans d'expérience.", 3),
    ("We have been around for 25 years and value experience.", None),
])
def test_experience(text, expected):
    assert experience_years_min(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Svært god norsk muntlig og skriftlig (B2 eller høyere)", ["no"]),
    ("You are fluent in Swedish and English.", ["sv", "en"]),
    ("Vloeiend Nederlands en Pools is vereist.", ["nl", "pl"]),
    ("Maîtrise de l'italien requise; l'espagnol est un atout.", ["it"]),
    ("Our customers are in Latin America; you must travel.", []),
    ("Office in le Brabant wallon, you must have a car.", []),
])
def test_languages_beyond_the_four(text, expected):
    assert languages.languages_required(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Vi søker en erfaren utvikler som vil jobbe med våre kunder i Oslo. Du har god erfaring med skyløsninger.", "no"),
    ("Vi söker en erfaren utvecklare som vill arbeta med våra kunder i Stockholm och har god erfarenhet.", "sv"),
    ("Cerchiamo uno sviluppatore esperto che lavori con i nostri clienti a Milano, con esperienza nel cloud.", "it"),
])
def test_ad_language_is_any_iso_639_1_language(text, expected):
    assert languages.ad_language(text) == expected


def test_language_names_rebuild_gives_the_committed_file():
    import importlib.util
    import subprocess
    import sys

    if not importlib.util.find_spec("babel"):
        pytest.skip("babel not installed (pip install -e '.[gazetteer]')")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_language_names.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _texts_for_agreement() -> list[str]:
    """Benchmark ads (benchmarks/ad_text.py), every labelled text, and neighbours of the four."""
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    import ad_text

    texts = [html_to_text(ad_text.description_html(random.Random(i), i)[1])[:150] for i in range(400)]
    for name in ("labelled.jsonl",):
        rows = [json.loads(line) for line in (ROOT / "tests" / "data" / name).read_text("utf-8").splitlines()]
        texts += [r["raw"][:150] for r in rows if r["field"] in ("ad_language", "languages_required")]
    return [
        *texts,
        "Ons soek 'n ervare ontwikkelaar wat met ons kliënte in Kaapstad wil werk en goeie ervaring het.",
        "Mir sichen en erfuerene Entwéckler fir mat eise Clienten zu Lëtzebuerg ze schaffen, mat Erfahrung.",
        "Wy sykje in betûfte ûntwikkeler dy't mei ús klanten yn Ljouwert wurkje wol en ûnderfining hat.",
        "Busquem un desenvolupador amb experiència per treballar amb els nostres clients a Barcelona.",
        "Kami mencari pengembang berpengalaman untuk bekerja dengan pelanggan kami di Jakarta dan Surabaya.",
        "Vi søger en erfaren udvikler, der vil arbejde med vores kunder i København og Aarhus.",
    ]


def test_fast_language_identification_agrees_with_the_full_model():
    """The fast path (the four languages and their neighbours first) gives py3langid's answer
    over every language, on benchmark ads, every labelled text and near neighbours of the four."""
    full = languages._identifier()
    for text in _texts_for_agreement():
        assert languages.identify(text)[0] == full.classify(text)[0], text
