"""Places: free-text and structured job locations to city, municipality, province, region, country.

The names come from two generated tables:

- the gazetteer (``jobcrawler/data/gazetteer.json``, built by ``scripts/build_gazetteer.py``): every
  Belgian municipality and sub-municipality, every Luxembourg commune and locality, provinces, regions
  and cantons with ISO 3166-2 codes, and every country's name in 36 languages (CLDR) with its ISO
  3166-1 alpha-2 and alpha-3 codes;
- the world table (``jobcrawler/data/world.tsv``, built by ``scripts/build_world.py``, read by
  :mod:`jobcrawler.normalize.world`): GeoNames' cities over 15,000 inhabitants elsewhere (European
  towns over 5,000), and the
  first-level subdivisions of the US, Canada, Australia, the Netherlands, Germany, Switzerland,
  Austria (``province_code``), France and the UK (``region_code``).

A name with several readings is read by the rest of the string first ("Limburg, Netherlands",
"Arlington, Virginia"), then by the country hint, then alone: a country's name means the country, a
Belgian or Luxembourg place keeps its name unless a foreign city of that name is ten times larger
("Lille" is in France, "Bergen" is Mons), and otherwise the largest place wins ("Dublin" is in
Ireland). ISO codes are read as whole parts only ("London, GB", "gb"; a subdivision code after a
city: "Austin, TX"); time zones are never places ("New York (EST)"); regions that name no country
("EMEA", "Europe", "Benelux", "Worldwide": ``world_supplement.toml`` [areas]) give no location.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

from jobcrawler.normalize import world
from jobcrawler.text import fold

#: More specific kinds first: a part that matches several kinds takes the most specific that fits.
KIND_RANK = {"locality": 0, "municipality": 1, "province": 2, "region": 3, "country": 4}

_SPLIT_LIST = re.compile(r"\s*(?:;|\||/|\s&\s|\band\b|\ben\b|\bet\b|\bund\b|\bor\b|\bof\b|\bou\b|\boder\b)\s*",
                         re.IGNORECASE)
_POSTCODE = re.compile(r"\b(?:(?:B|BE|L|LU)\s?-\s?)?(\d{4})\b", re.IGNORECASE)
_LU_POSTCODE = re.compile(r"\b(?:L|LU)\s?-\s?(\d{4})\b", re.IGNORECASE)
_REMOTE = re.compile(r"\b(?:remote|full[ -]?remote|telewerk|thuiswerk|t[ée]l[ée]travail|home\s?office|"
                     r"work\s+from\s+home|wfh)\b", re.IGNORECASE)
_NOISE = re.compile(r"\b(?:province|provincie|provinz|prov|region|regio|r[ée]gion|area|omgeving|"
                    r"environs|umgebung|region\s+of|greater|groot|grand|city|stad|ville|stadt|"
                    r"hybrid|hybride|remote|on[ -]?site|multiple\s+locations)\b", re.IGNORECASE)


_LEADING_PARTICLE = re.compile(r"^(?:de|du|des|d|of|van|von|der|the|la|le)\s+")
#: Words around a place that say where in it, or how, not which place ("Remote in Germany",
#: "Anywhere in the US", "US only"): skipped when the name is not found with them.
_ABOUT = re.compile(r"\b(?:anywhere|only|based|within|across|in|the|from|everywhere)\b")
#: The parts of one location: "Berlin, Germany", "Remote - US", "Remote – US", "London (Hybrid)".
_PARTS = re.compile(r"\s*[,~]\s*|\s+[-–—]\s+|\s*\(\s*|\s*\)\s*")


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry."""

    kind: str
    name: str
    municipality: str | None
    postcodes: tuple[str, ...]
    province: str | None
    region: str | None
    country: str
    population: int = 0  #: world table only: a weight for names read alone
    world: bool = False  #: from the world table (no municipality, no postcode)

    def consistent_with(self, other: Place) -> bool:
        """True when ``self`` can lie inside ``other`` (or the other way round)."""
        if self.country != other.country:
            return False
        if self.world and other.world and self.kind == other.kind == "municipality" and self != other:
            return False  # two cities of the world table: neither lies inside the other
        for attr in ("region", "province", "municipality"):
            a, b = getattr(self, attr), getattr(other, attr)
            if a and b and a != b and KIND_RANK[other.kind] <= KIND_RANK[attr]:
                return False
        return True



