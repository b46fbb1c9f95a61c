"""PlotlyFinder: plotly.js is served from the installed plotly wheel at vendor/plotly/plotly.min.js."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.utils.deprecation import RemovedInDjango61Warning

from yingkou_targets.staticfinders import PlotlyFinder

PATH = "vendor/plotly/plotly.min.js"
DEFAULT_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]


@pytest.fixture
def with_finder(settings):
    settings.STATICFILES_FINDERS = [*DEFAULT_FINDERS, "yingkou_targets.staticfinders.PlotlyFinder"]


def test_find_returns_the_wheels_plotly_js(with_finder):
    found = Path(finders.find(PATH))
    assert found.is_file()
    assert found.parts[-2:] == ("package_data", "plotly.min.js")
    assert b"plotly.js v4.1.1" in found.read_bytes()[:200]


def test_the_vendored_locale_matches_the_served_plotly_js(with_finder):
    # The locale comes from npm (static/vendor/update.sh); it must be for the same plotly.js version.
    locale = Path(finders.find("vendor/plotly/plotly-locale-zh-cn.js")).read_text()
    assert 'name:"zh-CN"' in locale
    assert "sourceMappingURL" not in locale
    versions = (Path(__file__).resolve().parent.parent / "static/vendor/VERSIONS.txt").read_text()
    assert "plotly.js 4.1.1 locale" in versions


@pytest.mark.parametrize("path", ["plotly.min.js", "vendor/plotly/widgetbundle.js", "vendor/plotly/../plotly.min.js"])
def test_finds_nothing_else(path):
    finder = PlotlyFinder()
    assert finder.find(path) is None
    assert finder.find(path, find_all=True) == []


def test_find_all_returns_a_list():
    assert PlotlyFinder().find(PATH, find_all=True) == [PlotlyFinder().find(PATH)]


def test_the_deprecated_all_argument_still_works():
    with pytest.warns(RemovedInDjango61Warning):
        assert PlotlyFinder().find(PATH, all=True) == [PlotlyFinder().find(PATH)]


def test_list_yields_the_one_file_under_its_prefix():
    listed = list(PlotlyFinder().list(ignore_patterns=[]))
    assert [(storage.prefix + "/" + path) for path, storage in listed] == [PATH]
    ((path, storage),) = listed
    assert storage.exists(path)


def test_list_honours_ignore_patterns():
    assert list(PlotlyFinder().list(ignore_patterns=["*.js"])) == []


def test_the_check_passes():
    assert PlotlyFinder().check() == []


def test_collectstatic_copies_it_to_its_static_path(with_finder, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / PATH).read_bytes() == Path(PlotlyFinder().find(PATH)).read_bytes()
    assert not (tmp_path / "plotly.min.js").exists()
