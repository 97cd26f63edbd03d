"""Quotes and dated expressions in Russian and Ukrainian text (rows as the English path).

Quotes, each with the speaker found among the text's mentions (a person or organisation; "он",
"она", "він", "вона" is the last person named before):
- direct: «ёлочки» (or „лапки“, "straight" quotes) attributed by a speech verb after a dash
  («…», — заявил Песков) or before a colon (Песков заявил: «…»), or «по словам X» before them;
  a dialogue dash line ("— …, — сказал он") likewise;
- indirect: "X заявил, что …" (що), "по словам X, …" (за словами), "как сообщает X, …"
  (як повідомляє), and "…, сообщил X." at a sentence's end.
Speech verbs are matched by lemma (:data:`SPEECH_VERBS`).

Dates: explicit days and months ("12 ноября 2025 года", "в ноябре"), years ("в 2023 году"),
weekdays ("в пятницу", "у п'ятницю") and dateparser's relative phrases ("вчера", "в прошлом году",
"минулого тижня"); month and weekday names come from dateparser's ru/uk locale data. A date
without a year, or a weekday, is resolved on the calendar with the English rules
(``date_calendar``), pointed forward or back by the tense of the sentence's nearest verb.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from datetime import date
from typing import Any

from workbench.annotate.cyrillic_kb import analyzer, fold
from workbench.date_calendar import counted, month_day_near, month_near, safe_date, weekday_near
from workbench.date_cues import FUTURE, NONE, PAST, PRESENT
from workbench.dates import as_datetime

SPEECH_VERBS = frozenset("""
заявить сказать сообщить отметить подчеркнуть добавить пояснить рассказать написать заметить
уточнить признать напомнить указать констатировать предупредить ответить объяснить говорить
заявлять сообщать отмечать подчеркивать добавлять пояснять рассказывать писать считать
утверждать заверить призвать резюмировать процитировать передать
заявити сказати повідомити зазначити підкреслити додати пояснити розповісти написати
наголосити уточнити визнати нагадати відповісти заявляти повідомляти зазначати говорити
підкреслювати наголошувати вважати запевнити закликати
""".split())
_PRONOUNS = frozenset({"он", "она", "він", "вона"})
_SPEAKER_TYPES = ("PERSON", "ORG")
_ABOUT = re.compile(r"\s*(?:об этом|о том|о чем|про це|про те|як|как|такие|такі)\b", re.I)
_OPEN_CLOSE = {"«": "»", "„": "“", '"': '"', "“": "”"}
_WORD = re.compile(r"[\w'’ʼ-]+")
_DASH = "—–-"


@functools.lru_cache(maxsize=100_000)
def _lemma(word: str, language: str) -> str:
    return fold(analyzer(language).parse(word)[0].normal_form)


@functools.lru_cache(maxsize=100_000)
def _finite_tense(word: str, language: str) -> str | None:
    """past | futr | pres when ``word`` reads first as a finite verb, else None."""
    parse = analyzer(language).parse(word)[0]
    return str(parse.tag.tense or "pres") if parse.tag.POS == "VERB" else None


_VERB_PREFIXES = frozenset(v[:3] for v in SPEECH_VERBS)


@functools.lru_cache(maxsize=50_000)
def _verb(word: str, language: str) -> str | None:
    """The speech verb's lemma when ``word`` is a form of one."""
    if fold(word[:3]) not in _VERB_PREFIXES:  # most words: no analysis needed
        return None
    for parse in analyzer(language).parse(word)[:3]:
        if parse.tag.POS in ("VERB", "INFN", "GRND") and fold(parse.normal_form) in SPEECH_VERBS:
            return fold(parse.normal_form)
    return None