@cache
def _data() -> dict[str, Any]:
    return json.loads(files("jobcrawler.data").joinpath("gazetteer.json").read_text("utf-8"))


@cache
def _preferred() -> dict[str, str]:
    """Folded name -> the gazetteer name of the entry it means when read alone."""
    return {fold(k): v for k, v in _data()["preferred"].items()}


@cache
def _index() -> dict[str, tuple[Place, ...]]:
    data = _data()
    index: dict[str, list[Place]] = defaultdict(list)
    for row in data["entries"]:
        place = Place(row["kind"], row["name"], row.get("municipality"),
                      tuple(row.get("postcodes", ())), row.get("province"), row.get("region"),
                      row["country"])
        for name in row["names"]:
            key = fold(name)
            if place not in index[key]:
                index[key].append(place)
    for sub in world.world().subdivisions:
        place = _subdivision_place(sub)
        for name in sub.names:
            key = fold(name)
            if place not in index[key]:
                index[key].append(place)
    return {k: tuple(v) for k, v in index.items()}


@cache
def _slots() -> dict[str, str]:
    return {sub.code: sub.slot for sub in world.world().subdivisions}


@lru_cache(maxsize=65536)
def _city(number: int) -> Place:
    name, country, subdivision, population = world.world().cities[number]
    slot = _slots().get(subdivision)
    return Place("municipality", name, None, (), subdivision if slot == "province" else None,
                 subdivision if slot == "region" else None, country, population, True)


def _places_named(key: str) -> tuple[Place, ...]:
    """Gazetteer entries, subdivisions and world cities with the folded name ``key``."""
    local = _index().get(key, ())
    numbers = world.world().city_index.get(key)
    return local + tuple(_city(n) for n in numbers) if numbers else local


def _subdivision_place(sub: world.Subdivision) -> Place:
    return Place(sub.slot, sub.code, None, (), sub.code if sub.slot == "province" else None,
                 sub.code if sub.slot == "region" else None, sub.country, sub.population, True)


@cache
def _codes() -> tuple[dict[str, Place], dict[str, Place]]:
    """ISO 3166-1 alpha-2 and alpha-3 codes -> the country; subdivision abbreviations ("VA", "ON")."""
    countries: dict[str, Place] = {}
    for row in _data()["entries"]:
        if row["kind"] == "country":
            place = Place("country", row["name"], None, (), None, None, row["country"])
            countries[row["name"].lower()] = place
            countries[row["alpha3"].lower()] = place
    abbreviations = {sub.abbreviation.lower(): _subdivision_place(sub)
                     for sub in world.world().subdivisions if sub.abbreviation}
    return countries, abbreviations


@cache
def _not_places() -> frozenset[str]:
    """Folded names that are never a place: time zones, office words, regions with no country."""
    table = world.world()
    return frozenset(fold(n) for n in (*table.never, *table.areas))


@cache
def _world_wins() -> frozenset[str]:
    return frozenset(world.world().world_wins)


#: A European place of a shared name, read alone, counts this many times its population ("Valencia"
#: is in Spain, "Birmingham" in England): our ads are posted from and for Europe.
EUROPE_WEIGHT = 3


def _weight(place: Place) -> int:
    return place.population * (EUROPE_WEIGHT if place.country in world.world().europe else 1)


@cache
def _postcode_index() -> dict[str, tuple[Place, ...]]:
    by_code: dict[str, list[Place]] = defaultdict(list)
    for places in _index().values():
        for place in places:
            for code in place.postcodes:
                if place not in by_code[code]:
                    by_code[code].append(place)
    return {k: tuple(v) for k, v in by_code.items()}


