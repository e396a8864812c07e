"""Places: Belgian and Luxembourg names in four languages, provinces, regions, countries."""

import pytest

from jobcrawler.normalize.places import item_locations, parse_locations


def _codes(raw, hint=None):
    return [(loc["city"], loc["municipality"], loc["province_code"], loc["region_code"],
             loc["country_code"]) for loc in parse_locations(raw, hint)]


CASES = [
    # the seeds
    ("Groot-Bijgaarden, Flanders, Belgium", [("Groot-Bijgaarden", "Dilbeek", "BE-VBR", "BE-VLG", "BE")]),
    ("Groot-Bijgaarden~Flanders~Belgium", [("Groot-Bijgaarden", "Dilbeek", "BE-VBR", "BE-VLG", "BE")]),
    ("East Flanders, Belgium", [(None, None, "BE-VOV", "BE-VLG", "BE")]),
    # sub-municipalities
    ("Diegem", [("Diegem", "Machelen", "BE-VBR", "BE-VLG", "BE")]),
    ("1831 Diegem", [("Diegem", "Machelen", "BE-VBR", "BE-VLG", "BE")]),
    ("Gentbrugge", [("Gentbrugge", "Gent", "BE-VOV", "BE-VLG", "BE")]),
    # exonyms in four languages
    ("Gent", [("Gent", "Gent", "BE-VOV", "BE-VLG", "BE")]),
    ("Gand", [("Gent", "Gent", "BE-VOV", "BE-VLG", "BE")]),
    ("Ghent, Belgium", [("Gent", "Gent", "BE-VOV", "BE-VLG", "BE")]),
    ("Anvers", [("Antwerpen", "Antwerpen", "BE-VAN", "BE-VLG", "BE")]),
    ("Antwerp", [("Antwerpen", "Antwerpen", "BE-VAN", "BE-VLG", "BE")]),
    ("Luik", [("Liège", "Liège", "BE-WLG", "BE-WAL", "BE")]),
    ("Lüttich", [("Liège", "Liège", "BE-WLG", "BE-WAL", "BE")]),
    ("Bergen", [("Mons", "Mons", "BE-WHT", "BE-WAL", "BE")]),
    ("Louvain", [("Leuven", "Leuven", "BE-VBR", "BE-VLG", "BE")]),
    ("Malines", [("Mechelen", "Mechelen", "BE-VAN", "BE-VLG", "BE")]),
    ("Courtrai", [("Kortrijk", "Kortrijk", "BE-VWV", "BE-VLG", "BE")]),
    ("Brussels", [("Bruxelles", "Bruxelles", None, "BE-BRU", "BE")]),
    ("Brussel", [("Bruxelles", "Bruxelles", None, "BE-BRU", "BE")]),
    ("Bruxelles, Belgique", [("Bruxelles", "Bruxelles", None, "BE-BRU", "BE")]),
    ("Ixelles", [("Ixelles", "Ixelles", None, "BE-BRU", "BE")]),
    ("Eupen", [("Eupen", "Eupen", "BE-WLG", "BE-WAL", "BE")]),
    ("9120 Beveren, BE", [("Beveren-Waas", "Beveren-Kruibeke-Zwijndrecht", "BE-VOV", "BE-VLG", "BE")]),
    ("3630 Maasmechelen", [("Maasmechelen", "Maasmechelen", "BE-VLI", "BE-VLG", "BE")]),
    # provinces and regions
    ("Oost-Vlaanderen", [(None, None, "BE-VOV", "BE-VLG", "BE")]),
    ("Flandre orientale", [(None, None, "BE-VOV", "BE-VLG", "BE")]),
    ("Provincie Limburg", [(None, None, "BE-VLI", "BE-VLG", "BE")]),
    ("Limburg", [(None, None, "BE-VLI", "BE-VLG", "BE")]),
    ("Hasselt, Limburg", [("Hasselt", "Hasselt", "BE-VLI", "BE-VLG", "BE")]),
    ("Wallonie", [(None, None, None, "BE-WAL", "BE")]),
    ("Vlaanderen", [(None, None, None, "BE-VLG", "BE")]),
    ("Flanders", [(None, None, None, "BE-VLG", "BE")]),
    ("Hainaut", [(None, None, "BE-WHT", "BE-WAL", "BE")]),
    # Luxembourg: the country, the city, the Belgian province
    ("Luxembourg, Belgium", [(None, None, "BE-WLX", "BE-WAL", "BE")]),
    ("Province de Luxembourg", [(None, None, "BE-WLX", "BE-WAL", "BE")]),
    ("Arlon, Luxembourg, Belgium", [("Arlon", "Arlon", "BE-WLX", "BE-WAL", "BE")]),
    ("Luxembourg, Luxembourg", [("Luxembourg", "Luxembourg", "LU-LU", None, "LU")]),
    ("L-1855 Luxembourg", [("Luxembourg", "Luxembourg", "LU-LU", None, "LU")]),
    ("Esch-sur-Alzette", [("Esch-sur-Alzette", "Esch-sur-Alzette", "LU-ES", None, "LU")]),
    ("Belgium & Luxembourg", [(None, None, None, None, "BE"), (None, None, None, None, "LU")]),
    # several places, remote, other countries
    ("Gent en Antwerpen", [("Gent", "Gent", "BE-VOV", "BE-VLG", "BE"),
                           ("Antwerpen", "Antwerpen", "BE-VAN", "BE-VLG", "BE")]),
    ("Remote, Belgium", [(None, None, None, None, "BE")]),
    ("Paris, France", [("Paris", None, None, "FR-IDF", "FR")]),
    ("Allemagne", [(None, None, None, None, "DE")]),
    ("Duitsland", [(None, None, None, None, "DE")]),
    ("Sofia, Sofia City, Bulgaria", [("Sofia", None, None, None, "BG")]),
    # unknown: nothing, never a guess
    ("Narnia", []),
    ("", []),
    ("Multiple locations", []),
    # lists of cities written with commas; a Brussels commune with the capital's name
    ("Gent, Antwerpen of Brussel", [("Gent", "Gent", "BE-VOV", "BE-VLG", "BE"),
                                    ("Antwerpen", "Antwerpen", "BE-VAN", "BE-VLG", "BE"),
                                    ("Bruxelles", "Bruxelles", None, "BE-BRU", "BE")]),
    ("Evere, Brussels", [("Evere", "Evere", None, "BE-BRU", "BE")]),
    ("Luxembourg (province)", [(None, None, "BE-WLX", "BE-WAL", "BE")]),
    ("Windhof", [("Windhof", "Koerich", "LU-CA", None, "LU")]),
]


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_parse_locations(raw, expected):
    assert _codes(raw) == expected