def piece_quotes(text: str, language: str, mentions: list[dict[str, Any]],
                 starts: list[int]) -> list[dict[str, Any]]:
    """Quote rows (the ``quotes`` table without ``article_id``) of one text."""
    speakers = sorted((m for m in mentions if m["type"] in _SPEAKER_TYPES),
                      key=lambda m: m["start"])
    rows: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for qs, qe in _quoted(text):
        found = _attribute_direct(text, qs, qe, language, speakers, starts)
        if found is not None:
            speaker, verb = found
            rows.append(_quote_row(text, qs, qe, speaker, verb, "direct", starts))
            taken.append((qs - 1, qe + 1))
    for qs, qe, speaker, verb in _indirect(text, language, speakers, starts):
        if not any(a < qe and qs < b for a, b in taken):
            rows.append(_quote_row(text, qs, qe, speaker, verb, "indirect", starts))
    return rows


def _quoted(text: str) -> list[tuple[int, int]]:
    """Spans inside top-level quotation marks (nested „…“ stay inside), and dialogue lines
    ("— Мы готовы, — сказал он": the words up to the second dash)."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "«":
            if depth == 0:
                start = i + 1
            depth += 1
        elif c == "»" and depth:
            depth -= 1
            if depth == 0 and i > start:
                out.append((start, i))
    for m in re.finditer(r"(?m)^[—–]\s*(.+?),?\s+[—–]\s", text):
        out.append((m.start(1), m.end(1)))
    if not out:  # straight or English-style quotes, when no «» are used at all
        out = [(m.start(1), m.end(1)) for m in re.finditer(r"[\"“]([^\"“”\n]{12,}?)[\"”]", text)]
    return out


def _attribute_direct(text: str, qs: int, qe: int, language: str, speakers: list[dict],
                      starts: list[int]) -> tuple[dict, str] | None:
    after = re.match(rf"\s*[,.!?…]?\s*[{_DASH}]\s*([\w'’ʼ-]+)", text[qe + 1:qe + 40])
    if after and (verb := _verb(after.group(1), language)):
        at = qe + 1 + after.end()
        speaker = _speaker_after(text, at, speakers, starts)
        return (speaker, verb) if speaker else None
    before = text[max(0, qs - 200):qs - 1]
    colon = re.search(r"([\w'’ʼ-]+)\s*:\s*$", before)
    if colon and (verb := _verb(colon.group(1), language)):
        at = qs - 1 - (len(before) - colon.start())
        speaker = _speaker_before(at, speakers, starts)
        return (speaker, verb) if speaker else None
    words = re.search(r"(?:[Пп]о словам|[Зз]а словами)\s+([^,«]{2,80}),\s*$", before)
    if words:
        at = qs - 1 - (len(before) - words.start(1))
        speaker = _speaker_after(text, at, speakers, starts)
        return (speaker, "сказать" if language == "ru" else "сказати") if speaker else None
    return None


def _indirect(text: str, language: str, speakers: list[dict], starts: list[int]):
    """(start, end, speaker, verb) of reported speech without quotation marks."""
    bounds = [*starts, len(text)]
    for i in range(len(starts)):
        s, e = bounds[i], bounds[i + 1]
        sent = text[s:e].rstrip()
        end = s + len(sent.rstrip(".!?…"))
        m = re.search(r"(?:[Пп]о словам|[Зз]а словами|[Кк]ак (\w+)|[Яя]к (\w+))\s+([^,]{2,80}?),"
                      r"\s+", sent)
        if m and (m.group(1) is None and m.group(2) is None
                  or _verb(m.group(1) or m.group(2), language)):
            speaker = _speaker_after(text, s + m.start(3), speakers, starts)
            if speaker and speaker["start"] < s + m.end(3):
                verb = _verb(m.group(1) or m.group(2) or "", language) or (
                    "сказать" if language == "ru" else "сказати")
                yield s + m.end(), end, speaker, verb
                continue
        for w in _WORD.finditer(sent):
            verb = _verb(w.group(0), language)
            if not verb:
                continue
            rest = sent[w.end():]
            that = re.match(r"\s*,\s*(?:что|що)\s+", rest)
            if that:
                speaker = _speaker_before(s + w.start(), speakers, starts)
                if speaker:
                    yield s + w.end() + that.end(), end, speaker, verb
                break
            tail = re.match(r"\s+(.{2,80})$", rest)
            lead = sent[:w.start()].rstrip()
            # "Об этом в воскресенье, 24 мая, заявил X" credits the sentence before: no quote
            if tail and lead.endswith(",") and len(lead) > 20 and not _ABOUT.match(lead):
                speaker = _speaker_after(text, s + w.end(), speakers, starts)
                if speaker and speaker["end"] <= end + 1:
                    yield s + len(sent) - len(sent.lstrip()), s + len(lead) - 1, speaker, verb
                break


def _speaker_after(text: str, at: int, speakers: list[dict], starts: list[int]):
    """The first person or organisation named in the words after ``at`` (same sentence); a
    pronoun there is the last person named before."""
    sent_end = next((s for s in starts if s > at), len(text))
    near = [m for m in speakers if at <= m["start"] < min(sent_end, at + 120)]
    # "пресс-секретарь Кремля Дмитрий Песков": the person, not the organisation before them
    if near:
        return next((m for m in near if m["type"] == "PERSON"), near[0])
    word = re.match(r"\s*(\w+)", text[at:at + 20])
    if word and fold(word.group(1)) in _PRONOUNS:
        return next((m for m in reversed(speakers)
                     if m["end"] <= at and m["type"] == "PERSON"), None)
    return None


def _speaker_before(at: int, speakers: list[dict], starts: list[int]):
    """The last person or organisation named in the sentence before ``at``."""
    sent_start = starts[bisect_right(starts, at) - 1] if starts else 0
    near = [m for m in speakers if sent_start <= m["start"] and m["end"] <= at]
    return next((m for m in reversed(near) if m["type"] == "PERSON"), near[-1] if near else None)


def _quote_row(text: str, qs: int, qe: int, speaker: dict, verb: str, kind: str,
               starts: list[int]) -> dict[str, Any]:
    return {"sent_index": bisect_right(starts, min(qs, speaker["start"])) - 1, "start": qs,
            "end": qe, "speaker": speaker["text"], "speaker_id": speaker["entity_id"],
            "speaker_affiliation": speaker.get("affiliation"),
            "quote": " ".join(text[qs:qe].split()), "verb": verb, "kind": kind,
            "_mention": speaker}  # the speaker's mention row: relinked with it (cyrillic.py)


# ── dates ────────────────────────────────────────────────────────────────────

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_YEAR_WORDS = frozenset({"год", "года", "году", "г", "рік", "року", "році", "р"})
_LAST = frozenset({"прошлый", "минулий", "предыдущий", "попередній"})
_NEXT = frozenset({"следующий", "наступний", "ближайший", "найближчий"})


@functools.cache
def _names(language: str) -> tuple[dict[str, int], dict[str, int], list[tuple[str, int, str]]]:
    """Month and weekday names (lemma → number) and relative phrases (phrase, n, unit) from
    dateparser's locale data."""
    from dateparser.languages.loader import LocaleDataLoader

    info = LocaleDataLoader().get_locale(language).info
    months = {_lemma(w, language): i + 1 for i, key in enumerate(_MONTHS)
              for w in info.get(key, []) if len(w) >= 4}
    weekdays = {_lemma(w, language): i for i, key in enumerate(_WEEKDAYS)
                for w in info.get(key, []) if len(w) >= 5}
    relative = []
    for key, phrases in info.get("relative-type", {}).items():
        m = re.fullmatch(r"(in )?(\d+) (day|week|month|year)( ago)?", key)
        if m:
            n = int(m.group(2)) * (-1 if m.group(4) else 1)
            relative += [(p, n, m.group(3)) for p in phrases if len(p.split()[-1]) >= 4]
    relative.sort(key=lambda r: -len(r[0]))
    return months, weekdays, relative


