"""Optional extras: a clear one-sentence error when a command needs a package not installed.

The core install (`pip install bnevents`) runs `bnevents run`; training, the report's
charts and the Dask engine need the extras named in pyproject.toml.
"""

from __future__ import annotations

import importlib
import types


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def require(module: str, extra: str, purpose: str) -> types.ModuleType:
    """Import `module`, or raise MissingExtra saying which extra provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        raise MissingExtra(
            f"{purpose} needs {top}, which is not installed: pip install 'bnevents[{extra}]'"
        ) from exc
