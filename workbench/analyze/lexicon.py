"""Frames: how often each group uses a lexicon's phrases, and whose words they are.

A lexicon (:mod:`workbench.analyze.lexicon_file`, starter ``data/lexicons/war.yaml``) names
frames — "russian-official framing", "invasion framing", "war" — each a list of phrases of any
length and spaCy ``Matcher`` token patterns.  :func:`lexicon_matches` finds them in
``articles.text`` with spaCy's English tokenizer alone (``spacy.blank("en")``: no model, no
annotation cache, so editing the lexicon only means re-running the analysis), case-insensitively,
and says for each match whose wording it is:

* ``quoted`` — inside a direct quotation attributed to a speaker (the ``quotes`` table's
  ``[start, end)`` of a ``direct`` row);
* ``reported`` — inside the reported clause of an indirect quote ("Peskov said the special
  military operation would go on"), unless also inside quotation marks there (then ``quoted``:
  'Zelensky said Putin's goal was to “occupy all Ukraine”');
* ``marked`` — inside quotation marks nobody is credited with (scare quotes: so-called
  "denazification"), found by the quotation-mark rules of ``annotate/quote_marks.py``;
* ``own`` — the outlet's own words.

A match counts for the first of these that contains its first character.  Within a frame,
overlapping matches count once (the longest; "full-scale invasion", not also "invasion"), and
matches inside the frame's ``exclude`` phrases do not count ("war" in "World War II").
:func:`lexicon_counts` turns matches into rates per 1,000 words per group (and period).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

import pandas as pd

from .lexicon_file import Lexicon, load_lexicon, tokenizer
from .select import add_note, group_column
from .timeline import periods, resolve_freq

WHERE = ("own", "quoted", "reported", "marked")
MATCH_COLUMNS = ["article_id", "frame", "term", "start", "end", "text", "where", "speaker"]

# Same-length folds (offsets stay valid): curly apostrophes and typographic hyphens as ASCII.
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-",
                       "\u2011": "-"})


class _Compiled:
    """A lexicon's phrase and token matchers, keyed back to (frame, term, excluded?)."""

    def __init__(self, lexicon: Lexicon):
        from spacy.matcher import Matcher, PhraseMatcher

        nlp = tokenizer()
        self.phrase = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.tokens = Matcher(nlp.vocab)
        self.keys: dict[int, tuple[int, str, bool]] = {}
        for f, frame in enumerate(lexicon.frames):
            for excluded, phrases in ((False, frame.phrases), (True, frame.exclude)):
                for phrase in phrases:
                    key = self._key(f, phrase, excluded)
                    self.phrase.add(key, [nlp.make_doc(phrase.translate(_FOLD))])
            for pattern in frame.patterns:
                self.tokens.add(self._key(f, pattern.label, False), [list(pattern.tokens)])
        self.frames = [fr.name for fr in lexicon.frames]
        self.anchor = _anchor_regex(lexicon)

    def _key(self, frame: int, term: str, excluded: bool) -> str:
        name = f"{frame}\x1f{int(excluded)}\x1f{term.lower() if not excluded else term}"
        self.keys[tokenizer().vocab.strings.add(name)] = (frame, term, excluded)
        return name

    def spans(self, doc: Any) -> list[tuple[str, str, int, int]]:
        """(frame, term, start_char, end_char) of the counted matches in one Doc."""
        per_frame: dict[int, tuple[list, list]] = {}
        for key, start, end in [*self.phrase(doc), *self.tokens(doc)]:
            f, term, excluded = self.keys[key]
            per_frame.setdefault(f, ([], []))[excluded].append((start, end, term))
        out = []
        for f, (hits, blocks) in per_frame.items():
            hits = [h for h in hits if not any(b[0] <= h[0] and h[1] <= b[1] for b in blocks)]
            for start, end, term in _longest_first(hits):
                out.append((self.frames[f], term, doc[start].idx,
                            doc[end - 1].idx + len(doc[end - 1].text)))
        return out


def _anchor_regex(lexicon: Lexicon) -> re.Pattern[str] | None:
    """A regex any text with a match must contain (each phrase's and pattern's first word), so
    the texts without one are never tokenised; None when a pattern's first token is not a
    literal word (a REGEX, a shape…) and every text must be read."""
    words: set[str] = set()
    for frame in lexicon.frames:
        words.update(p.translate(_FOLD).split()[0].lower() for p in frame.phrases)
        for pattern in frame.patterns:
            first = {str(k).upper(): v for k, v in pattern.tokens[0].items()}
            value = first.get("LOWER", first.get("ORTH", first.get("TEXT")))
            if isinstance(value, str):
                words.add(value.lower())
            elif isinstance(value, dict) and set(value) == {"IN"} and all(
                    isinstance(v, str) for v in value["IN"]):
                words.update(v.lower() for v in value["IN"])
            else:
                return None
            if first.get("OP") in ("?", "*"):
                return None  # the first token may be absent
    # Case-insensitive, at a word start only: "war" must not wake up for "toward".
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})", re.I)


