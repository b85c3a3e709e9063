"""Language packs: every word list, pattern and table the stages read, as data files.

A pack is a folder (`lang/bn/`) of YAML and TSV files, each with a header naming its
source. A variant is an overlay: a folder holding `pack.yaml` (`base: bn`) and only the
files, or the keys of files, that differ (`lang/bn_IN/`: টাকা is the Indian rupee, the
traditional Bengali calendar). Like dateparser's locale data, an overlay is merged over
its base when a stage is built, never at import, so two variants can run in one process.

Merging rules, the same for every file:
- YAML: mappings merge key by key, recursively; any other value (a list, a string)
  in the overlay replaces the base's value. `null` in the overlay deletes the key.
- TSV: the overlay's rows replace the base's rows with the same first column and
  add the others; a row whose second column is `-` deletes that key.
"""

from __future__ import annotations

import copy
import functools
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LANG_DIR = Path(__file__).resolve().parent
DEFAULT_LANG = "bn"
PACK_FILE = "pack.yaml"
_DELETE = "-"


class PackError(ValueError):
    """A language pack that cannot be loaded: unknown name, missing file, bad overlay."""


@dataclass(eq=False)
class LanguagePack:
    """One language variant's data, its layers merged on first use of each file."""

    name: str
    layers: tuple[Path, ...]  # the base pack's folder first, then each overlay's
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def yaml(self, name: str) -> Any:
        """The merged content of a YAML file (cached; treat the result as read-only)."""
        return self._cached(("yaml", name), lambda: self._merge_yaml(name))

    def tsv(self, name: str) -> list[list[str]]:
        """The merged rows of a TSV file, '#' comments and blank lines skipped."""
        return self._cached(("tsv", name), lambda: self._merge_tsv(name))

    @property
    def locale(self) -> str:
        """The CLDR/dateparser locale of the pack (`locale` in pack.yaml, inherited)."""
        locale = (self.yaml(PACK_FILE) or {}).get("locale")
        if not locale:
            raise PackError(f"language pack {self.name!r} names no locale in {PACK_FILE}")
        return str(locale)

    def has(self, name: str) -> bool:
        return any((layer / name).is_file() for layer in self.layers)

    def path(self, name: str) -> Path:
        """The base layer's copy of a file (for messages and for files read whole)."""
        for layer in self.layers:
            if (layer / name).is_file():
                return layer / name
        raise PackError(f"language pack {self.name!r} has no {name}")

    def _cached(self, key: Any, build: Any) -> Any:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = build()
            return self._cache[key]

    def _files(self, name: str) -> list[Path]:
        files = [layer / name for layer in self.layers if (layer / name).is_file()]
        if not files:
            raise PackError(f"language pack {self.name!r} has no {name} "
                            f"(looked in {', '.join(str(p) for p in self.layers)})")
        return files

    def _merge_yaml(self, name: str) -> Any:
        merged: Any = None
        for path in self._files(name):
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
            merged = data if merged is None else _merge(merged, data)
        return merged

    def _merge_tsv(self, name: str) -> list[list[str]]:
        base, *overlays = self._files(name)
        rows = _read_tsv(base)
        for overlay in overlays:
            changes = _read_tsv(overlay)
            replaced = {row[0] for row in changes}
            rows = [row for row in rows if row[0] not in replaced]
            rows.extend(row for row in changes if not (len(row) > 1 and row[1] == _DELETE))
        return rows


def _merge(base: Any, overlay: Any) -> Any:
    if not isinstance(base, dict) or not isinstance(overlay, dict):
        return copy.deepcopy(overlay)
    out = dict(base)
    for key, value in overlay.items():
        if value is None:
            out.pop(key, None)
        elif key in out:
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read_tsv(path: Path) -> list[list[str]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                rows.append(line.split("\t"))
    return rows


def available() -> list[str]:
    """Names of the packs shipped in `pipeline/lang/`."""
    return sorted(p.name for p in LANG_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))


def _layers(folder: Path, seen: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    if folder in seen:
        raise PackError(f"language pack overlay cycle at {folder}")
    meta_path = folder / PACK_FILE
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    base = (meta or {}).get("base")
    if not base:
        return (folder,)
    return (*_layers(_folder(base), (*seen, folder)), folder)


def _folder(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.is_dir():
        return path.resolve()
    folder = LANG_DIR / str(name_or_path)
    if not folder.is_dir():
        raise PackError(f"unknown language pack {str(name_or_path)!r}; "
                        f"choose from {', '.join(available())} or give a pack folder")
    return folder


@functools.cache
def load_pack(name_or_path: str | Path = DEFAULT_LANG) -> LanguagePack:
    """The pack called `name_or_path` (`bn`, `bn_IN`) or held in that folder (an overlay
    folder names its base in pack.yaml). Loading reads only pack.yaml files; each data
    file is read and merged when a stage first asks for it."""
    folder = _folder(name_or_path)
    return LanguagePack(folder.name, _layers(folder))
