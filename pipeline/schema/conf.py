"""brat's annotation.conf: the part of its syntax the schema uses, parsed once.

Written by hand for the reason given in `pipeline/brat/`: no maintained package reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CONF_NAME = "annotation.conf"
PACKAGED_CONF = Path(__file__).resolve().parent / CONF_NAME


@dataclass
class RoleSpec:
    name: str
    types: frozenset[str]
    optional: bool  # '?' or '*'
    multiple: bool  # '*' or '+'


@dataclass
class AnnotationConf:
    entities: set[str] = field(default_factory=set)
    relations: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    events: dict[str, dict[str, RoleSpec]] = field(default_factory=dict)
    # attribute -> (allowed target types or <EVENT>/<ENTITY>, allowed values; none = yes/no)
    attributes: dict[str, tuple[frozenset[str], tuple[str, ...]]] = field(default_factory=dict)
    path: str = ""


def parse_conf(text: str, path: str = "") -> AnnotationConf:
    """Parse the subset of brat's annotation.conf syntax the schema uses."""
    conf = AnnotationConf(path=path)
    section = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.fullmatch(r"\s*\[(\w+)\]\s*", line)
        if m:
            section = m.group(1)
            continue
        name, _, rest = line.strip().partition("\t")
        name = name.strip().lstrip("!")  # '!' marks an abstract type in brat
        if name.startswith("<"):
            continue  # <OVERLAP> and macro definitions
        specs = [s.strip() for s in rest.split(",") if s.strip()]
        if section == "entities":
            conf.entities.add(name)
        elif section == "relations":
            conf.relations[name] = {
                k: frozenset(v.split("|")) for k, _, v in (s.partition(":") for s in specs)
            }
        elif section == "events":
            roles: dict[str, RoleSpec] = {}
            for spec in specs:
                role, _, types = spec.partition(":")
                mark = role[-1] if role[-1:] in "?*+" else ""
                role = role.rstrip("?*+")
                roles[role] = RoleSpec(
                    role,
                    frozenset(types.split("|")),
                    mark in "?*" and mark != "",
                    mark in "*+" and mark != "",
                )
            conf.events[name] = roles
        elif section == "attributes":
            targets: frozenset[str] = frozenset()
            values: tuple[str, ...] = ()
            for spec in specs:
                key, _, val = spec.partition(":")
                if key == "Arg":
                    targets = frozenset(val.split("|"))
                elif key == "Value":
                    values = tuple(val.split("|"))
            conf.attributes[name] = (targets, values)
    return conf


def load_conf(directory: Path | None = None) -> AnnotationConf:
    """annotation.conf found in `directory`, else the copy packaged with bnevents."""
    if directory is not None and (directory / CONF_NAME).is_file():
        path = directory / CONF_NAME
    else:
        path = PACKAGED_CONF
    return parse_conf(path.read_text(encoding="utf-8"), str(path))


