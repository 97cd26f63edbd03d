"""Boilerplate: paragraphs and lines an outlet repeats across many of its articles.

Background blocks ("Russia sent troops … citing Kiev's failure to implement the Minsk
agreements …"), "The Associated Press contributed to this report", promos ("CLICK HERE TO GET
THE FOX NEWS APP"), newsletter pitches, author bios and bylines are not what an article says,
yet counted as text they top keyness lists, add "quotes" and make one date the most cited.

They are found from the corpus itself, outlet by outlet, with no hand list. Each line of
``text`` (the cleaner leaves one paragraph per line; a line of more than ``LONG_LINE`` words — a
text saved without paragraph breaks — is taken sentence by sentence, and a run of flagged
sentences is one span) is keyed three ways, and a paragraph is
boilerplate when one of its keys is shared by at least ``max(MIN_ARTICLES, MIN_SHARE × n)`` of
the outlet's ``n`` stories:

- **exact**: its words, casefolded, with digits masked ("Updated at 3:30 p.m. ET");
- **template** (lines of at most ``TEMPLATE_MAX_WORDS`` words): the same with names masked — a
  capitalised word (or initial) the outlet never writes in lower case, a list of names joined by
  "and"/"in"/"of"/"from" as one mask — so "Stephen Dinan contributed to this report" and "Dave
  Boyer and S.A. Miller contributed to this report" are one line. The frame left must hold two
  words off the stop list, or one in the top or bottom ``EDGE_LINES`` lines, where credits and
  bylines sit ("Contributing: N" is a credit, "Winner: N" mid-article a subhead);
- **near** (paragraphs of ``NEAR_MIN_WORDS`` words or more): MinHash over word 3-grams in a
  datasketch LSH index, pairs kept when their exact Jaccard similarity reaches
  ``NEAR_JACCARD``, so a stock paragraph with a changed date or clause joins its copies. Only
  paragraphs most of whose 3-grams recur in ``k`` stories of the outlet enter the index (one
  vectorised count), which keeps this step small and never all-pairs.

Thresholds, read off the AllSides 10k dump: lines an outlet repeats exactly in 3 or more of its
stories were boilerplate in nearly every case read, while at 2 its own text appears (a statement
two articles quote, a background sentence); ``MIN_SHARE`` keeps a 10,000-article outlet from
flagging what only 3 of its stories share. Measured (``benchmarks/boilerplate_eval.py``): 56 of
60 random flags are boilerplate; 89% of the copies of known stock lines are flagged.

Stories, not articles, are counted: near-duplicate copies (``duplicate_of``) are one story, so a
wire story carried twice does not make its paragraphs boilerplate. The rule is per outlet, so a
quote that several outlets print is never boilerplate. Time and memory grow linearly with the
corpus (one outlet is processed at a time).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from pandas.util import hash_array

MIN_ARTICLES = 3       # stories of one outlet sharing a paragraph before it is boilerplate
MIN_SHARE = 0.005      # …and at least this share of the outlet's stories
MIN_WORDS = 2          # shorter lines ("O.K.", "Yes.") are never keyed
TEMPLATE_MAX_WORDS = 20
EDGE_LINES = 3         # lines at either end of an article, where credits and bylines sit
NEAR_MIN_WORDS = 12
LONG_LINE = 150        # a longer line is compared sentence by sentence
NEAR_JACCARD = 0.6
LSH_THRESHOLD = 0.3    # the index's own threshold: candidates, then checked exactly
NEAR_FREQUENT = 0.6    # share of a paragraph's 3-grams that must recur to enter the index
NUM_PERM = 64
SHINGLE = 3
TASK_TEXTS = 1000     # texts of one outlet, or of several small ones, per task

_LINE = re.compile(r"[^\n]+")
# A sentence's end inside an unsplit paragraph: the space after it is left out of both units.
_SENTENCE_END = re.compile(r"[.!?…][\"»”’')\]]*(?=\s)")
# …unless it ends an abbreviation: "U.S. officials", "Sen. Paul", "Jan. 6".
_ABBREVIATION = re.compile(r"(?:\b[A-Za-z]\.)+$|\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|St|Jr|"
                           r"Sr|No|Jan|Feb|Aug|Sept|Oct|Nov|Dec|Inc|Corp|Co|vs)\.$")
_TOKEN = re.compile(r"\w+(?:['’]\w+)*")  # "CNN's" is one word: one name to mask
_DIGIT = re.compile(r"\d")
_MASK = "\x00"
_JOINERS = frozenset({"and", "in", "of", "from"})
_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D], dtype=np.uint64)


@dataclass(frozen=True)
class Span:
    """One boilerplate paragraph of an article: ``text[start:end]``, shared by ``articles``
    stories of the outlet; ``key`` names the paragraph (the same for all its copies)."""

    start: int
    end: int
    articles: int
    key: str


def find_boilerplate(texts: Sequence[str | None], outlets: Sequence[str | None],
                     stories: Sequence[str] | None = None, *,
                     min_articles: int = MIN_ARTICLES,
                     min_share: float = MIN_SHARE, jobs: int = 1,
                     scheduler: str | None = None) -> list[list[Span]]:
    """For each text, its boilerplate paragraphs (in order; [] for none).

    ``outlets`` groups the texts (the rule is per outlet; a text without one is never
    boilerplate); ``stories`` gives each text's story (e.g. ``duplicate_of`` or its own id) so
    near-duplicate copies count once (default: every text is its own story). ``jobs`` or
    ``scheduler`` spread the outlets over local processes or a Dask cluster
    (``workbench.parallel``; the same spans either way).
    """
    from workbench.parallel import ordered_map

    n = len(texts)
    roots = list(stories) if stories is not None else list(range(n))
    by_outlet: dict[str, list[int]] = defaultdict(list)
    for i, outlet in enumerate(outlets):
        if isinstance(outlet, str) and outlet.strip() and isinstance(texts[i], str):
            by_outlet[outlet.strip()].append(i)
    work: list[tuple[list[int], int]] = []
    for members in by_outlet.values():
        n_stories = len({roots[i] for i in members})
        k = max(min_articles, math.ceil(min_share * n_stories))
        if n_stories >= k:
            work.append((members, k))

    def tasks() -> Any:
        # Small outlets share a task, so a corpus of many small outlets is not many tiny tasks.
        batch: list[tuple[list[int], int]] = []
        size = 0
        for members, k in work:
            batch.append((members, k))
            size += len(members)
            if size >= TASK_TEXTS:
                yield _task(batch)
                batch, size = [], 0
        if batch:
            yield _task(batch)

    def _task(batch: list[tuple[list[int], int]]) -> tuple[list[Any]]:
        return ([([texts[i] for i in members], [roots[i] for i in members], k)
                 for members, k in batch],)

    out: list[list[Span]] = [[] for _ in range(n)]
    results = ordered_map(_outlets_spans, tasks(), jobs=jobs, scheduler=scheduler,
                          what="finding boilerplate")
    members_in_order = iter(members for members, _ in work)
    for found in results:
        for spans_by_position in found:
            members = next(members_in_order)
            for i, spans in spans_by_position.items():
                out[members[i]] = spans
    return out


def _outlets_spans(outlets: list[tuple[list[str], list, int]]) -> list[dict[int, list[Span]]]:
    """:func:`_outlet_spans` of each ``(texts, roots, k)`` (a task of ``ordered_map``)."""
    return [_outlet_spans(texts, roots, k) for texts, roots, k in outlets]


@dataclass
class _Para:
    article: int
    start: int
    end: int
    exact: bytes
    template: bytes | None
    words: list[str]


def _outlet_spans(texts: list[str], roots: list, k: int) -> dict[int, list[Span]]:
    """Boilerplate spans of one outlet's texts, by position in ``texts``."""
    paras: list[_Para] = []
    short: list[tuple[int, list[str], bool]] = []  # (paragraph, words as written, at an edge)
    vocab: set[str] = set()
    for a, text in enumerate(texts):
        units = _units(text)
        for at, (start, end, raw) in enumerate(units):
            vocab.update(raw)
            if len(raw) < MIN_WORDS:
                continue
            words = _DIGIT.sub("0", " ".join(raw).casefold()).split(" ")
            if len(raw) <= TEMPLATE_MAX_WORDS and len(words) == len(raw):
                short.append((len(paras), raw, at < EDGE_LINES or at >= len(units) - EDGE_LINES))
            paras.append(_Para(a, start, end, _digest(words), None, words))
    # A capitalised word the outlet never writes in lower case is taken for a name.
    lower = frozenset(w for w in vocab if w[:1].islower())
    for i, raw, edge in short:
        paras[i].template = _template(raw, paras[i].words, lower, edge)
    if not paras:
        return {}
    stories: dict[bytes, set] = defaultdict(set)  # key → the stories it occurs in
    for p in paras:
        stories[b"e" + p.exact].add(roots[p.article])
        if p.template is not None:
            stories[b"t" + p.template].add(roots[p.article])
    near = _near_groups(paras, roots, k)
    for p_index, group in near.items():
        stories[group].add(roots[paras[p_index].article])

    found: dict[int, list[Span]] = defaultdict(list)
    for i, p in enumerate(paras):
        keys = [b"e" + p.exact, *([b"t" + p.template] if p.template is not None else []),
                *([near[i]] if i in near else [])]
        best = max(keys, key=lambda key: len(stories[key]))
        count = len(stories[best])
        if count >= k:
            spans = found[p.article]
            gap = texts[p.article][spans[-1].end:p.start] if spans else "\n"
            if not gap.strip() and "\n" not in gap:
                # Sentences of one unsplit paragraph: one span.
                last = spans.pop()
                spans.append(Span(last.start, p.end, max(last.articles, count), last.key))
            else:
                spans.append(Span(p.start, p.end, count, best.hex()[:16]))
    return dict(found)


