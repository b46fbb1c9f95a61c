"""A staticfiles finder that serves plotly.js straight out of the installed plotly wheel.

The wheel already ships the exact plotly.js its Python figures are written for, so committing a 4.8 MB copy
would only add a second version to keep in step. Pages load it as {% static "vendor/plotly/plotly.min.js" %};
findstatic, runserver, WhiteNoise's finder mode and collectstatic all see it like any other static file.
"""

import os
from importlib import resources

from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder, searched_locations
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
FILENAME = "plotly.min.js"
PATH = f"{PREFIX}/{FILENAME}"


def package_data_dir():
    """The plotly wheel's package_data folder, which holds plotly.min.js (among files we do not serve)."""
    return str(resources.files("plotly") / "package_data")


class PlotlyFinder(BaseFinder):
    """Finds exactly one path, vendor/plotly/plotly.min.js, in the plotly package."""

    def __init__(self, *args, **kwargs):
        self.root = package_data_dir()
        # collectstatic copies `path` from the storage to `storage.prefix/path`, as FileSystemFinder's
        # prefixed STATICFILES_DIRS entries do; so list() yields the bare file name.
        self.storage = FileSystemStorage(location=self.root)
        self.storage.prefix = PREFIX
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        if os.path.isfile(os.path.join(self.root, FILENAME)):
            return []
        return [Error(f"plotly.js is missing from the plotly package: {self.root}/{FILENAME}", id="yingkou.E001")]

    # The `**kwargs` take the deprecated `all` argument until Django 6.1, as BaseFinder.find does.
    def find(self, path, find_all=False, **kwargs):
        """Return the absolute path of plotly.min.js for its one static path (a list if find_all)."""
        if kwargs:
            find_all = self._check_deprecated_find_param(find_all=find_all, **kwargs)
        if self.root not in searched_locations:  # reported by `findstatic --verbosity 2`
            searched_locations.append(self.root)
        match = self.storage.path(FILENAME) if path == PATH and self.storage.exists(FILENAME) else None
        if find_all:
            return [match] if match else []
        return match

    def list(self, ignore_patterns):
        """Yield ("plotly.min.js", storage); the storage's prefix puts it at vendor/plotly/ when collected."""
        if self.storage.exists(FILENAME) and not utils.matches_patterns(FILENAME, ignore_patterns or []):
            yield FILENAME, self.storage