def test_postcode_kept_for_a_single_postcode_place():
    [loc] = parse_locations("Groot-Bijgaarden, Flanders, Belgium")
    assert loc["postcode"] == "1702"
    assert loc["raw"] == "Groot-Bijgaarden, Flanders, Belgium"


def test_list_of_strings_and_duplicates():
    locs = parse_locations(["Leuven", "Louvain", "Gent"])
    assert [loc["city"] for loc in locs] == ["Leuven", "Gent"]


def test_garbage_types_are_ignored():
    assert parse_locations([None, 3, {"a": 1}]) == []  # type: ignore[list-item]


# --- the world (#15): codes, CLDR names, subdivisions, GeoNames cities, namesakes ---
WORLD = [
    # ISO 3166-1 codes in any case, as whole parts only
    ("GB", [(None, None, None, None, "GB")]),
    ("gb", [(None, None, None, None, "GB")]),
    ("DEU", [(None, None, None, None, "DE")]),
    ("London, GB", [("London", None, None, "GB-ENG", "GB")]),
    ("Remote - UK", [(None, None, None, None, "GB")]),
    # CLDR names beyond en/nl/fr/de
    ("Oslo, Noruega", [("Oslo", None, None, None, "NO")]),
    ("Warszawa, Polska", [("Warsaw", None, None, None, "PL")]),
    # subdivisions: names, codes after a city, the field each fills
    ("Arlington, Virginia", [("Arlington", None, "US-VA", None, "US")]),
    ("Arlington, VA", [("Arlington", None, "US-VA", None, "US")]),
    ("Arlington", [("Arlington", None, "US-TX", None, "US")]),  # alone: the largest
    ("Toronto, ON, Canada", [("Toronto", None, "CA-ON", None, "CA")]),
    ("Amsterdam, North Holland, Netherlands", [("Amsterdam", None, "NL-NH", None, "NL")]),
    ("Bavaria", [(None, None, "DE-BY", None, "DE")]),
    ("Edinburgh, Scotland", [("Edinburgh", None, None, "GB-SCT", "GB")]),
    ("Île-de-France", [(None, None, None, "FR-IDF", "FR")]),
    ("Strasbourg, Grand Est", [("Strasbourg", None, None, "FR-GES", "FR")]),
    # cities in their languages
    ("München", [("Munich", None, "DE-BY", None, "DE")]),
    ("Zürich", [("Zürich", None, "CH-ZH", None, "CH")]),
    ("Den Haag", [("The Hague", None, "NL-ZH", None, "NL")]),
    ("Dublin", [("Dublin", None, None, None, "IE")]),
    ("10115 Berlin", [("Berlin", None, "DE-BE", None, "DE")]),
    ("8000 Aarhus", [("Århus", None, None, None, "DK")]),
    # namesakes: the country given decides; alone, a foreign city must be ten times larger
    ("Lille", [("Lille", None, None, "FR-HDF", "FR")]),
    ("Lille, Belgium", [("Lille", "Lille", "BE-VAN", "BE-VLG", "BE")]),
    ("Limburg, Netherlands", [(None, None, "NL-LI", None, "NL")]),
    ("Maastricht, Limburg", [("Maastricht", None, "NL-LI", None, "NL")]),
    ("Bergen, Norway", [("Bergen", None, None, None, "NO")]),
    ("Cambridge, UK", [("Cambridge", None, None, "GB-ENG", "GB")]),
    ("Cambridge, MA", [("Cambridge", None, "US-MA", None, "US")]),
    ("Georgia", [(None, None, None, None, "GE")]),  # a country's name means the country
    ("Atlanta, Georgia", [("Atlanta", None, "US-GA", None, "US")]),
    # several cities, remote, regions with no country, time zones, office names
    ("Seattle, San Francisco, New York City", [("Seattle", None, "US-WA", None, "US"),
                                               ("San Francisco", None, "US-CA", None, "US"),
                                               ("New York City", None, "US-NY", None, "US")]),
    ("Remote, US; Remote, Canada", [(None, None, None, None, "US"), (None, None, None, None, "CA")]),
    ("Berlin or Remote", [("Berlin", None, "DE-BE", None, "DE")]),
    ("Remote (EMEA)", [(None, None, None, None, None)]),
    ("EMEA", []),
    ("Benelux", []),
    ("Worldwide", []),
    ("EST", []),
    ("New York (EST)", [("New York City", None, "US-NY", None, "US")]),
    ("Remote (EST)", [(None, None, None, None, None)]),
    ("Ireland Locations", [(None, None, None, None, "IE")]),
    ("Stripe Dublin Office", [("Dublin", None, None, None, "IE")]),
    ("Sales Office", []),
    # remote written every way; words about a place are not places
    ("Remote – US", [(None, None, None, None, "US")]),
    ("US-Remote", [(None, None, None, None, "US")]),
    ("Remote (US only)", [(None, None, None, None, "US")]),
    ("Remote in Germany", [(None, None, None, None, "DE")]),
    ("London or Remote (UK)", [("London", None, None, "GB-ENG", "GB")]),
    ("Antwerpen en regio", [("Antwerpen", "Antwerpen", "BE-VAN", "BE-VLG", "BE")]),
    ("Gent en omgeving", [("Gent", "Gent", "BE-VOV", "BE-VLG", "BE")]),
    ("Schengen", [("Schengen", "Schengen", "LU-RM", None, "LU")]),  # the commune, not the area
    # hand-added other names; Europe first among namesakes read alone
    ("NYC", [("New York City", None, "US-NY", None, "US")]),
    ("Frankfurt/Main", [("Frankfurt am Main", None, "DE-HE", None, "DE")]),
    ("Valencia", [("Valencia", None, None, None, "ES")]),
    # codes and postal codes as ATSs write them
    ("Redmond, WA", [("Redmond", None, "US-WA", None, "US")]),  # not also Wa, Ghana
    ("IE-Dublin", [("Dublin", None, None, None, "IE")]),
    ("Dublin 2, Ireland", [("Dublin", None, None, None, "IE")]),
    ("London EC2A 4BX, United Kingdom", [("London", None, None, "GB-ENG", "GB")]),
    ("Berlin, BE", [("Berlin", None, "DE-BE", None, "DE")]),  # SmartRecruiters' region code
    # European towns over 5,000: Belgium's neighbours; a small town's name never takes a city's
    ("Baarle-Nassau", [("Baarle-Nassau", None, "NL-NB", None, "NL")]),
    ("Vaals", [("Vaals", None, "NL-LI", None, "NL")]),
    ("Cologne", [("Köln", None, "DE-NW", None, "DE")]),
    ("None", []),  # a form's empty value, also a town in Piedmont
]