def lookup(name: str) -> tuple[Place, ...]:
    """Every gazetteer entry, subdivision and world city one of whose names is ``name`` (case,
    accents and dashes ignored; words about a place skipped when the name is not found with them)."""
    key = fold(name)
    if key in _not_places():
        return ()
    places = _places_named(key)
    if not places:
        stripped = " ".join(_NOISE.sub(" ", key).split())
        stripped = _LEADING_PARTICLE.sub("", stripped)  # "province de namur" -> "namur"
        places = _places_named(stripped) if stripped and stripped != key else ()
        if not places and stripped and (bare := " ".join(_ABOUT.sub(" ", stripped).split())) != stripped:
            places = _places_named(bare) if bare else ()
    return places


def _bare_code(part: str) -> tuple[Place, ...]:
    """"US-Remote", "Remote (US only)": a country code with only noise around it."""
    key = fold(part)
    bare = " ".join(_ABOUT.sub(" ", _NOISE.sub(" ", key)).split())
    if bare != key and len(bare) in (2, 3) and bare.isalpha() and bare not in _not_places():
        country = _codes()[0].get(bare)
        return (country,) if country else ()
    return ()


_PROVINCE_WORD = re.compile(r"\b(?:province|provincie|provinz|prov|canton|kanton)\b", re.IGNORECASE)


def _candidates(part: str, position: int = 0) -> tuple[Place, ...]:
    part = part.strip(" ,.-()[]")
    if not part:
        return ()
    places = lookup(part)
    if len(part) in (2, 3) and part.isalpha():
        places = _code_candidates(part, position, places)
    if places and _PROVINCE_WORD.search(part):
        places = tuple(p for p in places if p.kind == "province") or places
    if places:
        return places
    if m := _POSTCODE.search(part):
        rest = (part[: m.start()] + part[m.end():]).strip(" ,.-")
        lu = bool(_LU_POSTCODE.search(part))
        code = f"L-{m[1]}" if lu else m[1]
        by_code = _postcode_index().get(code, ())
        if rest:
            named = [p for p in lookup(rest) if p in by_code or (p.kind in ("locality", "municipality")
                     and any(q.municipality == p.municipality for q in by_code))]
            if named:
                return tuple(named)
            # "9120 Beveren": the place of that postcode whose name starts with the text
            prefixed = [p for p in by_code
                        if p.kind == "locality" and fold(p.name).startswith(fold(rest))]
            if len(prefixed) == 1:
                return tuple(prefixed)
            if not by_code or (named_abroad := [p for p in lookup(rest) if p.world]):
                # "8000 Aarhus", "1012 AB Amsterdam": a postcode of another country
                return (tuple(named_abroad) if by_code else lookup(rest)) or _other_spellings(part)
        elif not by_code:
            return _other_spellings(part)
        return tuple(p for p in by_code if p.kind == "municipality") or by_code
    return _other_spellings(part) or _bare_code(part)


_OFFICE = re.compile(r"\b(?:offices?|locations?|hq|headquarters|campus|hub)\b", re.IGNORECASE)
#: Postal codes around a city's name: "10115 Berlin", "1012 AB Amsterdam", "London EC2A 4BX",
#: "Dublin 2" (read only when the name is not found with them).
_POSTAL_CODE = re.compile(r"\b(?:[A-Z]{1,2}-?)?\d[\d ]{2,6}(?:\s?[A-Z]{2}\b)?|\b[A-Z]{1,2}\d[A-Z\d]?(?:\s\d[A-Z]{2})?\b"
                          r"|(?<=[a-z] )\d{1,2}$", re.IGNORECASE)
#: "IE-Dublin", "DE - Berlin": a country code before the place.
_CODE_FIRST = re.compile(r"^([A-Za-z]{2,3})\s*-\s*(\S.*)$")


