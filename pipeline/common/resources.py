"""The data the package ships — templates, schemas, message catalogs — read with importlib.resources.

In a checkout, `pipeline/templates` and `pipeline/schemas` are links to the top-level folders staff
know; in an installed wheel they are ordinary package folders. Either way the code asks for them
here and never works out paths from its own location.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path


def shipped(*parts: str) -> Traversable:
    """A file or folder shipped with the package, e.g. shipped('templates', 'hardship_letter.docx')."""
    resource = files("pipeline")
    for part in parts:
        resource = resource / part
    return resource


def shipped_path(*parts: str) -> Path:
    """The same as a filesystem path (gettext and YAML loaders need one). The package is installed
    as files (a wheel or a checkout), so the path stays valid after the context closes."""
    with as_file(shipped(*parts)) as path:
        return Path(path)
