"""The site registry: ``sites.toml``, one table per configured site.

```toml
[sites.adecco]
platform = "talentbrew"                     # a spider name (scrapy list)
base_url = "https://careers.adeccogroup.com"
employer = "The Adecco Group"               # optional hints: employer, agency, country, language
countries = ["BE", "LU"]                    # optional: keep only ads in these countries
```
Every other key is passed to the platform spider as an argument. The keys a platform takes are
those its spider's ``__init__`` declares (nothing is listed twice); :func:`read_registry` checks
every table against them before anything runs: required keys, unknown keys ("did you mean"),
value types, JSON and regular-expression values, unknown platforms.
"""

from __future__ import annotations

import difflib
import inspect
import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_FILE = "sites.toml"
HINT_KEYS = ("employer", "agency", "country", "language", "countries")
_NAME_OK = set("abcdefghijklmnopqrstuvwxyz0123456789_-")
_NEEDS = re.compile(r"needs -a (\w+)=")


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


@dataclass(frozen=True)
class Registry:
    """A registry file read and checked: its good sites, and a problem per broken one."""

    path: Path
    sites: dict[str, Site]
    #: Site name -> what is wrong with it, as one line naming the file, the site and the key.
    broken: dict[str, str]

    @property
    def names(self) -> list[str]:
        return [*self.sites, *self.broken]


def sites_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The registry file: ``explicit``, else ``$JOBCRAWLER_SITES``, else ``./sites.toml``."""
    return Path(explicit or os.environ.get("JOBCRAWLER_SITES") or DEFAULT_FILE)


def spider_classes() -> dict[str, type]:
    """Every platform (spider) by name, from jobcrawler's own settings (no scrapy.cfg needed)."""
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    settings = Settings()
    settings.setmodule("jobcrawler.settings", priority="project")
    loader = SpiderLoader.from_settings(settings)
    return {name: loader.load(name) for name in loader.list()}


def platform_keys(spider_cls: type) -> set[str]:
    """The keys a site of this platform may have: the spider's ``__init__`` arguments.

    ``company`` is the base's shortcut for hosted platforms (``company_url``); it counts only
    there, or where the platform itself declares it.
    """
    from jobcrawler.spiders.base import JobSpider

    keys: set[str] = set()
    for klass in spider_cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass.__module__.startswith("scrapy"):
            continue
        names = {p.name for p in inspect.signature(init).parameters.values()
                 if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "self"}
        if klass is JobSpider and not getattr(spider_cls, "company_url", None):
            names.discard("company")
        keys |= names
    keys.discard("site")  # the table's name
    return keys


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _value_problem(key: str, value: Any) -> str | None:
    """What is wrong with one value, judged by its key; None when it is fine."""
    if key in ("country", "language"):
        if not (isinstance(value, str) and len(value) == 2 and value.isalpha()):
            return f"key {key!r} must be a two-letter code, not {value!r}"
    elif key == "countries":
        if not (isinstance(value, list) and value and all(
                isinstance(c, str) and len(c) == 2 and c.isalpha() for c in value)):
            return f"key 'countries' must be a list of two-letter codes, e.g. [\"BE\", \"LU\"], not {value!r}"
    elif key.endswith("url") or key == "url":
        if not (isinstance(value, str) and value.startswith(("http://", "https://"))):
            return f"key {key!r} must be an http(s) URL, not {value!r}"
    elif key == "page_size":
        number = value if isinstance(value, int) and not isinstance(value, bool) else (
            int(value) if isinstance(value, str) and value.isdigit() else None)
        if number is None or number < 1:
            return f"key 'page_size' must be a whole number above 0, not {value!r}"
    elif key == "facets":
        facets = value
        if isinstance(value, str):
            try:
                facets = json.loads(value)
            except ValueError as exc:
                return f"key 'facets' is not valid JSON ({exc})"
        if not isinstance(facets, dict):
            return "key 'facets' must be a JSON object (or a TOML table), e.g. '{\"locations\": [\"...\"]}'"
    elif key.endswith("_pattern"):
        if not isinstance(value, str):
            return f"key {key!r} must be a regular expression in a string"
        try:
            re.compile(value)
        except re.error as exc:
            return f"key {key!r} is not a valid regular expression ({exc})"
    elif key.endswith("_css"):
        from cssselect import SelectorError
        from parsel.csstranslator import css2xpath

        if not isinstance(value, str):
            return f"key {key!r} must be a CSS selector in a string"
        try:
            css2xpath(value)
        except SelectorError as exc:
            return f"key {key!r} is not a valid CSS selector ({exc})"
    elif not (isinstance(value, str) and value.strip()):
        return f"key {key!r} must be a non-empty string, not {value!r}"
    return None