@pytest.mark.parametrize(("raw", "expected"), WORLD, ids=[c[0] for c in WORLD])
def test_world(raw, expected):
    assert _codes(raw) == expected


@pytest.mark.parametrize(("raw", "hint", "expected"), [
    ("Lille", "BE", ("Lille", "Lille", "BE-VAN", "BE-VLG", "BE")),
    ("Cambridge", "US", ("Cambridge", None, "US-MA", None, "US")),
    ("Jakarta", "ID", ("Jakarta", None, None, None, "ID")),
    ("Gent", "NL", ("Gent", "Gent", "BE-VOV", "BE-VLG", "BE")),  # a hint never invents a place
])
def test_country_hint_reads_namesakes(raw, hint, expected):
    assert _codes(raw, hint) == [expected]


def _item(structured, free, hint=None):
    return [(loc["city"], loc["province_code"], loc["region_code"], loc["country_code"])
            for loc in item_locations(structured, free, hint)]


@pytest.mark.parametrize(("structured", "free", "expected"), [
    # Lever: country "ID" beside a free-text city
    (["ID"], ["Jakarta"], [("Jakarta", None, None, "ID")]),
    # SmartRecruiters / Recruitee: city + code; the free text says the same
    (["Amsterdam, NL"], ["Amsterdam, Noord-Holland, Netherlands"], [("Amsterdam", "NL-NH", None, "NL")]),
    # the structured country reads the free text's namesake
    (["GB"], ["Cambridge"], [("Cambridge", None, "GB-ENG", "GB")]),
    # a structured address that names nothing does not blank a free text that works
    (["Anywhere"], ["Dublin"], [("Dublin", None, None, "IE")]),
    # a country-only address adds nothing beside a city of that country
    (["Ireland"], ["Dublin"], [("Dublin", None, None, "IE")]),
    ([], ["Remote - UK"], [(None, None, None, "GB")]),
    # a foreign postcode before the city, as address_to_text writes it
    (["1012 AB Amsterdam, NL"], [], [("Amsterdam", "NL-NH", None, "NL")]),
    # the address with its postcode says more than the free text's same city
    (["9000 Gent, BE"], ["Gent"], [("Gent", "BE-VOV", "BE-VLG", "BE")]),
])
def test_item_locations_structured_beats_free_text(structured, free, expected):
    assert _item(structured, free) == expected