def _code_candidates(part: str, position: int, named: tuple[Place, ...]) -> tuple[Place, ...]:
    """A whole part that is a code: "GB", "gb", "DEU"; after a city also a subdivision ("VA")."""
    if fold(part) in _not_places():
        return named
    countries, abbreviations = _codes()
    extra = []
    if not named and (country := countries.get(part.lower())):
        extra.append(country)
    if position > 0 and (sub := abbreviations.get(part.lower())):
        extra.append(sub)
    return named + tuple(p for p in extra if p not in named)


def _other_spellings(part: str) -> tuple[Place, ...]:
    """"10115 Berlin", "Stripe Dublin Office", "Ireland Locations": the place without the postal
    code or the office words; an office name gives a place only if one is named in it."""
    if any(ch.isdigit() for ch in part):
        rest = " ".join(_POSTAL_CODE.sub(" ", part).split())
        if rest and rest != part:
            return tuple(p for p in lookup(rest) if p.world or p.kind == "country")
    if (m := _CODE_FIRST.match(part)) and (country := _codes()[0].get(m[1].lower())):
        return tuple(p for p in lookup(m[2]) if p.country == country.country) or (country,)
    if _OFFICE.search(part):
        words = _OFFICE.sub(" ", part).split()
        for size in range(min(len(words), 4), 0, -1):
            for start in range(len(words) - size + 1):
                if places := lookup(" ".join(words[start:start + size])):
                    return places
    return ()


def _location(raw: str, place: Place | None, postcode: str | None, country: str | None) -> dict:
    loc: dict[str, Any] = {"raw": raw, "city": None, "municipality": None, "postcode": None,
                           "province_code": None, "region_code": None, "country_code": country}
    if place is None:
        return loc
    if place.kind in ("locality", "municipality"):
        loc["city"] = place.name
        loc["municipality"] = place.municipality
        if postcode and postcode in place.postcodes:
            loc["postcode"] = postcode
        elif len(place.postcodes) == 1:
            loc["postcode"] = place.postcodes[0]
    if place.kind != "country":
        loc["province_code"] = place.province
        loc["region_code"] = place.region
        if place.region is None and place.province and place.country == "BE":
            loc["region_code"] = None
    loc["country_code"] = place.country
    return loc


def _resolve(parts: list[str], country_hint: str | None, kind: str | None = None) -> Place | None:
    """The most specific place that agrees with the other parts of one location string."""
    options = [_candidates(p, i) for i, p in enumerate(parts)]
    if kind:
        options = [tuple(c for c in cands if c.kind == kind) or cands for cands in options]
    options = [_apply_preference(parts[i], options, i) for i in range(len(options))]
    options = [_default_reading(parts[i], options, i, country_hint) for i in range(len(options))]
    best: tuple[int, ...] | None = None
    chosen: Place | None = None
    for i, cands in enumerate(options):
        for cand in cands:
            support = _support(cand, options, i)
            conflicts = sum(
                1 for j, others in enumerate(options)
                if j != i and others and not any(cand.consistent_with(o) for o in others)
            )
            hinted = 1 if country_hint and cand.country == country_hint else 0
            # "Aalst" is the municipality Aalst before the locality Aalst of Sint-Truiden
            own_name = 1 if cand.kind == "municipality" and fold(cand.name) == fold(parts[i]) else 0
            score = (-conflicts, support, hinted, own_name, -KIND_RANK[cand.kind], _weight(cand))
            if best is None or score > best:
                best, chosen = score, cand
    return chosen


def _support(cand: Place, options: list[tuple[Place, ...]], i: int) -> int:
    return sum(1 for j, others in enumerate(options)
               if j != i and any(cand.consistent_with(o) for o in others))


def _apply_preference(part: str, options: list[tuple[Place, ...]], i: int) -> tuple[Place, ...]:
    """Keep only the preferred reading of an ambiguous name unless the other parts need another."""
    preferred = _preferred().get(fold(part))
    if not preferred:
        return options[i]
    keep = [c for c in options[i] if c.name == preferred]
    rest = [c for c in options[i] if c.name != preferred]
    if keep and max(_support(c, options, i) for c in keep) >= max(
            (_support(c, options, i) for c in rest), default=0):
        return tuple(keep)
    return options[i]


