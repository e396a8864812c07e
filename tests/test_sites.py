"""The site registry: every broken entry is refused with a message naming the site and the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jobcrawler.sites import (
    SiteConfigError,
    load_sites,
    platform_keys,
    read_registry,
    select_sites,
    spider_classes,
)
from tests.conftest import FIXTURES, ROOT
from tests.test_cli import run

PLATFORMS = {"talentbrew", "greenhouse", "lever", "vivid"}


@pytest.mark.parametrize(("toml", "message"), [
    ("", "no [sites.NAME] tables"),
    ("[sites.acme]\nboard = 'x'\n", "site 'acme': key 'platform'"),
    ("[sites.acme]\nplatform = 'greenhous'\n", "site 'acme': unknown platform 'greenhous'"),
    ("[sites.acme]\nplatform = 'greenhouse'\ncountry = 'Belgium'\n", "key 'country' must be a two-letter"),
    ("[sites.acme]\nplatform = 'greenhouse'\ncountries = 'BE'\n", "key 'countries' must be a list"),
    ("[sites.acme]\nplatform = 'talentbrew'\nbase_url = 'careers.acme.com'\n",
     "key 'base_url' must be an http(s) URL"),
    ("[sites.'Acme Corp']\nplatform = 'greenhouse'\n", "names use a-z, 0-9"),
    ("[sites.acme\nplatform = 'greenhouse'\n", "is not valid TOML"),
    ("sites = 3\n", "no [sites.NAME] tables"),
])
def test_broken_registries_are_refused_clearly(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(toml)
    with pytest.raises(SiteConfigError, match=re.escape(message)):
        load_sites(path, PLATFORMS)


def test_missing_registry_and_unknown_site(tmp_path: Path) -> None:
    with pytest.raises(SiteConfigError, match="no site registry"):
        load_sites(tmp_path / "nope.toml")
    sites = load_sites(ROOT / "sites.toml")
    with pytest.raises(SiteConfigError, match="unknown site"):
        select_sites(sites, ["adecco", "acme"])
    assert [s.name for s in select_sites(sites, ["vivid"])] == ["vivid"]


def test_every_shipped_site_passes_every_check() -> None:
    """Platform, keys, values, and the spider built with them: both shipped registries."""
    platforms = spider_classes()
    for registry in (ROOT / "sites.toml", FIXTURES / "sites.toml"):
        checked = read_registry(registry, platforms)
        assert checked.broken == {} and checked.sites


def test_a_broken_site_is_set_apart_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text('[sites.good]\nplatform = "vivid"\n[sites.bad]\nplatform = "greenhouse"\n'
                    'bord = "x"\n')
    registry = read_registry(path, spider_classes())
    assert list(registry.sites) == ["good"] and list(registry.broken) == ["bad"]
    assert registry.names == ["good", "bad"]
    assert [s.name for s in select_sites(registry, ["good"])] == ["good"]
    with pytest.raises(SiteConfigError, match="unknown key 'bord'"):
        load_sites(path, spider_classes())


def test_platform_keys_are_the_spiders_arguments() -> None:
    platforms = spider_classes()
    assert platform_keys(platforms["greenhouse"]) == {
        "board", "base_url", "page_size", "employer", "agency", "country", "language", "countries"}
    assert "company" in platform_keys(platforms["recruitee"])  # company_url: {company}.recruitee.com
    assert {"tenant", "career_site", "facets"} <= platform_keys(platforms["workday"])
    assert {"url", "link_pattern"} <= platform_keys(platforms["jsonld"])


def test_sites_command_lists_platform_and_last_result(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    assert run("replay", "vivid", "--db", db).returncode == 0
    result = run("sites", "--db", db)
    assert result.returncode == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "vivid" in lines and "ok" in lines["vivid"] and "(2 ads)" in lines["vivid"]
    assert "never run" in lines["collibra"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[sites.x]\n")
    result = run("sites", "--sites", str(bad))
    assert result.returncode == 2 and "key 'platform'" in result.stderr


def test_every_fixture_folder_is_a_demo_site_with_golden_items() -> None:
    """A recorded site (fixtures/NAME/responses.json) is replayed and checked against its golden
    items only if fixtures/sites.toml names it (README, "Add a site")."""
    recorded = {p.parent.name for p in FIXTURES.glob("*/responses.json")}
    demo = set(load_sites(FIXTURES / "sites.toml"))
    assert recorded == demo
    assert all((FIXTURES / name / "expected.jsonl").is_file() for name in demo)