def _units(text: str) -> list[tuple[int, int, list[str]]]:
    """The text's lines as (start, end, words), a line of more than ``LONG_LINE`` words cut into
    its sentences: a text saved without paragraph breaks still has units to compare."""
    out: list[tuple[int, int, list[str]]] = []
    for m in _LINE.finditer(text):
        raw = _TOKEN.findall(m.group())  # one regex pass per unit, reused for every key
        if len(raw) <= LONG_LINE:
            out.append((m.start(), m.end(), raw))
            continue
        line, at = m.group(), 0
        for cut in _SENTENCE_END.finditer(line):
            nxt = line[cut.end():cut.end() + 2].lstrip()[:1]  # "U.S. officials" is one
            if (nxt and (nxt.isupper() or nxt.isdigit() or nxt in "\"«“'‘(")
                    and not _ABBREVIATION.search(line, max(0, cut.start() - 8), cut.end())):
                _add_unit(out, line, m.start(), at, cut.end())
                at = cut.end()
        _add_unit(out, line, m.start(), at, len(line))
    return out


def _add_unit(out: list, line: str, offset: int, start: int, end: int) -> None:
    start += len(line[start:end]) - len(line[start:end].lstrip())
    if start < end:
        out.append((offset + start, offset + end, _TOKEN.findall(line[start:end])))


