"""assets: fingerprinted theme files (``asset()`` in templates), icons, the web app manifest,
and one compiled copy of each template for all of a build's generators (templates.py)."""

from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from .fingerprint import AssetCatalogue, catalogue_for
from .manifest import MANIFEST_NAME, manifest_json
from .templates import SharedTemplateCode


def add_asset_function(pelican) -> None:
    """Hash the theme's files once, before any generator builds its Jinja environment."""
    catalogue = catalogue_for(pelican.settings)
    pelican.settings["ASSET_CATALOGUE"] = catalogue
    pelican.settings["JINJA_GLOBALS"] = {**pelican.settings.get("JINJA_GLOBALS", {}), "asset": catalogue.url}
    # Every generator's environment shares one compiled copy of each template (templates.py).
    jinja = pelican.settings.get("JINJA_ENVIRONMENT", {})
    if "bytecode_cache" not in jinja:
        pelican.settings["JINJA_ENVIRONMENT"] = {**jinja, "bytecode_cache": SharedTemplateCode()}


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