def _default_reading(part: str, options: list[tuple[Place, ...]], i: int,
                     country_hint: str | None) -> tuple[Place, ...]:
    """The reading of a name shared with the world table when nothing else in the string decides:
    the hinted country's, a country, the Belgian or Luxembourg place (unless a foreign city of that
    name is far larger), else the largest place. The other readings stay when the rest of the
    string supports one of them better."""
    cands = options[i]
    if len(cands) < 2 or not any(c.world for c in cands):
        return cands
    pool = [c for c in cands if country_hint and c.country == country_hint] or cands
    countries = [c for c in pool if c.kind == "country"]
    local = [c for c in pool if not c.world and c.kind != "country"]
    if countries:
        top = countries[0]
    elif local and fold(part) not in _world_wins():
        top = local[0]
    else:
        top = max((c for c in pool if c.world) if any(c.world for c in pool) else pool, key=_weight)
    keep = [c for c in cands if c == top or (c.country == top.country and not c.world and not top.world)
            or c.consistent_with(top) or top.consistent_with(c)]
    rest = [c for c in cands if c not in keep]
    if not rest or max(_support(c, options, i) for c in keep) >= max(_support(c, options, i) for c in rest):
        return tuple(keep)
    return cands


def _split_locations(raw: str) -> list[str]:
    """"Belgium & Luxembourg" and "Gent, Antwerpen" are two locations; "Gent, Oost-Vlaanderen" is one;
    "Berlin or Remote" is Berlin and remote work."""
    pieces = [p for p in _SPLIT_LIST.split(raw) if p and p.strip(" ,")]
    if not (len(pieces) > 1 and all(_candidates(p.split(",")[0]) or _names_no_place(p) for p in pieces)):
        pieces = [raw]
    return [part for piece in pieces for part in _split_city_list(piece)]


def _split_city_list(piece: str) -> list[str]:
    """The cities of "Gent, Antwerpen": comma-separated parts that can all be cities and of which
    no two neighbours can lie one inside the other; otherwise the piece itself."""
    parts = [p.strip() for p in piece.split(",") if p.strip()]
    if len(parts) < 2:
        return [piece]
    options = [_candidates(p, i) for i, p in enumerate(parts)]  # "Redmond, WA" is one place
    if not all(any(c.kind in ("municipality", "locality") for c in cands) for cands in options):
        return [piece]
    if any(_may_nest(x, y) for a, b in itertools.pairwise(options) for x in a for y in b):
        return [piece]
    return parts


def _names_no_place(piece: str) -> bool:
    """True for "Remote", "Remote, US" or "EMEA": a piece of a list that is not a city's name."""
    parts = [p for p in _PARTS.split(piece) if p.strip()]
    if not parts:
        return False
    key = fold(parts[0])  # "omgeving" in "Gent en omgeving": only words about a place
    if _PROVINCE_WORD.search(key):
        return False  # "Province of Antwerp" is one place
    return bool(_REMOTE.search(parts[0])) or key in _not_places() or not _NOISE.sub(" ", key).strip()


def _may_nest(a: Place, b: Place) -> bool:
    """True when one place can lie inside the other; "Evere, Brussels" names a commune of the
    Brussels region with the capital's name."""
    return a.consistent_with(b) or (a.region == b.region == "BE-BRU")