def test_the_description_never_places_an_ad():
    from jobcrawler.normalize import normalize_item

    out = normalize_item({"title": "Engineer", "location_raw": ["New York, NY"],
                          "description_text": "Work within two hours of New York (EST). Estonia office."})
    assert [(loc["city"], loc["country_code"]) for loc in out["locations"]] == [("New York City", "US")]
    lever = normalize_item({"title": "Engineer", "location_raw": ["Jakarta"],
                            "address_raw": [{"addressCountry": "ID"}]})
    assert [(loc["city"], loc["country_code"]) for loc in lever["locations"]] == [("Jakarta", "ID")]


# --- real responses (../shared/real-world/, see its PROVENANCE.md): what a careful reader sees ---
def _real_world():
    from tests.conftest import ROOT

    for base in (ROOT.parent / "shared", ROOT.parent.parent / "shared", ROOT / "shared"):
        if (base / "real-world" / "PROVENANCE.md").exists():
            return base / "real-world"
    return None


REAL_WORLD = _real_world()


def _real_items():
    import json

    from scrapy import Selector

    from jobcrawler.extract import platforms
    from jobcrawler.spiders.feeds import PersonioSpider

    greenhouse = json.loads((REAL_WORLD / "greenhouse" / "stripe-jobs-content.json").read_text("utf-8"))
    for job in greenhouse["jobs"]:
        yield "greenhouse", platforms.greenhouse(job)
    recruitee = json.loads((REAL_WORLD / "recruitee" / "bunq-offers.json").read_text("utf-8"))
    for offer in recruitee["offers"]:
        yield "recruitee", platforms.recruitee(offer)
    feed = Selector(text=(REAL_WORLD / "personio" / "personio-xml-en.xml").read_text("utf-8"), type="xml")
    for node in feed.xpath("//*[local-name()='position']"):
        yield "personio", platforms.personio(PersonioSpider._position(node), "https://personio.jobs.personio.de")