@functools.cache
def _relative_pattern(language: str) -> tuple[re.Pattern, dict[str, tuple[int, str]]]:
    """One regex of the relative phrases (longest first) and what each means."""
    relative = _names(language)[2]
    meaning = {phrase: (n, unit) for phrase, n, unit in relative}
    alternatives = "|".join(re.escape(p) for p, _, _ in relative)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"), meaning


@functools.cache
def _prefixes(language: str) -> frozenset[str]:
    """First three letters of every month and weekday name (a cheap filter before lemmas)."""
    months, weekdays, _ = _names(language)
    return frozenset(name[:3] for name in (*months, *weekdays))


def piece_dates(text: str, language: str, anchor: date | None,
                starts: list[int]) -> list[dict[str, Any]]:
    """Date rows (the ``dates`` table without ``article_id``) of one text."""
    months, weekdays, relative = _names(language)
    bounds = [*starts, len(text)]
    rows = []
    for i in range(len(starts)):
        s, e = bounds[i], bounds[i + 1]
        sent = text[s:e]
        words = list(_WORD.finditer(sent))
        used: set[int] = set()
        for lo, hi, when, precision in _sentence_dates(sent, words, language, anchor, months,
                                                       weekdays, relative, used):
            rows.append({"sent_index": i, "start": s + lo, "end": s + hi,
                         "text": sent[lo:hi], "date": as_datetime(when),
                         "precision": precision, "anchor": as_datetime(anchor),
                         "sentence": " ".join(sent.split())})
    return rows


