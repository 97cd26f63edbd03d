"""Russian and Ukrainian articles: mention, quote and date rows without the English pipeline.

``extract.annotate_jobs`` sends every article whose ``language`` is in :data:`ROUTED` here.
The rows have the columns and meanings of the English path (``workbench.tables``):
- entities: natasha's statistical NER (slovnet ``ner_news_v1`` over navec news embeddings, both
  shipped inside the ``natasha`` package: nothing downloads), plus knowledge-base aliases found
  by lemma (``cyrillic_kb.py``), which win where the two overlap, except that a longer
  statistical organisation or place keeps the place inside it ("Министерство обороны Украины");
- linking: a statistical entity that is an alias (by lemma) gets its entity; any other counts
  under its normal form with a transliterated ``local:`` id; a surname alone is the full name
  given earlier in the article (``mentions._link_surnames``);
- sentences: razdel's, and every line break starts one (headings, captions);
- quotes and dates: ``cyrillic_quotes.py``.
Ukrainian has no statistical NER that installs offline: the Russian model tags it (Cyrillic
news shares names and capitals), lemmas come from the Ukrainian dictionary, and every output
says so (:func:`pipeline_notes`).
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from importlib import metadata
from typing import Any

from workbench.annotate.cyrillic_kb import (
    LemmaIndex,
    analyzer,
    fold,
    normal_name,
    transliterate,
    word_keys,
)
from workbench.annotate.jobs import Job, Result, chunks
from workbench.annotate.kb import KnowledgeBase
from workbench.annotate.mentions import _link_surnames, local_id

ROUTED = frozenset({"ru", "uk"})
"""Languages annotated here; every other goes to the spaCy pipeline."""
NER_TYPES = {"PER": "PERSON", "LOC": "PLACE", "ORG": "ORG"}
_EDGE_PUNCT = "«»\"'“”„()[]—–-.,:;!?"
GENERIC = frozenset({"сми", "зми", "вуз", "covid-19", "covid", "коронавирус", "ии", "ит", "it",
                     "интернет", "інтернет", "мкс", "ооо", "оао", "зао", "пао", "тов"})
"""Capitalised words the model takes for organisations that name no one."""
_INITIALS = re.compile(r"[^\W\d_]|\.|(?:[^\W\d_]\.)+")  # "В", ".", "В.В."
_QUOTES = frozenset("«»\"“”„")


def route(language: Any) -> str:
    """The pipeline an article in ``language`` goes to: ``ru`` or ``uk`` here, else ``""``
    (the spaCy pipeline); part of the article's cache key."""
    return language if isinstance(language, str) and language in ROUTED else ""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def describe(language: str) -> str:
    """What annotates ``language`` here, in words (reports, ``stats["pipelines"]``)."""
    ner = f"natasha {_version('natasha')} NER (slovnet ner_news_v1, Russian news)"
    dicts = f"pymorphy3 {_version('pymorphy3')} {language} dictionary"
    if language == "uk":
        return (f"{ner} — no Ukrainian NER model installs offline, the Russian one is used; "
                f"lemmas: {dicts}; knowledge base by lemma")
    return f"{ner}; lemmas: {dicts}; knowledge base by lemma"


def pipeline_notes(languages: Iterable[Any], english: str) -> tuple[dict[str, str], list[str]]:
    """Which pipeline annotated each language of a corpus: ``{language: description}``, and
    notice lines for the outputs (none for an all-English corpus)."""
    counts = Counter(lang if isinstance(lang, str) and lang else "unknown" for lang in languages)
    described = {}
    for lang in sorted(counts):
        if lang in ROUTED:
            described[lang] = describe(lang)
        elif lang in ("en", "unknown"):
            described[lang] = english
        else:
            described[lang] = f"{english} — an English pipeline on {lang} text: no {lang} pipeline"
    if set(counts) <= {"en", "unknown"}:
        return described, []
    listed = "; ".join(f"{lang} ({counts[lang]} articles): {text}"
                       for lang, text in described.items())
    return described, [f"pipelines by language — {listed}"]


@functools.cache
def _ner() -> Any:
    from natasha import NewsEmbedding, NewsNERTagger

    return NewsNERTagger(NewsEmbedding())


_INDEXES: dict[str, LemmaIndex] = {}


