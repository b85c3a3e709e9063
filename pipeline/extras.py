"""Optional extras: a clear one-sentence error when a command needs a package not installed.

The core install (`pip install bnevents`) runs `bnevents run`; training, the report's
charts and the Dask engine need the extras named in pyproject.toml.
"""

from __future__ import annotations

import importlib
import importlib.util
import types


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def require(module: str, extra: str, purpose: str) -> types.ModuleType:
    """Import `module`, or raise MissingExtra saying which extra provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(_message(module, extra, purpose)) from exc


def ensure_installed(module: str, extra: str, purpose: str) -> None:
    """Raise MissingExtra unless `module` can be imported, without importing it (a command
    checks its extras before it starts long work; bnlp must not be imported carelessly)."""
    try:
        spec = importlib.util.find_spec(module.split(".")[0])
    except (ImportError, ValueError):  # a finder that refuses it; a module without a spec
        spec = None
    if spec is None:
        raise MissingExtra(_message(module, extra, purpose))


def _message(module: str, extra: str, purpose: str) -> str:
    top = module.split(".")[0]
    return f"{purpose} needs {top}, which is not installed: pip install 'bnevents[{extra}]'"
