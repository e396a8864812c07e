"""The site registry: ``sites.toml``, one table per configured site.

```toml
[sites.adecco]
platform = "talentbrew"                     # a spider name (scrapy list)
base_url = "https://careers.adeccogroup.com"
employer = "The Adecco Group"               # optional hints: employer, agency, country, language
countries = ["BE", "LU"]                    # optional: keep only ads in these countries
```
Every other key is passed to the platform spider as an argument.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_FILE = "sites.toml"
HINT_KEYS = ("employer", "agency", "country", "language", "countries")
_NAME_OK = set("abcdefghijklmnopqrstuvwxyz0123456789_-")


class SiteConfigError(ValueError):
    """The registry file is missing or names a site or key wrongly."""


@dataclass(frozen=True)
class Site:
    """One configured site."""

    name: str
    platform: str
    options: dict[str, Any] = field(default_factory=dict)

    def spider_kwargs(self) -> dict[str, Any]:
        """Arguments for the platform spider (``-a key=value`` on the command line)."""
        return {"site": self.name, **self.options}


def sites_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The registry file: ``explicit``, else ``$JOBCRAWLER_SITES``, else ``./sites.toml``."""
    return Path(explicit or os.environ.get("JOBCRAWLER_SITES") or DEFAULT_FILE)


def load_sites(path: str | os.PathLike[str] | None = None,
               platforms: set[str] | None = None) -> dict[str, Site]:
    """Read and validate the registry; ``platforms`` are the known spider names, if checked."""
    file = sites_path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteConfigError(f"site registry {file} not found (set --sites or JOBCRAWLER_SITES)") from None
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"site registry {file} is not valid TOML: {exc}") from None
    tables = data.get("sites")
    if not isinstance(tables, dict) or not tables:
        raise SiteConfigError(f"{file}: no [sites.NAME] tables")
    sites = {}
    for name, table in tables.items():
        where = f"{file}: site {name!r}"
        if not set(name) <= _NAME_OK:
            raise SiteConfigError(f"{where}: names use a-z, 0-9, '-' and '_' only")
        if not isinstance(table, dict):
            raise SiteConfigError(f"{where}: must be a table")
        platform = table.get("platform")
        if not isinstance(platform, str) or not platform:
            raise SiteConfigError(f"{where}: key 'platform' (a spider name) is required")
        if platforms is not None and platform not in platforms:
            raise SiteConfigError(
                f"{where}: unknown platform {platform!r} (known: {', '.join(sorted(platforms))})")
        options = {k: v for k, v in table.items() if k != "platform"}
        for key in ("country", "language"):
            value = options.get(key)
            if value is not None and not (isinstance(value, str) and len(value) == 2):
                raise SiteConfigError(f"{where}: key {key!r} must be a two-letter code")
        countries = options.get("countries")
        if countries is not None and not (
                isinstance(countries, list) and all(isinstance(c, str) and len(c) == 2
                                                    for c in countries)):
            raise SiteConfigError(f"{where}: key 'countries' must be a list of two-letter codes")
        for key, value in options.items():
            if key.endswith("url") and not (isinstance(value, str)
                                            and value.startswith(("http://", "https://"))):
                raise SiteConfigError(f"{where}: key {key!r} must be an http(s) URL")
        sites[name] = Site(name=name, platform=platform, options=options)
    return sites


def select_sites(sites: dict[str, Site], names: list[str] | tuple[str, ...]) -> list[Site]:
    """The sites named (all when none are), in registry order; unknown names are an error."""
    if not names:
        return list(sites.values())
    unknown = [n for n in names if n not in sites]
    if unknown:
        raise SiteConfigError(
            f"unknown site(s) {', '.join(unknown)} (configured: {', '.join(sites)})")
    return [sites[n] for n in names]
