"""assets: fingerprinted theme files (``asset()`` in templates), icons and the web app manifest."""

from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from .fingerprint import AssetCatalogue, catalogue_for
from .manifest import MANIFEST_NAME, manifest_json


def add_asset_function(pelican) -> None:
    """Hash the theme's files once, before any generator builds its Jinja environment."""
    catalogue = catalogue_for(pelican.settings)
    pelican.settings["ASSET_CATALOGUE"] = catalogue
    pelican.settings["JINJA_GLOBALS"] = {**pelican.settings.get("JINJA_GLOBALS", {}), "asset": catalogue.url}


class AssetsGenerator(Generator):
    """Writes the fingerprinted files and the manifest with the rest of the output."""

    def generate_output(self, writer) -> None:
        catalogue: AssetCatalogue = self.settings["ASSET_CATALOGUE"]
        output = Path(self.output_path)
        catalogue.write(output)
        (output / MANIFEST_NAME).write_text(manifest_json(self.settings, catalogue), encoding="utf-8")


def add_generator(pelican) -> type:
    return AssetsGenerator


def register() -> None:
    signals.initialized.connect(add_asset_function)
    signals.get_generators.connect(add_generator)