def _longest_first(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping hits, longer ones winning (then the earlier one)."""
    taken: list[tuple[int, int, str]] = []
    used: set[int] = set()
    for start, end, term in sorted(set(hits), key=lambda h: (h[0] - h[1], h[0], h[2])):
        if not used.intersection(range(start, end)):
            used.update(range(start, end))
            taken.append((start, end, term))
    return sorted(taken)


def lexicon_matches(articles: pd.DataFrame, lexicon: Lexicon | str | None = None,
                    quotes: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per counted match: article_id, frame, term (the lexicon's phrase or pattern
    label), start, end (character offsets in ``text``), text (as written), where (own |
    quoted | reported | marked, see the module docstring) and speaker (of a quoted or
    reported match).  ``lexicon`` is a :class:`Lexicon`, a path, or None for the starter.
    Without ``quotes`` nothing is ``quoted``/``reported`` (a note says so)."""
    from workbench.annotate.quote_marks import quote_spans

    lex = lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon)
    compiled = _Compiled(lex)
    by_article = _quote_index(quotes)
    ids = articles["article_id"].astype("string").fillna("").tolist()
    texts = articles["text"].astype("string").fillna("").tolist()
    folded = [t.translate(_FOLD) for t in texts]
    if compiled.anchor is not None:  # only texts that contain a first word can match
        keep = [i for i, t in enumerate(folded) if compiled.anchor.search(t)]
        ids, texts, folded = ([x[i] for i in keep] for x in (ids, texts, folded))
    rows: list[tuple] = []
    for aid, text, doc in zip(ids, texts, tokenizer().tokenizer.pipe(folded, batch_size=64),
                              strict=True):
        found = compiled.spans(doc)
        if not found:
            continue
        attributed = by_article.get(aid, [])
        marks = [(s.start, s.end) for s in quote_spans(text)]
        for frame, term, start, end in found:
            where, speaker = _where(start, attributed, marks)
            rows.append((aid, frame, term, start, end, text[start:end], where, speaker))
    out = pd.DataFrame(rows, columns=MATCH_COLUMNS)
    for col in ("start", "end"):
        out[col] = out[col].astype("int64")
    out = out.sort_values(["article_id", "start", "frame"], ignore_index=True)
    out.attrs["frames"] = [f.name for f in lex.frames]
    out.attrs["lexicon"] = str(lex.path) if lex.path else "(in memory)"
    if quotes is None:
        add_note(out, "No quotes table given: every match counts as the outlet's own wording "
                      "or as in quotation marks.")
    return out


def _quote_index(quotes: pd.DataFrame | None) -> dict[str, list[tuple[int, int, str, str]]]:
    """Per article, its attributed quotes as (start, end, where, speaker), direct first."""
    if quotes is None or quotes.empty:
        return {}
    q = quotes.dropna(subset=["start", "end"])
    kind = q["kind"].astype("string").fillna("direct")
    where = kind.map({"direct": "quoted", "indirect": "reported"}).fillna("quoted")
    order = where.map({"quoted": 0, "reported": 1})
    index: dict[str, list] = {}
    frame = pd.DataFrame({"a": q["article_id"].astype("string"), "s": q["start"].astype(int),
                          "e": q["end"].astype(int), "w": where,
                          "p": q["speaker"].astype("string").fillna(""), "o": order})
    for row in frame.sort_values(["a", "o", "s"]).itertuples(index=False):
        index.setdefault(row.a, []).append((row.s, row.e, row.w, row.p))
    return index


def _where(start: int, attributed: list[tuple[int, int, str, str]],
           marks: list[tuple[int, int]]) -> tuple[str, str | None]:
    k = bisect_right(marks, (start, float("inf"))) - 1
    in_marks = k >= 0 and marks[k][0] <= start < marks[k][1]
    for s, e, where, speaker in attributed:  # direct quotations first
        if s <= start < e:
            # Marks inside a reported clause are the speaker's own words, quoted:
            # 'Zelensky stressed that Putin's goal was to “occupy all Ukraine”'.
            return ("quoted" if in_marks else where), speaker or None
    return ("marked" if in_marks else "own"), None


