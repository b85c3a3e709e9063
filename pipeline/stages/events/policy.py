"""The event-type facts the stage applies, derived from the schema (never written here).

annotation.conf says which roles a type has (Value, Place) and which types take a Sector;
pipeline/schema/policy.yaml says each type's CAMEO code and the stage's per-type policies
(`fills`, `split_on_actor`, `named_by_agreement`, `called_off`; the file explains each).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.schema import Schema


@dataclass(frozen=True)
class EventPolicy:
    cameo: dict[str, str]  # event type -> CAMEO code
    value_types: frozenset[str]  # types with a Value role
    no_place_types: frozenset[str]  # types without a Place role
    sector_types: frozenset[str]  # types the Sector attribute applies to
    partner_fill: frozenset[str]  # one named side: the article's other state is the second
    pair_fill: frozenset[str]  # no side named at all: the article's two states
    split_on_actor: frozenset[str]  # a state named between two triggers makes two events
    named_by_agreement: frozenset[str]  # its words before an agreement noun name the agreement
    called_off: frozenset[str]  # "স্থগিত", "বাতিল" negate it (it can be called off)

    @classmethod
    def from_schema(cls, schema: Schema) -> EventPolicy:
        types = schema.event_types
        return cls(
            cameo={name: t.cameo for name, t in types.items()},
            value_types=schema.types_with_role("Value"),
            no_place_types=frozenset(types) - schema.types_with_role("Place"),
            sector_types=schema.sector_types,
            partner_fill=_types_filling(schema, "partner"),
            pair_fill=_types_filling(schema, "pair"),
            split_on_actor=schema.types_with("split_on_actor"),
            named_by_agreement=schema.types_with("named_by_agreement"),
            called_off=schema.types_with("called_off"),
        )


def _types_filling(schema: Schema, fill: str) -> frozenset[str]:
    return frozenset(name for name, t in schema.event_types.items()
                     if fill in t.policy.get("fills", ()))