@lru_cache(maxsize=16384)
def _parse_one(raw: str, country_hint: str | None) -> tuple[tuple[tuple[str, Any], ...], ...]:
    results = []
    pieces = _split_locations(raw)
    # "Belgium & Luxembourg": when every piece can be a country, each piece is one.
    countries = len(pieces) > 1 and all(
        any(c.kind == "country" for c in _candidates(p)) for p in pieces)
    for piece in pieces:
        parts = [p for p in _PARTS.split(piece) if p.strip()]
        if not parts:
            continue
        # "Luxembourg (province)": the province word may stand in a part of its own
        kind = "country" if countries else "province" if _PROVINCE_WORD.search(piece) else None
        place = _resolve(parts, country_hint, kind)
        if place is None and not _REMOTE.search(piece):
            continue
        postcode = None
        if m := _POSTCODE.search(piece):
            postcode = f"L-{m[1]}" if _LU_POSTCODE.search(piece) else m[1]
        country = place.country if place else None
        results.append(tuple(_location(piece.strip(), place, postcode, country).items()))
    return tuple(results)


def parse_locations(raw: str | list[str] | None, country_hint: str | None = None) -> list[dict]:
    """Locations in ``raw`` (one string or several), each a dict of the export schema.

    Unknown places are left out; a string naming only remote work gives a location with a country
    when one is named ("Remote, Belgium"), none otherwise.
    """
    if not raw:
        return []
    items = [raw] if isinstance(raw, str) else [r for r in raw if isinstance(r, str)]
    out: list[dict] = []
    for item in items:
        if len(item) > 300:
            item = item[:300]
        for loc in _parse_one(item, country_hint):
            as_dict = dict(loc)
            if not any(_same_place(as_dict, seen) for seen in out):
                out.append(as_dict)
    # "Berlin or Remote", "London or Remote (UK)": remote work is in the remote flag; a location
    # that another one says more about adds nothing
    return [loc for loc in out if not any(_inside(other, loc) for other in out if other is not loc)]


def item_locations(structured: list[str], free_text: list[str], country_hint: str | None = None) -> list[dict]:
    """The locations of one ad: its structured addresses (as :func:`address_to_text` writes them)
    and its free-text locations.

    Structured fields beat free text: the country of the structured addresses (when they name one)
    is the hint for reading the free text ("Cambridge" with ``country: GB``). Free text still adds
    what the structure lacks: a city where the address gives only a country ("Ireland" and
    "Dublin" give Dublin), a location where the address names none.
    """
    located = parse_locations(structured, country_hint)
    countries = {loc["country_code"] for loc in located if loc["country_code"]}
    hint = next(iter(countries)) if len(countries) == 1 else country_hint
    out: list[dict] = []
    for loc in [*located, *parse_locations(free_text, hint)]:
        if not any(_same_place(loc, seen) for seen in out):
            out.append(loc)
    return [loc for loc in out if not any(_inside(other, loc) for other in out if other is not loc)]


def _inside(a: dict, b: dict) -> bool:
    """True when ``a`` says more than ``b`` about the same place: ``b`` adds nothing."""
    keys = ("city", "municipality", "postcode", "province_code", "region_code", "country_code")
    if a["country_code"] != b["country_code"] and b["country_code"] is not None:
        return False
    more = [k for k in keys if a[k] and not b[k]]
    return bool(more) and all(b[k] in (None, a[k]) for k in keys)


def _same_place(a: dict, b: dict) -> bool:
    return all(a[k] == b[k] for k in a if k != "raw")


def address_to_text(address: dict[str, Any]) -> str:
    """A schema.org PostalAddress as one "postcode locality, region, country" string."""
    keys = ("postalCode", "addressLocality", "addressRegion", "addressCountry")
    values = []
    for key in keys:
        value = address.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str | int) and str(value).strip():
            values.append(str(value).strip())
    if len(values) >= 2 and address.get("postalCode") and address.get("addressLocality"):
        values[0:2] = [f"{values[0]} {values[1]}"]
    return ", ".join(values)


def mentions_remote(raw: str | list[str] | None) -> bool:
    """True when a location string says the job is remote ("Remote, Belgium", "Télétravail")."""
    if not raw:
        return False
    items = [raw] if isinstance(raw, str) else raw
    return any(isinstance(r, str) and _REMOTE.search(r) for r in items)
