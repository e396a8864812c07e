"""Places: Belgian and Luxembourg names in four languages, provinces, regions, countries."""

import pytest

from jobcrawler.normalize.places import parse_locations


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
    ("Paris, France", [(None, None, None, None, "FR")]),
    ("Allemagne", [(None, None, None, None, "DE")]),
    ("Duitsland", [(None, None, None, None, "DE")]),
    ("Sofia, Sofia City, Bulgaria", [(None, None, None, None, "BG")]),
    # unknown: nothing, never a guess
    ("Atlantis", []),
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
