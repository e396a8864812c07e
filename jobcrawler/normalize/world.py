"""The world table (``jobcrawler/data/world.tsv``, built by ``scripts/build_world.py``): read once.

GeoNames' cities over 15,000 inhabitants and European towns over 5,000 (outside Belgium and
Luxembourg, which the gazetteer has in depth), ISO 3166-2 first-level subdivisions of the countries
listed in ``world_supplement.toml``, regions that name no country ("EMEA"), words that are never
places ("EST") and the names whose foreign city, read alone, wins over a Belgian or Luxembourg
place ("Lille").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files


@dataclass(frozen=True, slots=True)
class Subdivision:
    code: str
    country: str
    slot: str  #: "province" or "region": the location field it fills
    population: int  #: of its cities in the table: a weight for ambiguous names
    names: tuple[str, ...]
    abbreviation: str  #: "VA" for US-VA where ads write it after a city; "" otherwise


@dataclass(slots=True)
class World:
    subdivisions: list[Subdivision] = field(default_factory=list)
    #: (name, country, ISO 3166-2 subdivision or "", population) per city: cities stay tuples until
    #: a lookup needs one, so that loading costs a split per line
    cities: list[tuple[str, str, str, int]] = field(default_factory=list)
    #: folded name (``text.fold``, written by the build script) -> indexes into ``cities``
    city_index: dict[str, list[int]] = field(default_factory=dict)
    areas: list[str] = field(default_factory=list)
    never: list[str] = field(default_factory=list)
    world_wins: list[str] = field(default_factory=list)
    europe: frozenset[str] = frozenset()  #: ISO codes of the countries of Europe (GeoNames' EU)


@cache
def world() -> World:
    """The parsed table (about 34,000 rows)."""
    out = World()
    index: dict[str, list[int]] = {}
    text = files("jobcrawler.data").joinpath("world.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        cols = line.split("\t")
        kind = cols[0]
        if kind == "C":
            number = len(out.cities)
            out.cities.append((cols[1], cols[2], cols[3], int(cols[4])))
            for key in cols[5].split("|"):
                if (known := index.get(key)) is None:
                    index[key] = [number]
                else:
                    known.append(number)
        elif kind == "S":
            out.subdivisions.append(Subdivision(cols[1], cols[2], cols[3], int(cols[4]),
                                                tuple(cols[5].split("|")), cols[6]))
        elif kind == "A":
            out.areas.append(cols[1])
        elif kind == "N":
            out.never.append(cols[1])
        elif kind == "W":
            out.world_wins.append(cols[1])
        elif kind == "E":
            out.europe = frozenset(cols[1].split("|"))
    out.city_index = index
    return out