def _near_groups(paras: list[_Para], roots: list, k: int) -> dict[int, bytes]:
    """Paragraph index → near-copy group key, for long paragraphs that have near copies."""
    long = [i for i, p in enumerate(paras) if len(p.words) >= NEAR_MIN_WORDS]
    if len(long) < k:
        return {}
    sh = _shingles([paras[i].words for i in long])
    # Which 3-grams recur in k stories of the outlet: one vectorised count over all of them.
    para_of = np.repeat(np.arange(len(long)), [len(x) for x in sh])
    flat = np.concatenate(sh)
    story_ids = {r: j for j, r in enumerate(dict.fromkeys(roots))}
    story = np.array([story_ids[roots[paras[i].article]] for i in long], dtype=np.uint64)
    pairs = _unique((flat << np.uint64(32)) | story[para_of])  # (3-gram, story), once each
    values, df = _unique(pairs >> np.uint64(32), counts=True)
    frequent = np.isin(flat, values[df >= k])
    share = np.bincount(para_of, weights=frequent, minlength=len(long)) / np.maximum(
        np.bincount(para_of, minlength=len(long)), 1)
    candidates = [j for j in range(len(long)) if share[j] >= NEAR_FREQUENT]
    if len(candidates) < 2:
        return {}

    from datasketch import MinHash, MinHashLSH

    # One index node per distinct exact text: identical copies are already one key.
    node_of: dict[bytes, int] = {}
    members: list[list[int]] = []
    for j in candidates:
        exact = paras[long[j]].exact
        if exact not in node_of:
            node_of[exact] = len(members)
            members.append([])
        members[node_of[exact]].append(j)
    parent = list(range(len(members)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    base = MinHash(num_perm=NUM_PERM, hashfunc=_identity, seed=11)
    lsh = MinHashLSH(num_perm=NUM_PERM, params=_lsh_params())
    for node, group in enumerate(members):
        mine = sh[group[0]]
        m = MinHash(num_perm=NUM_PERM, hashfunc=_identity, permutations=base.permutations,
                    scheme=base.scheme)
        m.update_batch(mine.tolist())
        for other in lsh.query(m):
            theirs = sh[members[other][0]]
            shared = len(np.intersect1d(mine, theirs, assume_unique=True))
            if shared / (len(mine) + len(theirs) - shared) >= NEAR_JACCARD:
                parent[find(node)] = find(other)
        lsh.insert(node, m)
    out: dict[int, bytes] = {}
    for node, group in enumerate(members):
        key = b"n" + paras[long[members[find(node)][0]]].exact
        for j in group:
            out[long[j]] = key
    return out


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    # The analyses' own list, so a template keeps words they would count. Imported here: the
    # analyze package imports this module's span parser.
    from workbench.analyze.tokens import stop_words

    return stop_words()


@lru_cache(maxsize=1)
def _lsh_params() -> tuple[int, int]:
    """datasketch's (bands, rows) for ``LSH_THRESHOLD``, computed once (it integrates
    numerically, which costs more than indexing a small outlet). Set well below NEAR_JACCARD
    because candidates are checked exactly: at 0.6 itself the index then misses 1 pair in 160
    (at a threshold of 0.6 it would miss 1 in 3)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _template(raw: list[str], words: list[str], lower: frozenset[str],
              edge: bool) -> bytes | None:
    """The line with names masked (runs of names as one mask), or None when the line is long,
    has no name, or keeps too few words to be a frame: two words not on the stop list, or one
    at the top or bottom of an article ("Contributing: N" is a credit, "Winner: N" mid-article
    a subhead)."""
    if len(raw) > TEMPLATE_MAX_WORDS:
        return None
    out: list[str] = []
    masked = False
    for w, norm in zip(raw, words, strict=True):
        if w[:1].isupper() and (len(w) == 1 or norm not in lower):  # "S.A. Miller"
            masked = True
            if len(out) >= 2 and out[-2] == _MASK and out[-1] in _JOINERS:
                out.pop()  # "Kevin Johnson and Bart Jansen in Reno": one list of names
            if not out or out[-1] != _MASK:
                out.append(_MASK)
        else:
            out.append(norm)
    stop = _stop_words()
    kept = sum(1 for w in out if w != _MASK and w not in stop)
    if not masked or kept < (1 if edge else 2):
        return None
    return _digest(out)


def _digest(words: list[str]) -> bytes:
    return hashlib.blake2b(" ".join(words).encode("utf-8", "surrogatepass"),
                           digest_size=12).digest()


def _identity(x: int) -> int:
    return x


def _shingles(texts: list[list[str]]) -> list[np.ndarray]:
    """The distinct hashed word 3-grams (32-bit) of each word list, all hashed at once."""
    lengths = np.array([len(w) for w in texts])
    # pandas' hash_array gives stable 64-bit hashes (str hash() is salted per process).
    ids = hash_array(np.array([w for words in texts for w in words], dtype=object),
                     categorize=False)
    n = len(ids) - SHINGLE + 1
    h = np.zeros(max(n, 0), dtype=np.uint64)
    for j in range(SHINGLE):  # a multiplicative mix of the hashes in each window
        h = (h ^ (ids[j:j + n] * _MIX[j])) * np.uint64(0x100000001B3)
    h >>= np.uint64(32)
    # Windows starting in the last SHINGLE-1 words of a text would cross into the next one.
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    para = np.repeat(np.arange(len(texts), dtype=np.uint64), lengths)[:len(h)]
    offset = np.arange(len(h)) - np.repeat(starts, lengths)[:len(h)]
    ok = offset <= np.repeat(lengths, lengths)[:len(h)] - SHINGLE
    keyed = _unique((para[ok] << np.uint64(32)) | h[ok])
    cut = np.searchsorted(keyed >> np.uint64(32), np.arange(1, len(texts), dtype=np.uint64))
    return [part & np.uint64(0xFFFFFFFF) for part in np.split(keyed, cut)]


def _unique(a: np.ndarray, counts: bool = False):
    """Sorted distinct values (and their counts) by one sort: numpy's hash-based np.unique is
    several times slower on these 64-bit keys."""
    a = np.sort(a)
    first = np.empty(len(a), dtype=bool)
    first[:1] = True
    np.not_equal(a[1:], a[:-1], out=first[1:])
    if not counts:
        return a[first]
    where = np.flatnonzero(first)
    return a[where], np.diff(np.append(where, len(a)))


def spans_json(spans: list[Span]) -> str | None:
    """The ``boilerplate`` column value: ``[[start, end, articles, key], …]`` or None."""
    if not spans:
        return None
    return json.dumps([[s.start, s.end, s.articles, s.key] for s in spans],
                      separators=(",", ":"))


def parse_spans(value: object) -> list[tuple[int, int]]:
    """The ``(start, end)`` character spans of a ``boilerplate`` column value ([] for none or
    an unreadable value)."""
    if not isinstance(value, str) or not value:
        return []
    try:
        return [(int(s[0]), int(s[1])) for s in json.loads(value)]
    except (ValueError, TypeError, IndexError):
        return []


def mark_boilerplate(articles: pd.DataFrame, **options: Any) -> None:
    """Set the ``boilerplate`` and ``boilerplate_words`` columns of an articles table in place
    (see ``workbench.tables``); ``options`` go to :func:`find_boilerplate`."""
    texts = articles["text"].tolist()
    dup = articles["duplicate_of"] if "duplicate_of" in articles.columns else None
    found = find_boilerplate(texts, articles["outlet"].astype(object).tolist(),
                             story_roots(articles["article_id"], dup), **options)
    articles["boilerplate"] = [spans_json(s) for s in found]
    articles["boilerplate_words"] = [span_words(t, s) for t, s in zip(texts, found, strict=True)]


def story_roots(ids: pd.Series, duplicate_of: pd.Series | None) -> list:
    """Each article's story for the boilerplate count: the article it copies, else itself."""
    own = ids.astype(object).tolist()
    if duplicate_of is None:
        return own
    return [d if isinstance(d, str) else i
            for d, i in zip(duplicate_of.astype(object), own, strict=True)]


def span_words(text: str, spans: list[Span]) -> int:
    """The words of ``text`` inside its boilerplate ``spans``."""
    from workbench.corpus.clean import count_words

    return sum(count_words(text[s.start:s.end]) for s in spans) if spans else 0
