"""The site registry: every broken entry is refused with a message naming the site and the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jobcrawler.sites import SiteConfigError, load_sites, select_sites
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


def test_every_shipped_site_names_a_real_spider() -> None:
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    settings = Settings()
    settings.setmodule("jobcrawler.settings")
    names = set(SpiderLoader.from_settings(settings).list())
    for registry in (ROOT / "sites.toml", FIXTURES / "sites.toml"):
        assert load_sites(registry, names)


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
