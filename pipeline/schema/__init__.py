"""The annotation schema, read from its two sources and nowhere else written down.

- `annotation.conf` (brat's own format, shared with the annotators): the mention types,
  the event types with their roles and the types each role takes, the attributes.
- `policy.yaml`: what brat's format cannot say: which mention types are values, the norm
  prefixes, the QUANTITY unit codes, and each event type's CAMEO code, actor semantics and
  the policies the event stage applies to it.

Every code set a stage, the validator, the writer or the scorer uses is a property of
`Schema`; a different schema (a test's toy event type, a project's extension) is a folder
with these two files, passed as `Config(schema_dir=…)`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.schema.conf import CONF_NAME, AnnotationConf, parse_conf

SCHEMA_DIR = Path(__file__).resolve().parent
POLICY_NAME = "policy.yaml"


class SchemaError(ValueError):
    """annotation.conf and policy.yaml disagree, or one of them is malformed."""


@dataclass(frozen=True)
class EventType:
    """One event type: its roles from annotation.conf, its policy from policy.yaml."""

    name: str
    cameo: str
    ordered: bool  # Actor1/Actor2 are distinct roles (visitor/host), not interchangeable
    actors: tuple[str, ...]  # what Actor1 and Actor2 are (for people reading the tables)
    roles: dict[str, frozenset[str]]  # role -> the mention types it takes
    policy: dict[str, Any] = field(default_factory=dict)  # every other key of policy.yaml

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def flag(self, key: str) -> bool:
        """A yes/no policy of this type (absent = no)."""
        return bool(self.policy.get(key, False))


@dataclass(frozen=True)
class Schema:
    conf: AnnotationConf
    entity_types: tuple[str, ...]
    value_types: tuple[str, ...]
    norm_prefixes: dict[str, str]
    quantity_units: frozenset[str]
    event_types: dict[str, EventType]
    sectors: tuple[str, ...]  # values of the Sector attribute
    sector_types: frozenset[str]  # event types the Sector attribute applies to
    directory: Path

    @property
    def mention_types(self) -> tuple[str, ...]:
        return self.entity_types + self.value_types

    def event(self, name: str) -> EventType:
        try:
            return self.event_types[name]
        except KeyError:
            raise SchemaError(f"event type {name!r} is not in {self.directory / CONF_NAME}") \
                from None

    def types_with_role(self, role: str) -> frozenset[str]:
        return frozenset(n for n, t in self.event_types.items() if t.has_role(role))

    def types_with(self, policy_key: str) -> frozenset[str]:
        return frozenset(n for n, t in self.event_types.items() if t.flag(policy_key))


def _read(directory: Path) -> tuple[AnnotationConf, dict[str, Any]]:
    conf_path, policy_path = directory / CONF_NAME, directory / POLICY_NAME
    for path in (conf_path, policy_path):
        if not path.is_file():
            raise SchemaError(f"{path}: schema file is missing")
    conf = parse_conf(conf_path.read_text(encoding="utf-8"), str(conf_path))
    policy = yaml.safe_load(policy_path.read_text(encoding="utf-8")) or {}
    return conf, policy


@functools.cache
def load_schema(directory: Path | str = SCHEMA_DIR) -> Schema:
    """The schema in `directory` (default: the one shipped in pipeline/schema/), checked:
    both files must name the same mention and event types."""
    directory = Path(directory).resolve()
    conf, policy = _read(directory)
    mentions = policy.get("mentions", {})
    entity_types = tuple(mentions.get("entities", ()))
    value_types = tuple(mentions.get("values", ()))
    where = directory / POLICY_NAME
    if set(entity_types) | set(value_types) != conf.entities:
        raise SchemaError(f"{where}: mentions.entities + mentions.values "
                          f"({sorted(set(entity_types) | set(value_types))}) differ from the "
                          f"[entities] of {CONF_NAME} ({sorted(conf.entities)})")
    events_policy = policy.get("events", {})
    if set(events_policy) != set(conf.events):
        raise SchemaError(f"{where}: event types {sorted(set(events_policy) ^ set(conf.events))} "
                          f"are in only one of {POLICY_NAME} and {CONF_NAME}")
    event_types = {}
    for name, roles in conf.events.items():
        entry = dict(events_policy[name])
        try:
            cameo, ordered, actors = entry.pop("cameo"), entry.pop("ordered"), entry.pop("actors")
        except KeyError as exc:
            raise SchemaError(f"{where}: event type {name} lacks {exc.args[0]!r}") from None
        event_types[name] = EventType(
            name, str(cameo), bool(ordered), tuple(actors),
            {role: spec.types for role, spec in roles.items()}, entry,
        )
    sector_targets, sectors = conf.attributes.get("Sector", (frozenset(), ()))
    return Schema(
        conf=conf,
        entity_types=entity_types,
        value_types=value_types,
        norm_prefixes=dict(mentions.get("norm_prefixes", {})),
        quantity_units=frozenset(mentions.get("quantity_units", ())),
        event_types=event_types,
        sectors=tuple(sectors),
        sector_types=frozenset(sector_targets) & frozenset(event_types),
        directory=directory,
    )