def lemma_index(kb: KnowledgeBase) -> LemmaIndex:
    """The knowledge base's lemma index (built once per knowledge base and process)."""
    key = kb.fingerprint or str(id(kb))
    if key not in _INDEXES:
        _INDEXES[key] = LemmaIndex(kb)
    return _INDEXES[key]


def annotate_cyrillic_jobs(kb: KnowledgeBase, jobs: Iterable[Job]) -> Iterator[Result]:
    """One Result per job (Russian or Ukrainian), in order; an article on which a rule or the
    model fails gets status ``error`` and the reason, the others go on."""
    # The NER's matrices are small: one BLAS thread is as fast alone and 3-4x faster when the
    # cores are busy (threads spinning against each other; measured in benchmarks/russian.py).
    with _threads().limit(limits=1):
        yield from _annotate(kb, jobs)


@functools.cache
def _threads() -> Any:
    from threadpoolctl import ThreadpoolController

    _ner()  # numpy's BLAS is loaded by then
    return ThreadpoolController()  # finding the libraries is the slow part: once


def _annotate(kb: KnowledgeBase, jobs: Iterable[Job]) -> Iterator[Result]:
    from workbench.annotate.cyrillic_quotes import piece_dates, piece_quotes

    index = lemma_index(kb)
    for job in jobs:
        result = Result(job.key)
        if not job.text.strip():
            result.status, result.message = "empty", "no text to annotate"
            yield result
            continue
        language = route(job.language) or "ru"
        parts = chunks(job.text)
        result.n_chunks = len(parts)
        if len(parts) > 1:
            result.message = (f"long text ({len(job.text):,} characters) annotated in "
                              f"{len(parts)} pieces cut at paragraph breaks")
        try:
            sent_offset = 0
            for offset, piece in parts:
                starts = sentence_starts(piece)
                mentions = piece_mentions(piece, language, kb, index, starts)
                quotes = piece_quotes(piece, language, mentions, starts)
                dates = piece_dates(piece, language, job.published, starts)
                for name, rows in (("mentions", mentions), ("quotes", quotes),
                                   ("dates", dates)):
                    result.rows[name] += _shift(rows, offset, sent_offset)
                sent_offset += len(starts)
            unify_local_names(result.rows["mentions"], language)
            _link_surnames(result.rows["mentions"], kb)
            for quote in result.rows["quotes"]:  # the speaker as finally linked
                speaker = quote.pop("_mention")
                quote["speaker_id"] = speaker["entity_id"]
                quote["speaker_affiliation"] = speaker["affiliation"]
        except Exception as exc:  # noqa: BLE001 — one article's failure must not stop a corpus
            result.status = "error"
            result.message = f"{language} annotation failed: {type(exc).__name__}: {exc}"
            result.rows = {name: [] for name in result.rows}
        yield result


def sentence_starts(text: str) -> list[int]:
    """Character offsets where sentences start: razdel's sentences, and every line."""
    from razdel import sentenize

    starts = {s.start for s in sentenize(text) if s.text.strip()}
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            starts.add(pos + len(line) - len(line.lstrip()))
        pos += len(line) + 1
    return sorted(starts) or [0]


def piece_mentions(text: str, language: str, kb: KnowledgeBase, index: LemmaIndex,
                   starts: list[int]) -> list[dict[str, Any]]:
    """Mention rows (the ``mentions`` table without ``article_id``) of one text."""
    from razdel import tokenize

    tokens = [t for t in tokenize(text) if t.text.strip()]
    words = [t.text for t in tokens]
    spans = []  # (first token, end token, source, ner label or KBMatch)
    for m in index.find(words, language):
        spans.append((m.start, m.end, "kb", m))
    for lo, hi, label in ner_spans(text, tokens):
        while lo < hi and (words[lo] in _EDGE_PUNCT or (label == "PER" and hi - lo > 1 and
                                                         _INITIALS.fullmatch(words[lo]))):
            lo += 1  # "В.В. Путина" is Putin: initials never make another person
        while hi > lo and words[hi - 1] in _EDGE_PUNCT:
            hi -= 1
        for a, b in _name_pieces(words, lo, hi, label, language):
            spans.append((a, b, "model", label))
    rows = []
    for lo, hi, source, what in _resolve(spans):
        row = _row(text, tokens, words, lo, hi, source, what, language, kb, index)
        if row is not None:
            row["sent_index"] = bisect_right(starts, row["start"]) - 1
            rows.append(row)
    return rows


