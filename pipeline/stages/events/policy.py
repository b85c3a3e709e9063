"""The event-type facts the stage applies, derived from the schema (never written here).

annotation.conf says which roles a type has (Value, Place) and which types take a Sector;
pipeline/schema/policy.yaml says each type's CAMEO code and the stage's per-type policies
(`fills`, `split_on_actor`, `named_by_agreement`, `called_off`, `actor_rule`, …; the file
explains each). A type that sets none of them is a plain bilateral event.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.schema import POLICY_NAME, Schema, SchemaError

FILLS = ("partner", "pair")
ACTOR_RULES = ("sides", "host", "sender", "payer")  # roles.py implements each; "sides" = absent


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
    actor_rule: dict[str, str]  # event type -> one of ACTOR_RULES
    genitive_actor: frozenset[str]  # a genitive person or body can be Actor1
    place_before_trigger: frozenset[str]  # a LOC just before the trigger is the place
    value_from_sentence: frozenset[str]  # the sentence's MONEY when the clause has none
    absorbs: dict[str, frozenset[str]]  # type -> the types its event swallows in a sentence

    @classmethod
    def from_schema(cls, schema: Schema) -> EventPolicy:
        types = schema.event_types
        _check(schema)
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
            actor_rule={name: str(t.policy.get("actor_rule", "sides"))
                        for name, t in types.items()},
            genitive_actor=schema.types_with("genitive_actor"),
            place_before_trigger=schema.types_with("place_before_trigger"),
            value_from_sentence=schema.types_with("value_from_sentence"),
            absorbs={name: frozenset(t.policy["absorbs"]) for name, t in types.items()
                     if t.policy.get("absorbs")},
        )


def _types_filling(schema: Schema, fill: str) -> frozenset[str]:
    return frozenset(name for name, t in schema.event_types.items()
                     if fill in t.policy.get("fills", ()))


def _check(schema: Schema) -> None:
    """Policy values the stage would silently ignore are errors."""
    where = schema.directory / POLICY_NAME
    for name, t in schema.event_types.items():
        bad_fills = set(t.policy.get("fills", ())) - set(FILLS)
        if bad_fills:
            raise SchemaError(f"{where}: {name}: unknown fills {sorted(bad_fills)} "
                              f"(known: {', '.join(FILLS)})")
        rule = t.policy.get("actor_rule", "sides")
        if rule not in ACTOR_RULES:
            raise SchemaError(f"{where}: {name}: unknown actor_rule {rule!r} "
                              f"(known: {', '.join(ACTOR_RULES)})")
        unknown = set(t.policy.get("absorbs", ())) - set(schema.event_types)
        if unknown:
            raise SchemaError(f"{where}: {name}: absorbs unknown event types {sorted(unknown)}")