def check_site(name: str, table: Any, platforms: Mapping[str, type | None] | None = None) -> Site:
    """One table as a :class:`Site`; :class:`SiteConfigError` (without the file name) when it is
    wrong. With ``platforms`` (name -> spider class), the platform and its keys are checked too,
    and the spider is built once with the table's values (what a crawl would do first)."""
    if not set(name) <= _NAME_OK:
        raise SiteConfigError(f"site {name!r}: names use a-z, 0-9, '-' and '_' only")
    if not isinstance(table, dict):
        raise SiteConfigError(f"site {name!r}: must be a table ([sites.{name}])")
    platform = table.get("platform")
    if not isinstance(platform, str) or not platform:
        raise SiteConfigError(f"site {name!r}: key 'platform' (a spider name) is required")
    if platforms is not None and platform not in platforms:
        raise SiteConfigError(
            f"site {name!r}: unknown platform {platform!r}{_did_you_mean(platform, platforms)} "
            f"(known: {', '.join(sorted(platforms))})")
    options = {k: v for k, v in table.items() if k != "platform"}
    spider_cls = platforms.get(platform) if platforms is not None else None
    if spider_cls is not None:
        accepted = platform_keys(spider_cls)
        for key in options:
            if key not in accepted:
                hint = _did_you_mean(key, accepted) or f" (it takes: {', '.join(sorted(accepted))})"
                raise SiteConfigError(f"site {name!r}: unknown key {key!r} for platform {platform!r}{hint}")
    for key, value in options.items():
        if problem := _value_problem(key, value):
            raise SiteConfigError(f"site {name!r}: {problem}")
    site = Site(name=name, platform=platform, options=options)
    if spider_cls is not None:
        try:
            spider_cls(**site.spider_kwargs())
        except (ValueError, TypeError) as exc:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if needed := _NEEDS.search(message):
                message = f"platform {platform!r} needs key {needed[1]!r}"
            raise SiteConfigError(f"site {name!r}: {message}") from None
    return site


def read_registry(path: str | os.PathLike[str] | None = None,
                  platforms: Mapping[str, type | None] | Iterable[str] | None = None) -> Registry:
    """Read the registry and check every site; a broken site is set apart, not fatal.

    ``platforms``: spider classes by name (every check), or just the known names, or None (no
    platform check). Raises :class:`SiteConfigError` when the file itself cannot be used.
    """
    file = sites_path(path)
    if platforms is not None and not isinstance(platforms, Mapping):
        platforms = dict.fromkeys(platforms)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteConfigError(f"no site registry {file} here (run from the folder that holds it, "
                              "or give --sites FILE or $JOBCRAWLER_SITES)") from None
    except IsADirectoryError:
        raise SiteConfigError(f"site registry {file} is a folder, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteConfigError(f"cannot read the site registry {file}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"site registry {file} is not valid TOML: {exc}") from None
    for key in data:
        if key != "sites":
            raise SiteConfigError(f"{file}: unknown table or key {key!r}{_did_you_mean(key, ['sites'])}"
                                  " (a site is a [sites.NAME] table)")
    tables = data.get("sites")
    if not isinstance(tables, dict) or not tables:
        raise SiteConfigError(f"{file}: no [sites.NAME] tables")
    sites: dict[str, Site] = {}
    broken: dict[str, str] = {}
    for name, table in tables.items():
        try:
            sites[name] = check_site(name, table, platforms)
        except SiteConfigError as exc:
            broken[name] = f"{file}: {exc}"
    return Registry(path=file, sites=sites, broken=broken)


def load_sites(path: str | os.PathLike[str] | None = None,
               platforms: Mapping[str, type | None] | Iterable[str] | None = None) -> dict[str, Site]:
    """Read and check the registry; the first broken site is an error."""
    registry = read_registry(path, platforms)
    if registry.broken:
        raise SiteConfigError(next(iter(registry.broken.values())))
    return registry.sites


def select_sites(sites: Mapping[str, Any] | Registry, names: list[str] | tuple[str, ...]) -> list[Any]:
    """The sites named (all when none are), in registry order; unknown names are an error."""
    known = sites.names if isinstance(sites, Registry) else list(sites)
    table = sites.sites if isinstance(sites, Registry) else sites
    if not names:
        return list(table.values())
    unknown = [n for n in names if n not in known]
    if unknown:
        hint = _did_you_mean(unknown[0], known) if len(unknown) == 1 else ""
        raise SiteConfigError(
            f"unknown site{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}{hint} "
            f"(configured: {', '.join(known)})")
    return [table[n] for n in names if n in table]
