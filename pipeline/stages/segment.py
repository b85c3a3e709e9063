"""Stage 2: sections, sentences and tokens, all with raw offsets.

Sentence splitting is hand-written: bnlp's NLTK splitter needs punkt (a
download) and knows nothing of wiki headings; spaCy's blank `bn` pipeline has no
sentence splitter. The rules are small: a danda-like terminator ends a
sentence; "." ends one only after Latin text that is not an abbreviation, so
numbers (৫.৫, 2.5) and Bengali abbreviations (ড., মো., খ্রি.) never split.
Tokens come from spaCy's blank `bn` tokenizer (no model download).
"""

from __future__ import annotations

import functools
import re

import spacy
from spacy.attrs import IDX, IS_SPACE, LENGTH

from pipeline.model import Analysis, Document, Section, Sentence, Token
from pipeline.stages.base import BuildContext, register
from pipeline.stages.normalise import Markup, normalise

# A sentence ends after a run of terminators (with closing quotes/brackets), or
# after "." that follows a Latin letter, before whitespace or the end. The run is
# matched from its first character only and possessively: otherwise a long run of
# terminators not followed by a space ("।।।।…!") is retried from every position,
# quadratic in its length (tests/robustness/test_regex_backtracking.py).
_BOUNDARY_RE = re.compile(
    r"""(?:(?<![।॥?!])[।॥?!]++|(?<=[A-Za-z])\.)['"’”)\]]*+(?=\s|$)|\n+""",
)
_LATIN_WORD_BEFORE_DOT = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_HAS_LETTER = re.compile(r"[\u0980-\u09FFA-Za-z0-9]")
_WORD_RE = re.compile(r"\S+")
_TOKEN_ATTRS = [IDX, LENGTH, IS_SPACE]


@functools.cache
def tokenizer() -> spacy.tokenizer.Tokenizer:
    """spaCy's rule-based Bengali tokenizer (blank pipeline: nothing to download)."""
    return spacy.blank("bn").tokenizer


def prepare(doc: Document, markup: Markup | None = None) -> Analysis:
    """Normalise and segment `doc`: the Analysis every later stage starts from.

    `markup`: the conventions of the pack the stages were built from (default pack if None).
    """
    markup = markup or Markup.default()
    analysis = Analysis(doc)
    norm = normalise(doc.text, markup)
    analysis.clean, analysis.offsets, analysis.headings = norm.clean, norm.offsets, norm.headings
    segment(analysis, norm.headings, markup)
    return analysis


@register("segment", requires=["clean"], provides=["sentences"])
class SegmentStage:
    """Sections, sentences and tokens, with raw and clean offsets."""

    def __init__(self, context: BuildContext) -> None:
        self.context = context
        self.markup = Markup.from_pack(context.pack)

    def __call__(self, analysis: Analysis) -> None:
        segment(analysis, analysis.headings, self.markup)


def is_reference_section(title: str, markup: Markup | None = None) -> bool:
    return title in (markup or Markup.default()).reference_sections


def segment(analysis: Analysis, headings: list, markup: Markup | None = None) -> Analysis:
    """Fill sections, sentences and tokens of `analysis` (clean text already set)."""
    markup = markup or Markup.default()
    clean = analysis.clean
    bounds = [(0, "")] + [(h.clean_pos, h.title) for h in headings]
    sections: list[Section] = []
    for i, (cstart, title) in enumerate(bounds):
        # the body ends at the line break that stands for the next heading
        cend = bounds[i + 1][0] - 1 if i + 1 < len(bounds) else len(clean)
        start, end = analysis.raw_span(cstart, max(cstart, cend))
        kind = ("lead" if i == 0
                else "references" if is_reference_section(title, markup) else "body")
        sections.append(Section(i, title, start, end, cstart, max(cstart, cend), kind))
    analysis.sections = sections

    pieces: list[tuple[int, int, int]] = []  # (section, cstart, cend)
    for sec in sections:
        if sec.kind == "references":
            continue
        pieces.extend((sec.index, a, b)
                      for a, b in split_sentences(clean, sec.cstart, sec.cend, markup))
    if pieces:
        pieces = _drop_category_tail(clean, pieces, markup.category_words)

    tok = tokenizer()
    texts = [clean[a:b] for _, a, b in pieces]
    sentences: list[Sentence] = []
    for (sec, a, b), sdoc in zip(pieces, tok.pipe(texts), strict=True):
        start, end = analysis.raw_span(a, b)
        tokens = []
        # one array per sentence rather than a spaCy Token object per token (a third of
        # this stage's time); a token's text is its slice of the input (spaCy's tokenizer
        # is non-destructive), so the values are those Token would give
        for idx, length, space in sdoc.to_array(_TOKEN_ATTRS).tolist():
            if space:
                continue
            ca, cb = a + idx, a + idx + length
            ra, rb = analysis.raw_span(ca, cb)
            tokens.append(Token(ra, rb, ca, cb, clean[ca:cb]))
        sentences.append(
            Sentence(len(sentences), sec, start, end, a, b, analysis.doc.text[start:end], tokens)
        )
    analysis.sentences = sentences
    return analysis


def split_sentences(
    text: str, start: int = 0, end: int | None = None, markup: Markup | None = None
) -> list[tuple[int, int]]:
    """Sentence spans [a, b) of text[start:end], trimmed of surrounding whitespace."""
    abbreviations = (markup or Markup.default()).latin_abbreviations
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    sent_start = start
    for m in _BOUNDARY_RE.finditer(text, start, end):
        if m.group()[0] == ".":
            word = _LATIN_WORD_BEFORE_DOT.search(text, max(start, m.start() - 40), m.start() + 1)
            if word and word.group(1).lower() in abbreviations:
                continue
            if word and re.fullmatch(r"[A-Za-z]", word.group(1)):
                continue  # an initial: "J. Smith"
        cut = m.start() if m.group().startswith("\n") else m.end()
        _add_trimmed(text, sent_start, cut, spans)
        sent_start = m.end()
    _add_trimmed(text, sent_start, end, spans)
    return spans


def _add_trimmed(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    # leading punctuation left over from markup (", " after a stripped bold title)
    # stays in the sentence; a piece with no letter or digit is not a sentence
    if b > a and _HAS_LETTER.search(text, a, b):
        spans.append((a, b))


def _drop_category_tail(
    clean: str, pieces: list[tuple[int, int, int]], category_words: frozenset[str]
) -> list[tuple[int, int, int]]:
    """Drop a final unterminated run made only of category words (dump residue)."""
    _, a, b = pieces[-1]
    tail = clean[a:b]
    if tail[-1:] in "।॥?!.":
        return pieces
    words = _WORD_RE.findall(tail)
    if words and all(w in category_words for w in words):
        return pieces[:-1]
    return pieces
