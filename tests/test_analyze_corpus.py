"""A small corpus shaped like data/sample (Novinite twice, Izvestia, Moldova 1, syrializm), built
with ``tables.conform``, shared by the analyze and charts tests; plus checks of the fixture."""

from __future__ import annotations

import re

import pandas as pd

from workbench.tables import conform

HOSTILE = "<img src=x onerror=alert(1)>"

TEXTS = {
    "nov1": ("Russia has declared its readiness to resume peace negotiations with Ukraine. "
             "Kremlin spokesman Dmitry Peskov confirmed contacts with Kyiv. "
             "Fighting continues around Pokrovsk in Donetsk Oblast. Peskov said talks broke down."),
    "iz1": ("Ukraine was not in the mood for negotiations with Moscow. Kiev turned on peaceful "
            "rhetoric. The Kiev regime officially stopped contacts with Moscow on November 12. "
            "Rodion Miroshnik said the Kiev regime shells cities. Kiev wants weapons."),
    "md1": ("Russia reaffirmed its readiness to resume negotiations in Istanbul. The talks have "
            "been put on hold by Kyiv, Alexei Polishchuk said. Delegations met on May 16, June 2 "
            "and July 23. Moscow demanded that Kyiv withdraw its troops."),
    "sy1": ("The Kremlin confirms that negotiations with Kyiv are stalled. Volodymyr Zelensky "
            "stressed that Russia wants to occupy Ukraine. Dmitry Peskov said on Friday that "
            "there is a stalemate. Exercises began in September."),
}

# (surface, entity_id, entity, type, variant, affiliation)
ENTITIES = [
    ("Russia", "Q159", "Russia", "PLACE", None, "Russia"),
    ("Ukraine", "Q212", "Ukraine", "PLACE", None, "Ukraine"),
    ("Moscow", "Q649", "Moscow", "PLACE", None, "Russia"),
    ("Kyiv", "Q1899", "Kyiv", "PLACE", "kyiv", "Ukraine"),
    ("Kiev regime", "local:kiev-regime", "Kiev regime", "GROUP", None, "Ukraine"),
    ("Kiev", "Q1899", "Kyiv", "PLACE", "kiev", "Ukraine"),
    ("Dmitry Peskov", "Q4173079", "Dmitry Peskov", "PERSON", None, "Russia"),
    ("Peskov", "Q4173079", "Dmitry Peskov", "PERSON", None, "Russia"),
    ("Kremlin", "Q42760", "Kremlin", "ORG", None, "Russia"),
    ("Pokrovsk", "Q156787", "Pokrovsk", "PLACE", None, "Ukraine"),
    ("Istanbul", "Q406", "Istanbul", "PLACE", None, None),
    ("Alexei Polishchuk", "local:alexei-polishchuk", "Alexei Polishchuk", "PERSON", None,
     "Russia"),
    ("Rodion Miroshnik", "Q4399436", "Rodion Miroshnik", "PERSON", None, "Russia"),
    ("Volodymyr Zelensky", "Q3874799", "Volodymyr Zelensky", "PERSON", "volodymyr", "Ukraine"),
]


def _sent_index(text: str, pos: int) -> int:
    return len(re.findall(r"[.!?] ", text[:pos]))