def ner_spans(text: str, tokens: list) -> list[tuple[int, int, str]]:
    """The statistical entities as token spans ``(first, end, PER|LOC|ORG)`` over ``tokens``
    (razdel's, as natasha's tagger makes them itself): the tagger is run on these tokens
    rather than on the text, which it would tokenise again (a tenth of the work)."""
    tagger = _ner()
    try:
        infer = tagger.infer
        words = [t.text for t in tokens]
        tags = next(iter(infer.decoder(infer.process(infer.encoder([words])))))
    except (AttributeError, StopIteration, TypeError):  # another natasha: its public API
        starts = [t.start for t in tokens]
        return [(bisect_left(starts, s.start), bisect_left(starts, s.stop), s.type)
                for s in tagger(text).spans]
    out: list[tuple[int, int, str]] = []
    for i, tag in enumerate(tags):
        part, _, label = tag.partition("-")
        if part == "B" or (part == "I" and not (out and out[-1][2] == label
                                                 and out[-1][1] == i)):
            out.append((i, i + 1, label))
        elif part == "I":
            out[-1] = (out[-1][0], i + 1, label)
    return out


_PARTICLES = frozenset({"фон", "дер", "де", "ван", "да", "ди", "ибн", "бен", "аль", "ле", "ла",
                        "эль", "ель", "оглы", "огли", "кызы"})
_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr"})


def _name_pieces(words: list[str], lo: int, hi: int, label: str, language: str
                 ) -> list[tuple[int, int]]:
    """On Ukrainian, which the Russian model reads as unknown capitalised words, a statistical
    person or place cleaned of what the model swept in: a leading title or other common word
    ("Міністр", "Речник" before a name; "Вночі російські" is no place), and a person span cut at
    lower-case words that are no name particle ("Юлія Свириденко обговорила з Урсулою фон дер
    Ляєн" is two people). Russian spans are the model's own: on its language, the same rules
    cost more places and people ("Калининский район", "Мадонна") than they save."""
    if label not in ("PER", "LOC") or language != "uk":
        return [(lo, hi)]
    while lo < hi and _common(words[lo], language, adjectives=label == "PER"):
        lo += 1
    if label == "LOC":
        return [(lo, hi)] if lo < hi and not all(
            _common(w, language, adjectives=True) for w in words[lo:hi]) else []
    pieces, start = [], lo
    for k in range(lo, hi + 1):
        if k == hi or (words[k][:1].islower() and fold(words[k]) not in _PARTICLES):
            if k > start and words[start][:1].isupper():
                pieces.append((start, k))
            start = k + 1
    return pieces


def _common(word: str, language: str, adjectives: bool) -> bool:
    """A dictionary word that is no name: a title, an adverb, (for ``adjectives``) an
    adjective; never a word the dictionary also knows as a name, place or abbreviation."""
    if not word[:1].isalpha() or word.isupper():
        return False
    parses = analyzer(language).parse(word)[:4]
    if not parses or not parses[0].is_known or any(_PROPER & p.tag.grammemes for p in parses):
        return False
    kinds = {"NOUN", "ADVB", "VERB", "INFN", "PRED", "PREP", "CONJ", "PRCL", "NPRO"}
    if adjectives:
        kinds |= {"ADJF", "ADJS", "PRTF"}
    return parses[0].tag.POS in kinds


def _resolve(spans: list[tuple]) -> list[tuple]:
    """Non-overlapping spans: knowledge-base matches, except that a longer statistical
    organisation or place containing only places keeps them inside; statistical spans that
    cross a knowledge-base match are dropped."""
    kb_spans = [s for s in spans if s[2] == "kb"]
    kept = list(kb_spans)
    for span in (s for s in spans if s[2] == "model"):
        lo, hi, _, label = span
        inside = [k for k in kb_spans if k[0] < hi and lo < k[1]]
        if not inside:
            kept.append(span)
        elif all(lo <= k[0] and k[1] <= hi and (k[1] - k[0]) < hi - lo
                 and _may_contain(label, k[3].entity.type) for k in inside):
            kept = [k for k in kept if k not in inside] + [span]
    kept.sort(key=lambda s: (s[0], -s[1]))
    out, end = [], -1
    for span in kept:
        if span[0] >= end:
            out.append(span)
            end = span[1]
    return out


