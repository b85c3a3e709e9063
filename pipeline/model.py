"""The small typed data model passed from stage to stage.

Every offset a stage reports is a code-point offset into the RAW input text
(`Document.text`), so that ``raw[start:end] == span.text`` always holds. Stages
that match on the normalised text also keep the clean offsets (`cstart`,
`cend`) so that later stages need not map back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.schema import load_schema


@dataclass(frozen=True)
class Document:
    """One input article as read, before any processing."""

    doc_id: str
    text: str
    title: str = ""
    source: str = ""  # where it came from: a path, a path:line, a dump page id


@dataclass(frozen=True)
class Section:
    index: int
    title: str  # "" for the lead
    start: int  # raw offsets of the section body
    end: int
    cstart: int  # clean offsets of the section body
    cend: int
    kind: str = "body"  # lead | body | references (set by the segment stage, from its pack)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    cstart: int
    cend: int
    text: str  # the clean (normalised) form; raw[start:end] is the raw form


@dataclass
class Sentence:
    index: int
    section: int  # index into Analysis.sections
    start: int
    end: int
    cstart: int
    cend: int
    text: str  # raw[start:end]
    tokens: list[Token] = field(default_factory=list)


@dataclass
class Span:
    """A text-bound mention: entity, date, amount, or event trigger."""

    label: str
    start: int
    end: int
    text: str  # raw[start:end]
    cstart: int = -1
    cend: int = -1
    norm: str = ""  # ISO3166:XXX, TIMEX3:..., MONEY:amt:CUR, QTY:amt:unit
    source: str = "rule"  # rule | model | both
    confidence: float = 1.0
    sentence_index: int = -1
    affiliation: str = ""  # ISO alpha-3 of the country a PERSON/ORG belongs to
    attrs: dict[str, Any] = field(default_factory=dict)
    span_id: str = ""  # T1, T2 ... assigned when the document is finished

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


@dataclass
class Event:
    event_type: str
    cameo_code: str
    trigger: Span
    args: dict[str, Span] = field(default_factory=dict)  # role -> mention
    negated: bool = False
    speculated: bool = False
    sector: str = ""
    sentence_index: int = -1
    source: str = "rule"
    confidence: float = 1.0
    event_id: str = ""


@dataclass
class Analysis:
    """Everything known about one document; each stage fills its part."""

    doc: Document
    clean: str = ""
    offsets: list[int] = field(default_factory=list)  # clean index -> raw index
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    headings: list[Any] = field(default_factory=list)  # normalise -> segment
    candidates: list[Span] = field(default_factory=list)  # proposed spans, before the merge
    mentions: list[Span] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    status: str = "ok"
    error: str = ""

    # -- offset helpers -------------------------------------------------
    def raw_span(self, cstart: int, cend: int) -> tuple[int, int]:
        """Map a clean [cstart, cend) to raw [start, end)."""
        if cend <= cstart:
            pos = self.offsets[cstart] if cstart < len(self.offsets) else len(self.doc.text)
            return pos, pos
        return self.offsets[cstart], self.offsets[cend - 1] + 1

    def make_span(self, label: str, cstart: int, cend: int, **kw: Any) -> Span:
        start, end = self.raw_span(cstart, cend)
        return Span(label, start, end, self.doc.text[start:end], cstart, cend, **kw)

    def sentence_at(self, cpos: int) -> int:
        """Index of the sentence holding clean offset `cpos`, or -1."""
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if cpos < s.cstart:
                hi = mid - 1
            elif cpos >= s.cend:
                lo = mid + 1
            else:
                return mid
        return -1

    @property
    def entities(self) -> list[Span]:
        types = load_schema().entity_types
        return [m for m in self.mentions if m.label in types]

    @property
    def values(self) -> list[Span]:
        types = load_schema().value_types
        return [m for m in self.mentions if m.label in types]