def _mentions(article_id: str, text: str) -> list[dict]:
    rows, taken = [], []
    for surface, eid, name, typ, variant, aff in ENTITIES:  # longer surfaces listed first
        for m in re.finditer(rf"\b{re.escape(surface)}\b", text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            rows.append(dict(article_id=article_id, sent_index=_sent_index(text, m.start()),
                             start=m.start(), end=m.end(), text=surface, label="X", type=typ,
                             entity_id=eid, entity=name, variant=variant, affiliation=aff,
                             source="kb"))
    return rows


def corpus() -> dict[str, pd.DataFrame]:
    """articles (with a sources.csv ``country`` column), mentions, quotes, dates."""
    arts = [
        dict(article_id="nov1", outlet="Novinite", title="Kremlin claims willingness",
             published="2025-11-13", text=TEXTS["nov1"], country="Bulgaria"),
        dict(article_id="nov2", outlet="Novinite", title="Nobody is pushing them",
             published="2025-11-13", text=TEXTS["nov1"], duplicate_of="nov1",
             country="Bulgaria"),
        dict(article_id="iz1", outlet="Izvestia", title="Ukraine was not in the mood",
             published=None, text=TEXTS["iz1"], country="Russia"),
        dict(article_id="md1", outlet="Moldova 1", title="Russia reaffirms readiness",
             published="2025-11-12", text=TEXTS["md1"], country="Moldova"),
        dict(article_id="sy1", outlet="syrializm", title="Negotiations with Kyiv are stalled",
             published="2025-09-12", text=TEXTS["sy1"], country=None),
    ]
    articles = pd.DataFrame(arts)
    articles["n_words"] = articles["text"].str.split().str.len()
    mentions = [r for a in arts for r in _mentions(a["article_id"], a["text"])]
    quotes = [
        dict(article_id="nov1", sent_index=1, start=0, end=10, speaker="Dmitry Peskov",
             speaker_id="Q4173079", speaker_affiliation="Russia", quote="contacts",
             verb="confirm", kind="indirect"),
        dict(article_id="nov1", sent_index=3, start=0, end=10, speaker="Peskov",
             speaker_id="Q4173079", speaker_affiliation="Russia", quote="talks broke down",
             verb="say", kind="direct"),
        dict(article_id="nov2", sent_index=3, start=0, end=10, speaker="Peskov",
             speaker_id="Q4173079", speaker_affiliation="Russia", quote="talks broke down",
             verb="say", kind="direct"),
        dict(article_id="iz1", sent_index=3, start=0, end=10, speaker="Rodion Miroshnik",
             speaker_id="Q4399436", speaker_affiliation="Russia", quote="shells cities",
             verb="say", kind="indirect"),
        dict(article_id="md1", sent_index=1, start=0, end=10, speaker="Alexei Polishchuk",
             speaker_id=None, speaker_affiliation=None, quote="on hold", verb="say",
             kind="direct"),
        dict(article_id="sy1", sent_index=1, start=0, end=10, speaker="Zelensky",
             speaker_id="Q3874799", speaker_affiliation="Ukraine", quote="occupy Ukraine",
             verb="stress", kind="indirect"),
        dict(article_id="sy1", sent_index=2, start=0, end=10, speaker="Dmitry Peskov",
             speaker_id="Q4173079", speaker_affiliation="Russia", quote="stalemate",
             verb="say", kind="indirect"),
    ]
    dates = [
        dict(article_id="iz1", sent_index=2, text="November 12", date="2025-11-12",
             precision="day", sentence="The Kiev regime officially stopped contacts with "
             "Moscow on November 12."),
        dict(article_id="md1", sent_index=2, text="May 16", date="2025-05-16", precision="day",
             sentence="Delegations met on May 16, June 2 and July 23."),
        dict(article_id="md1", sent_index=2, text="July 23", date="2025-07-23",
             precision="day", sentence="Delegations met on May 16, June 2 and July 23."),
        dict(article_id="sy1", sent_index=2, text="on Friday", date="2025-09-12",
             precision="day", sentence="Dmitry Peskov said on Friday that there is a "
             "stalemate."),
        dict(article_id="sy1", sent_index=3, text="in September", date="2025-09-01",
             precision="month", sentence="Exercises began in September."),
        dict(article_id="sy1", sent_index=3, text="some day", date=None, precision="day",
             sentence="Unresolvable."),
    ]
    return {
        "articles": conform(articles, "articles"),
        "mentions": conform(pd.DataFrame(mentions), "mentions"),
        "quotes": conform(pd.DataFrame(quotes), "quotes"),
        "dates": conform(pd.DataFrame(dates), "dates"),
    }


def test_fixture_offsets_point_at_the_mentions():
    c = corpus()
    texts = c["articles"].set_index("article_id")["text"]
    for r in c["mentions"].itertuples():
        assert texts[r.article_id][r.start:r.end] == r.text


def test_fixture_has_kiev_for_izvestia_and_kyiv_for_moldova():
    m = corpus()["mentions"]
    assert set(m.loc[m.article_id == "iz1", "variant"].dropna()) == {"kiev"}
    assert set(m.loc[m.article_id == "md1", "variant"].dropna()) == {"kyiv"}