def _may_contain(label: str, kb_type: str) -> bool:
    """Whether a longer statistical entity keeps a knowledge-base match inside it: an
    organisation or place keeps its place ("Министерство обороны Украины"), a person a
    surname the knowledge base knows for someone else ("Дмитрий Аксенов" is not Sergei
    Aksyonov; the whole name is still looked up)."""
    return (label in ("ORG", "LOC") and kb_type == "PLACE") or (label == "PER"
                                                                and kb_type == "PERSON")


def _row(text: str, tokens: list, words: list[str], lo: int, hi: int, source: str, what: Any,
         language: str, kb: KnowledgeBase, index: LemmaIndex) -> dict[str, Any] | None:
    start, end = tokens[lo].start, tokens[hi - 1].stop
    surface = text[start:end]
    row = {"start": start, "end": end, "text": surface, "variant": None, "source": source}
    if source == "kb":
        entity = what.entity
        return {**row, "label": entity.type, "type": entity.type, "entity_id": entity.id,
                "entity": entity.name, "variant": what.variant,
                "affiliation": entity.affiliation}
    if not any(c.isupper() for c in surface) or len(surface) < 2 or "\n" in surface \
            or fold(surface) in GENERIC:
        return None  # junk: a lower-case word, one letter, a span across lines, "СМИ"
    kind = NER_TYPES.get(what, "OTHER")
    hit = index.whole(words[lo:hi], language)
    # The name's words as printed, without quotation marks (ООО «ОрскВодоканал» → ООО
    # ОрскВодоканал), with the spacing between them ("NUR.KZ", "Unc0ver" stay whole).
    kept = [k for k in range(lo, hi) if words[k] not in _QUOTES]
    gaps = [" " if b != a + 1 or any(c.isspace() for c in text[tokens[a].stop:tokens[b].start])
            else "" for a, b in zip(kept, kept[1:], strict=False)]
    name = normal_name([words[k] for k in kept], language, kind == "PERSON", gaps)
    found = (hit.entity, hit.variant) if hit else kb.lookup(name)
    if found is not None:
        entity = found[0]
        return {**row, "label": what, "type": entity.type, "entity_id": entity.id,
                "entity": entity.name, "variant": found[1], "affiliation": entity.affiliation}
    return {**row, "label": what, "type": kind, "entity": name, "affiliation": None,
            "entity_id": local_id(transliterate(name, language))}


def unify_local_names(rows: list[dict[str, Any]], language: str) -> None:
    """One entity per name in an article, whatever its case: two ``local:`` names of one type
    whose words share a lemma key, word by word ("Касым-Жомарт Токаев" read from "Касым-Жомарта
    Токаева" in one sentence and as something else in another), take the name given most
    often; a person's surname alone ("Светушковой") joins the full name it ends
    ("Татьяна Светушкова")."""
    local = [r for r in rows if r["entity_id"].startswith("local:")]
    counts = Counter((r["type"], r["entity_id"]) for r in local)
    names = {(r["type"], r["entity_id"]): r["entity"] for r in local}
    keys = {k: [word_keys(w, language) for w in name.split()] for k, name in names.items()}
    ranked = sorted(names, key=lambda k: (-counts[k], -len(names[k])))
    target: dict[tuple[str, str], tuple[str, str]] = {}
    for i, k in enumerate(ranked):
        for other in ranked[:i]:
            if other[0] != k[0] or other in target:
                continue
            mine, theirs = keys[k], keys[other]
            same = len(mine) == len(theirs) and all(a & b for a, b in zip(mine, theirs,
                                                                           strict=True))
            surname = (k[0] == "PERSON" and len(mine) == 1 < len(theirs)
                       and mine[0] & theirs[-1])
            if same or surname:
                target[k] = other
                break
    for r in local:
        hit = target.get((r["type"], r["entity_id"]))
        if hit is not None:
            r["entity_id"], r["entity"] = hit[1], names[hit]


def _shift(rows: list[dict[str, Any]], offset: int, sent_offset: int) -> list[dict[str, Any]]:
    for r in rows:
        r["start"] += offset
        r["end"] += offset
        r["sent_index"] += sent_offset
    return rows