def _sentence_dates(sent, words, language, anchor, months, weekdays, relative, used):
    prefixes = _prefixes(language)
    pattern, meaning = _relative_pattern(language)
    for m in pattern.finditer(fold(sent)):
        n, unit = meaning[m.group(0)]
        used.update(id(w) for w in words if m.start() <= w.start() < m.end())
        when = counted(anchor, n, unit) if anchor else None
        yield m.start(), m.end(), when, "day" if unit in ("day", "week") else unit
    way = None
    for j, w in enumerate(words):
        if id(w) in used:
            continue
        token = w.group(0)
        lemma = _lemma(token, language) if fold(token[:3]) in prefixes else ""
        prep = j > 0 and fold(words[j - 1].group(0)) in ("в", "во", "у", "на", "с", "з", "до")
        lo = words[j - 1].start() if prep else w.start()
        if w.group(0).isdigit() and j + 1 < len(words) and 1 <= int(w.group(0)) <= 31 \
                and (month := months.get(_lemma(words[j + 1].group(0), language))):
            year, hi = _year_after(words, j + 2)
            hi = hi or words[j + 1].end()
            way = _tense(words, j, language) if way is None else way
            when = safe_date(year, month, int(w.group(0))) if year else (
                month_day_near(month, int(w.group(0)), anchor, way) if anchor else None)
            used.update(id(x) for x in words[j:j + 4] if x.start() < hi)
            yield w.start(), hi, when, "day"
        elif lemma in months:
            year, hi = _year_after(words, j + 1)
            way = _tense(words, j, language) if way is None else way
            when = date(year, months[lemma], 1) if year else (
                month_near(months[lemma], anchor, way) if anchor else None)
            used.add(id(w))
            yield lo, hi or w.end(), when, "month"
        elif lemma in weekdays and prep:
            word = ""
            if j > 1 and (mod := _lemma(words[j - 1].group(0), language)) in _LAST | _NEXT:
                word = "last" if mod in _LAST else "next"
            way = _tense(words, j, language) if way is None else way
            when = weekday_near(weekdays[lemma], anchor, way, word) if anchor else None
            yield lo, w.end(), when, "day"
        elif re.fullmatch(r"(19|20)\d\d", w.group(0)) and j + 1 < len(words) \
                and fold(words[j + 1].group(0)) in _YEAR_WORDS and prep:
            yield lo, words[j + 1].end(), date(int(w.group(0)), 1, 1), "year"


def _year_after(words, k: int) -> tuple[int | None, int | None]:
    if k < len(words) and re.fullmatch(r"(19|20)\d\d", words[k].group(0)):
        end = words[k].end()
        if k + 1 < len(words) and fold(words[k + 1].group(0)) in _YEAR_WORDS:
            end = words[k + 1].end()
        return int(words[k].group(0)), end
    return None, None


def _tense(words, j: int, language: str) -> str:
    """The direction of the finite verb nearest word ``j``: past, future, present or none."""
    order = sorted(range(len(words)), key=lambda k: abs(k - j))
    for k in order:
        tense = _finite_tense(words[k].group(0), language)
        if tense is not None:
            return PAST if tense == "past" else FUTURE if tense == "futr" else PRESENT
    return NONE
