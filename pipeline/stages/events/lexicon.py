"""The event stage's vocabulary: every word list it reads, built once per language pack and
schema from the pack's files (never at import) and held by the stage.

    triggers/<TYPE>.yaml, events_triggers.yaml  -> TriggerLexicon (triggers.py)
    events_clauses.yaml                         -> ClauseRules (clauses.py)
    events_actors.yaml                          -> ActorCues (actors.py)
    events_cues.yaml, events_sectors.yaml       -> AttributeCues (arguments.py)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from pipeline.lang import LanguagePack, load_pack
from pipeline.schema import Schema, load_schema
from pipeline.stages.events.actors import ActorCues
from pipeline.stages.events.arguments import AttributeCues
from pipeline.stages.events.clauses import ClauseRules
from pipeline.stages.events.forms import norm
from pipeline.stages.events.triggers import ENDINGS_FILE, TriggerLexicon


@dataclass(frozen=True, eq=False)
class EventLexicon:
    triggers: TriggerLexicon
    clauses: ClauseRules
    actors: ActorCues
    attributes: AttributeCues

    @classmethod
    def from_pack(cls, pack: LanguagePack, schema: Schema) -> EventLexicon:
        """Cached per pack and schema (the lexicon holds the word-form caches, so every
        stage built from one pack shares them)."""
        return _build(pack, tuple(schema.event_types), schema.directory)


@functools.cache
def _build(pack: LanguagePack, event_types: tuple[str, ...], schema_dir: Path) -> EventLexicon:
    noun_suffixes = [norm(s) for s in pack.yaml(ENDINGS_FILE)["suffixes"]["noun"]]
    return EventLexicon(
        TriggerLexicon.from_pack(pack, event_types, schema_dir),
        ClauseRules.from_pack(pack),
        ActorCues.from_pack(pack, noun_suffixes),
        AttributeCues.from_pack(pack),
    )


def default_lexicon() -> EventLexicon:
    """The default pack's lexicon for the default schema (for callers without a stage)."""
    return EventLexicon.from_pack(load_pack(), load_schema())