@pytest.mark.skipif(REAL_WORLD is None, reason="../shared/real-world/ is not beside the checkout")
def test_real_responses_are_placed_where_a_reader_places_them():
    from jobcrawler.normalize import normalize_item

    seen = [(platform, [(loc["city"], loc["province_code"], loc["region_code"], loc["country_code"])
                        for loc in normalize_item(raw)["locations"]]) for platform, raw in _real_items()]
    assert seen == [
        # Stripe: "Dublin" with the office "Ireland Locations"; three US cities with the office "US"
        ("greenhouse", [("Dublin", None, None, "IE")]),
        ("greenhouse", [("Seattle", "US-WA", None, "US"), ("San Francisco", "US-CA", None, "US"),
                        ("New York City", "US-NY", None, "US")]),
        ("greenhouse", [("Dublin", None, None, "IE")]),
        # bunq: city Amsterdam, state Noord-Holland, country_code NL
        ("recruitee", [("Amsterdam", "NL-NH", None, "NL")]),
        ("recruitee", [("Amsterdam", "NL-NH", None, "NL")]),
        # Personio SE: office Munich, additional office Berlin
        ("personio", [("Munich", "DE-BY", None, "DE"), ("Berlin", "DE-BE", None, "DE")]),
    ]


def test_every_belgian_and_luxembourg_name_stays_at_home():
    """The world table adds readings, never takes one away: each of the ~3,500 names of the
    gazetteer's Belgian and Luxembourg places, read alone, stays in Belgium or Luxembourg, but for
    the few the world table lists as a far larger European city's name (Lille, Essen)."""
    import json
    from importlib.resources import files

    from jobcrawler.normalize.world import world

    entries = json.loads(files("jobcrawler.data").joinpath("gazetteer.json").read_text("utf-8"))["entries"]
    abroad = set(world().world_wins)
    assert {"lille", "essen"} <= abroad and "bergen" not in abroad and len(abroad) < 20
    moved = {}
    for entry in entries:
        if entry["kind"] == "country":
            continue
        for name in entry["names"]:
            got = {loc["country_code"] for loc in parse_locations(name)}
            assert got, name
            if not got <= {"BE", "LU"}:
                moved[name] = got
            if entry["country"] == "BE":
                assert {loc["country_code"] for loc in parse_locations(name, "BE")} <= {"BE"}, name
    assert set(moved) == {"Belgrade", "Duisburg", "Essen", "Hagen", "Herne", "Lille", "Marienthal"}, moved
