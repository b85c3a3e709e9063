"""The stage protocol, the registry of stages, and plans (which stages run, in order).

A stage is built once from a `BuildContext` (configuration, language pack, schema) and
then called on each document's `Analysis`, which it fills in place. It declares what it
reads (`requires`) and what it adds (`provides`), like stanza's processors; a plan is a
list of registered stage names, checked when it is built, so that "rule", "model",
"both" and the baselines are plans, not flags threaded through functions.

Facets a stage can require or provide:

    text        the raw document (every Analysis starts with it)
    clean       Analysis.clean / offsets / headings (normalised text, offset map)
    sentences   Analysis.sections / sentences / tokens
    candidates  Analysis.candidates: spans proposed by entity and value stages
    proposals   model DATE spans among the candidates, for the value stage to judge
    mentions    Analysis.mentions: one non-overlapping list with provenance
    events      Analysis.events
    ids         T1../E1.. ids on mentions and events (tables need them)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol, TypeVar

from pipeline.config import Config
from pipeline.lang import LanguagePack, load_pack
from pipeline.model import Analysis
from pipeline.schema import Schema, load_schema

# the modules whose import registers the shipped stages (imported when a plan is built,
# not when `pipeline` is imported: `bnevents --help` needs none of them)
STAGE_MODULES = (
    "pipeline.stages.normalise",
    "pipeline.stages.segment",
    "pipeline.stages.entities",
    "pipeline.stages.ner",
    "pipeline.stages.values",
    "pipeline.stages.merge",
    "pipeline.stages.events",
    "pipeline.stages.ids",
    "pipeline.stages.baselines",
)


class PlanError(ValueError):
    """A plan names an unknown stage or runs a stage before what it requires."""


@dataclass(frozen=True)
class BuildContext:
    """What a stage is built from: read its resources here, never at import."""

    config: Config
    pack: LanguagePack
    schema: Schema

    @classmethod
    def from_config(cls, config: Config) -> BuildContext:
        schema = load_schema(config.schema_dir) if config.schema_dir else load_schema()
        return cls(config, load_pack(config.lang), schema)


class Stage(Protocol):
    name: ClassVar[str]
    requires: ClassVar[frozenset[str]]
    provides: ClassVar[frozenset[str]]

    def __call__(self, analysis: Analysis) -> None: ...


StageFactory = Callable[[BuildContext], Stage]
REGISTRY: dict[str, type] = {}
S = TypeVar("S", bound=type)


def register(name: str, *, requires: Sequence[str] = (), provides: Sequence[str] = ()
             ) -> Callable[[S], S]:
    """Class decorator: make a stage class available to plans under `name`."""

    def add(cls: S) -> S:
        if name in REGISTRY and REGISTRY[name] is not cls:
            raise PlanError(f"stage {name!r} is registered twice "
                            f"({REGISTRY[name].__module__} and {cls.__module__})")
        cls.name = name  # type: ignore[attr-defined]
        cls.requires = frozenset(requires)  # type: ignore[attr-defined]
        cls.provides = frozenset(provides)  # type: ignore[attr-defined]
        REGISTRY[name] = cls
        return cls

    return add


# The shipped plans. The value stage's variant follows the entity stages: with the model
# it also judges the model's DATE proposals; the merge's variant says whether a span only
# the model found needs MODEL_FILL confidence (with the model alone, every span counts).
PREPARE = ("normalise", "segment")
PLANS: dict[str, tuple[str, ...]] = {
    "rule": (*PREPARE, "entities.rule", "values.grammar", "merge", "events", "ids"),
    "model": (*PREPARE, "entities.model", "values.proposals", "merge.model_only", "events",
              "ids"),
    "both": (*PREPARE, "entities.rule", "entities.model", "values.grammar+proposals", "merge",
             "events", "ids"),
    # comparison points for `bnevents eval --stages`
    "baseline-dates": (*PREPARE, "values.dateparser", "mentions.as_found", "ids"),
    "baseline-gazetteer": (*PREPARE, "entities.rule", "values.grammar", "merge", "events",
                           "keep.gazetteer_types", "ids"),
}


def _import_stage_modules() -> None:
    for module in STAGE_MODULES:
        importlib.import_module(module)


def stage_class(name: str) -> type:
    _import_stage_modules()
    try:
        return REGISTRY[name]
    except KeyError:
        raise PlanError(f"unknown stage {name!r}; registered: {', '.join(sorted(REGISTRY))}") \
            from None


def check_plan(names: Sequence[str]) -> None:
    """Raise PlanError unless every stage's requirements are provided before it runs."""
    have = {"text"}
    for name in names:
        cls = stage_class(name)
        missing = cls.requires - have  # type: ignore[attr-defined]
        if missing:
            raise PlanError(f"stage {name!r} needs {', '.join(sorted(missing))}, which no "
                            f"earlier stage of the plan provides ({', '.join(names)})")
        have |= cls.provides  # type: ignore[attr-defined]


def build_plan(names: Sequence[str] | str, context: BuildContext) -> list[Stage]:
    """The stages of a plan (a name in PLANS, or a list of stage names), built once."""
    if isinstance(names, str):
        if names not in PLANS:
            raise PlanError(f"unknown plan {names!r}; choose from {', '.join(PLANS)}")
        names = PLANS[names]
    check_plan(names)
    return [stage_class(name)(context) for name in names]