def lexicon_counts(matches: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet",
                   per: str = "frame", freq: str | None = None) -> pd.DataFrame:
    """Matches per group (and per period with ``freq`` = D | W | M | auto) and per frame (or
    per frame and term with ``per="term"``): ``matches``, its split ``own`` / ``quoted`` /
    ``reported`` / ``marked``, ``articles`` (with at least one match), ``words`` (the group's
    or period's words), ``per_1k`` (matches per 1,000 words) and ``own_per_1k`` …
    ``marked_per_1k``.  Every frame appears for every group, with zeros where it is unused.
    With ``freq``, undated articles are left out (a note says how many)."""
    if per not in ("frame", "term"):
        raise ValueError("per must be 'frame' or 'term'")
    keys = ["group"]
    art = pd.DataFrame({"article_id": articles["article_id"].to_numpy(),
                        "group": group_column(articles, by).to_numpy(),
                        "words": _words(articles).to_numpy()})
    out_attrs: dict[str, Any] = {"by": by, "per": per}
    notes: list[str] = []
    if freq is not None:
        freq = resolve_freq(freq, articles["published"])
        p = periods(articles["published"], freq)
        art["period"], art["period_end"] = p["period"].to_numpy(), p["period_end"].to_numpy()
        undated = int(art["period"].isna().sum())
        if undated:
            notes.append(f"{undated:,} undated article{'' if undated == 1 else 's'} left out "
                         f"of the counts per period.")
        art = art.dropna(subset=["period"])
        keys += ["period", "period_end"]
        out_attrs["freq"] = freq
    art = art.drop_duplicates("article_id")
    m = matches.merge(art.drop(columns="words"), on="article_id", how="inner")
    frames = list(matches.attrs.get("frames") or pd.unique(matches["frame"]))
    cats = ["frame"] + (["term"] if per == "term" else [])
    split = (pd.crosstab([m[k] for k in keys + cats], m["where"])
             .reindex(columns=list(WHERE), fill_value=0) if len(m) else None)
    words = art.groupby(keys, dropna=False)["words"].sum()
    grid = _grid(words.index, frames, m, per)
    out = grid.join(split, how="left") if split is not None else grid.assign(
        **dict.fromkeys(WHERE, 0))
    out = out.fillna(0)
    n_art = m.groupby(keys + cats)["article_id"].nunique() if len(m) else None
    out["articles"] = n_art.reindex(out.index).fillna(0) if n_art is not None else 0
    out = out.reset_index()
    out["words"] = out.set_index(keys).index.map(words).to_numpy()
    out["matches"] = out[list(WHERE)].sum(axis=1)
    for col in (*WHERE, "matches", "articles", "words"):
        out[col] = out[col].astype("int64")
    scale = 1000.0 / out["words"].where(out["words"] > 0)
    out["per_1k"] = out["matches"] * scale
    for w in WHERE:
        out[f"{w}_per_1k"] = out[w] * scale
    order = {f: i for i, f in enumerate(frames)}
    out = out.sort_values([*keys, "frame"], key=lambda s: s.map(order) if s.name == "frame"
                          else s, kind="stable", ignore_index=True)
    cols = [*keys, *cats, "matches", *WHERE, "articles", "words", "per_1k",
            *(f"{w}_per_1k" for w in WHERE)]
    out = out[cols]
    out.attrs = {**out_attrs, "notes": list(matches.attrs.get("notes", [])) + notes}
    return out


def _grid(index: pd.Index, frames: Iterable[str], m: pd.DataFrame, per: str) -> pd.DataFrame:
    """Every (group[, period]) × frame — × term where that frame has matches — as an index."""
    base = index.to_frame(index=False)
    if per == "frame":
        cats = pd.DataFrame({"frame": list(frames)})
    else:
        cats = m[["frame", "term"]].drop_duplicates()
        if cats.empty:
            cats = pd.DataFrame({"frame": pd.Series(dtype=object),
                                 "term": pd.Series(dtype=object)})
    full = base.merge(cats, how="cross")
    return full.set_index(list(full.columns))[[]]


def _words(articles: pd.DataFrame) -> pd.Series:
    words = pd.to_numeric(articles["n_words"], errors="coerce")
    if words.isna().any():
        counted = articles["text"].astype("string").fillna("").str.split().str.len()
        words = words.fillna(counted)
    return words.fillna(0).astype("int64")
