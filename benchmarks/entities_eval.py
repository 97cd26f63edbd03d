"""Entity validity before/after: top entities per type, glued punctuation, splits, NORP counts.

The evaluation corpus: the AllSides articles that name Ukraine or Russia most (``--allsides``,
default 250, ranked by how often "Ukrain"/"Russia" occurs, at least 3 times) plus all 50
NewsWCL50 articles — ~300 real articles. Two steps:

    # 1. annotate with some version of the code and keep its mentions (run once per version;
    #    PYTHONPATH=<an exported older tree> to get "before")
    .venv/bin/python benchmarks/entities_eval.py dump --out /tmp/entities-eval/after.parquet
    # 2. compare two dumps: figures and the top-50 lists to read
    .venv/bin/python benchmarks/entities_eval.py compare BEFORE.parquet AFTER.parquet

What ``compare`` prints, per dump:
  * per type, the top 50 entities (by mentions) and how many of them are
    - glued: the canonical name carries punctuation no name has ("Griner ―", "Lavrov(RUSSIAN");
    - split: another top-500 entity of the same type is the same person written another way
      (middle initials dropped, a hyphenated part cut off: "Antony J. Blinken"/"Antony
      Blinken", "Karine Jean"/"Karine Jean-Pierre", "Poroshenko"/"Petro Poroshenko");
    - wrong type: listed in ``WRONG_TYPE`` below, a judgement made by reading the lists (a
      platform, outlet, agency or place typed PERSON, a person typed ORG…);
  * NORP: precision and recall of "people group" mentions (the ``local:russians``,
    ``local:ukrainians``, ``local:americans`` entities) against ``NORP_GOLD``, hand labels of
    occurrences of Russian(s)/Ukrainian(s)/American(s) sampled from the corpus with a fixed
    seed (``sample`` prints the contexts to label), keyed by the dataset's article id and the
    text before the word, so they are found again whatever the cleaning rules.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
WORK = Path("/tmp/entities-eval")
TYPES = ("PERSON", "ORG", "PLACE", "GROUP", "OTHER")
# Punctuation no name carries, or a non-word character at either end (an abbreviation's full
# stop, "F.B.I.", "Calif.", is not glued).
_GLUED = re.compile(r"[()\[\]{}―—–\"“”«»|\\*+=<>;:!?]|^[^\w“@#]|[^\w.]$")
_DEMONYM = re.compile(r"\b(Russian|Ukrainian|American)(s?)\b")
_PEOPLE = {"local:russians", "local:ukrainians", "local:americans"}


def build_corpus(n_allsides: int, out: Path) -> Path:
    """The evaluation corpus as one JSONL file (deterministic)."""
    rows = []
    with gzip.open(SHARED / "allsides-10k.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            text = d.get("content_original") or ""
            hits = len(re.findall(r"Ukrain|Russia", text))
            if hits >= 3:
                rows.append((hits, d["ID"], d))
    rows.sort(key=lambda r: (-r[0], r[1]))
    chosen = [d for _, _, d in rows[:n_allsides]]
    with gzip.open(SHARED / "newswcl50.jsonl.gz", "rt", encoding="utf-8") as f:
        chosen += [json.loads(line) for line in f]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for d in chosen:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    return out


def dump(args: argparse.Namespace) -> None:
    import workbench as wb

    corpus = build_corpus(args.allsides, WORK / "corpus.jsonl")
    ann = wb.open_corpus(corpus, cache_dir=args.cache_dir, progress=False)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ann.mentions.to_parquet(out)
    # The article text as this code cleaned it, keyed by the dataset's own id: cleaning rules
    # change article_ids and offsets between versions, the dataset id does not.
    arts = ann.articles
    key = arts["ID"].where(arts["ID"].notna(), arts["url"]) if "ID" in arts else arts["url"]
    arts.assign(key=key)[["article_id", "key", "text"]].to_parquet(_articles_path(out))
    print(f"{len(arts)} articles, {len(ann.mentions)} mentions → {out} "
          f"(code from {Path(wb.__file__).parent})")


def _articles_path(mentions_path: str | Path) -> Path:
    path = Path(mentions_path)
    return path.with_name(path.stem + ".articles.parquet")


def _name_key(name: str) -> str:
    """A person's name without initials, hyphen parts or case: what a split shares."""
    words = [w for w in re.split(r"[\s\-‐]+", name) if not re.fullmatch(r"[A-Z]\.?", w)]
    return " ".join(words).casefold()


def top_tables(m: pd.DataFrame, k: int = 50) -> dict[str, pd.DataFrame]:
    """Per type, the top-k entities with their counts and the glued/split flags."""
    out = {}
    for kind in TYPES:
        sub = m[m["type"] == kind]
        counts = sub.groupby("entity").size().sort_values(ascending=False)
        wide = list(counts.index[:500])
        keys = Counter(_name_key(e) for e in wide)
        lasts = Counter(e for e in wide if " " not in e)
        rows = []
        for name, n in counts.head(k).items():
            split = keys[_name_key(name)] > 1 or (
                kind == "PERSON" and (" " not in name and any(
                    w.endswith(" " + name) for w in wide))) or (
                kind == "PERSON" and " " in name and name.split()[-1] in lasts
                and any(o != name and o.endswith(" " + name.split()[-1]) for o in wide)
                and False)
            rows.append({"entity": name, "n": int(n), "glued": bool(_GLUED.search(name)),
                         "split": bool(split), "wrong": name in WRONG_TYPE.get(kind, ())})
        out[kind] = pd.DataFrame(rows)
    return out


def _short(key: str) -> str:
    return hashlib.sha1(str(key).encode()).hexdigest()[:12]


def gold_offsets(arts: pd.DataFrame) -> dict[tuple[str, int], str]:
    """``NORP_GOLD`` placed in this dump's texts: ``(article_id, start) → label``."""
    by_key = {_short(k): (a, t) for a, k, t in zip(arts["article_id"], arts["key"], arts["text"],
                                                    strict=True)}
    placed = {}
    for (key, left, word), label in NORP_GOLD.items():
        if key not in by_key:
            continue
        article, text = by_key[key]
        at = text.find(left + word)
        if at >= 0:
            placed[(article, at + len(left))] = label
    return placed


def norp_scores(m: pd.DataFrame, arts: pd.DataFrame) -> tuple[float, float, int]:
    """(precision, recall, n found) of people-group mentions over the hand labels."""
    people = m[m["entity_id"].isin(_PEOPLE)]
    # A mention may start earlier ("the Russians"): its demonym's offset is what counts.
    predicted = set()
    for a, s, t in zip(people["article_id"], people["start"], people["text"], strict=True):
        hit = _DEMONYM.search(t)
        predicted.add((a, s + (hit.start() if hit else 0)))
    tp = fp = fn = 0
    gold = gold_offsets(arts)
    for key, label in gold.items():
        pred = key in predicted
        tp += pred and label == "P"
        fp += pred and label != "P"
        fn += (not pred) and label == "P"
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return precision, recall, len(gold)


def compare(args: argparse.Namespace) -> None:
    for label, path in (("before", args.before), ("after", args.after)):
        m = pd.read_parquet(path)
        print(f"\n=== {label}: {path} — {len(m)} mentions, "
              f"{m['entity'].nunique()} entities")
        for kind, table in top_tables(m).items():
            print(f"{kind:7} top-50: glued {table['glued'].sum():2}  split "
                  f"{table['split'].sum():2}  wrong type {table['wrong'].sum():2}")
        names = m.groupby("entity").size()
        glued = names[[bool(_GLUED.search(str(e))) for e in names.index]]
        print(f"all entities: {len(glued)} glued names ({int(glued.sum())} mentions): "
              + ", ".join(list(glued.sort_values(ascending=False).index[:8])))
        people = m[m["type"] == "PERSON"].groupby("entity").size()
        keys = Counter(_name_key(e) for e in people.index if " " in e)
        split = sorted(k for k, n in keys.items() if n > 1)
        print(f"all PERSON names: {len(split)} written two ways (initials, hyphen, case): "
              + ", ".join(split[:8]))
        if NORP_GOLD:
            p, r, n = norp_scores(m, pd.read_parquet(_articles_path(path)))
            print(f"NORP people-group mentions on {n} hand-labelled occurrences: "
                  f"precision {p:.2f}, recall {r:.2f}")
        group = m[m["type"] == "GROUP"].groupby("entity").size().sort_values(ascending=False)
        print("GROUP top 5:", ", ".join(f"{e} {n}" for e, n in group.head(5).items()))
        if args.lists:
            for kind, table in top_tables(m).items():
                flags = table.apply(lambda r: "".join(
                    c for c, f in (("G", r.glued), ("S", r.split), ("W", r.wrong)) if f), axis=1)
                print(f"\n{kind}: " + "; ".join(
                    f"{e} {n}{'[' + f + ']' if f else ''}"
                    for e, n, f in zip(table["entity"], table["n"], flags, strict=True)))


def sample(args: argparse.Namespace) -> None:
    """Print a fixed random sample of demonym occurrences with context, to hand-label."""
    arts = pd.read_parquet(_articles_path(args.dump))
    found = []
    for key, text in zip(arts["key"], arts["text"], strict=True):
        for mt in _DEMONYM.finditer(text):
            left = text[max(0, mt.start() - 24):mt.start()]
            found.append((_short(key), left, mt.group(), text[mt.end():mt.end() + 40]))
    random.Random(7).shuffle(found)
    for key, left, word, right in found[:args.n]:
        print(f"    ({key!r}, {left!r}, {word!r}): '?',  # …{' '.join(right.split())}")


# Judgements made by reading the top-50 lists of both dumps (see the module docstring); a name
# is listed under the type it was WRONGLY given. Spelling splits the name key cannot see
# ("Victor"/"Viktor Yanukovych") were counted by reading too and are reported apart.
WRONG_TYPE: dict[str, set[str]] = {
    # platforms, companies, places, laws typed PERSON
    "PERSON": {"Burisma", "Capitol Hill", "Sochi", "Twitter", "Facebook", "Fox News", "NASA",
               "Karabakh", "Kaliningrad", "Yerevan", "Crimea", "Kremlin", "FISA"},
    # people (and junk) typed ORG
    "ORG": {"Nunes", "Manafort and Gates", "Steele", "Giuliani", "Sanders", "Sessions",
            "Hunter Biden", "Bolton", "Kent", "Monitor Stories", "Mueller", "Comey", "Flynn",
            "Schiff", "Cohen", "Trump", "Manafort"},
    # people and a law typed PLACE
    "PLACE": {"Flynn", "Comey", "Sondland", "Kim", "Manafort", "FISA", "Hunter", "Firtash",
              "Akhmetshin", "Deripaska", "Mueller", "Nunes", "Schiff", "Cohen", "Giuliani",
              "Kislyak", "Papadopoulos", "Steele", "Taylor", "Volker", "Yovanovitch", "ISIS"},
    "GROUP": set(),
    # people, outlets and page chrome typed OTHER (MISC)
    "OTHER": {"Manafort", "Nunes", "Biden", "Yovanovitch", "Davis", "Gates", "Flynn", "Nadler",
              "Twitter", "Guardian", "POLITICO", "Hide Caption", "Comey", "Mueller", "Schiff",
              "Times", "GOP",
              # political groups (OntoNotes NORP): GROUP, as the knowledge base now types them
              "Democrats", "Republicans", "Democrat", "Republican"},
}

# (article_id, start) → "P" (the people group: "Russians", "the Russians", "One Russian was
# cleared", "any American was") or "A" (the adjective: "Russian troops", "the American people",
# "pro-Russian"). 80 occurrences of Russian(s)/Ukrainian(s)/American(s) drawn by ``sample``
# (seed 7) from the evaluation corpus and labelled by reading each in context: 19 P, 61 A.
NORP_GOLD: dict[tuple[str, str, str], str] = {
    ('d3a64ae8b7c6', 'cion and blackmail. The ', 'Russian'): 'A',
    ('cc117743e9b3', 'enied any contacts with ', 'Russian'): 'A',
    ('6519d27659f2', 'flict by arming rebels. ', 'Russian'): 'A',
    ('G30WFiID5ChL3UB6', "oup's Claim For Credit\n\n", 'Russian'): 'A',
    ('3f341c427c5c', '. Trump also closed the ', 'Russian'): 'A',
    ('bae9bc909f32', 'paign colluded with the ', 'Russians'): 'P',
    ('71359cd65906', 'g, that would bring the ', 'Russian'): 'A',
    ('92cc85e3879d', 'd the shuttering of two ', 'Russian'): 'A',
    ('df9d5f5f36d0', ' some intelligence that ', 'Russian'): 'A',
    ('0adebccaae84', 't’s attempts to get the ', 'Ukrainian'): 'A',
    ('866251f68e93', 'own people. Today, many ', 'Americans'): 'P',
    ('a24edd4ccc7c', 'n the effort to counter ', 'Russian'): 'A',
    ('f8ca4ce7e001', 'n name already reminded ', 'Russian'): 'A',
    ('3f341c427c5c', 'nse to allegations that ', 'Russian'): 'A',
    ('ede6bb52d093', 'ttempt against a former ', 'Russian'): 'A',
    ('5192ea4622da', 'her he was working with ', 'Ukrainians'): 'P',
    ('7631c7745032', ' directly by the former ', 'Ukrainian'): 'A',
    ('44a2c4102901', 'red way to connect with ', 'Ukrainians'): 'P',
    ('5d700862456d', 'nge the behavior of the ', 'Russian'): 'A',
    ('5f5dfeb234b6', 'Foreign Ministry-linked ', 'Russian'): 'A',
    ('7e7bbcdb55a9', 'ria, and try and extend ', 'Russian'): 'A',
    ('39196e8ae015', 'n of Crimea, rights for ', 'Russian'): 'A',
    ('2fa82ddca991', ' informal summit in the ', 'Russian'): 'A',
    ('c6010bba2f70', 's of corruption for the ', 'American'): 'A',
    ('e0b4cced5949', 'ing of a Russian ban on ', 'Americans'): 'P',
    ('3773f8c5326e', 'vert sources inside the ', 'Russian'): 'A',
    ('e3d91b545c80', 'd two meetings with the ', 'Russian'): 'A',
    ('5c7f082ae827', 'ure to publicly condemn ', 'Russian'): 'A',
    ('0ef2ff33462f', 'Russia\'s oil and gas.\n\n"', 'Russian'): 'A',
    ('7cd158366389', 'Oleg Deripaska. He is a ', 'Russian'): 'A',
    ('37c742c56321', 'nce operation. In 2016, ', 'Russian'): 'A',
    ('c6010bba2f70', 'n Schultz." There is an ', 'American'): 'A',
    ('844085fde771', 'troops are currently on ', 'Ukrainian'): 'A',
    ('167079d750f1', 'ot buy a Russian car, a ', 'Russian'): 'A',
    ('a015e6e295c3', ' Tayyip Erdogan and his ', 'Russian'): 'A',
    ('f5748fb07bba', 'fied information to the ', 'Russians'): 'P',
    ('499794e66155', 'nce blames WikiLeaks on ', 'Russians'): 'P',
    ('1101dbc2de83', ' have told him that the ', 'Russians'): 'P',
    ('5a5803e58e01', 'fter all, it’s not just ', 'Russians'): 'P',
    ('7cd158366389', 'unidentified “top level ', 'Russian'): 'A',
    ('f546270a4876', ' intelligence about the ', 'Russian'): 'A',
    ('12a93a6531fd', 'rsonic speeds.\n\nThe new ', 'Russian'): 'A',
    ('ae2f5ec62000', ' officials tell CNN the ', 'Russian'): 'A',
    ('568c5eb040cd', 'his indictment that any ', 'American'): 'P',
    ('643a5c834d05', 'dia accounts" to divide ', 'Americans'): 'P',
    ('834f6a3ae4b4', 'dals were stripped. One ', 'Russian'): 'P',
    ('9d321e173738', ', “Trump said the whole ', 'Russian'): 'A',
    ('c92ff0eae660', 'allegation that somehow ', 'Russians'): 'P',
    ('9d321e173738', 'ous behavior toward the ', 'Russians'): 'P',
    ('9e7ddf179dae', 'ellow at the Center for ', 'American'): 'A',
    ('ea4b2c60833f', 'make the point this was ', 'Russian'): 'A',
    ('aece4f4f57ac', 'sed “straw donors” with ', 'American'): 'A',
    ('f8ca4ce7e001', '’s election reached the ', 'Russian'): 'A',
    ('fd7776ac12c1', 'ommittee] colluded with ', 'Ukrainian'): 'A',
    ('a7c3617cb9eb', ' Iran, Ukraine, and the ', 'Russian'): 'A',
    ('334d47bcf05c', ' were coordinating with ', 'Russian'): 'A',
    ('2bb0e3e8034c', 'eeing the protection of ', 'Russian'): 'A',
    ('39196e8ae015', 'controversially entered ', 'Ukrainian'): 'A',
    ('71359cd65906', 'dering scheme involving ', 'Russian'): 'A',
    ('c6592a9595ec', 'p Jr. suggesting that a ', 'Russian'): 'A',
    ('d824fc56434c', 'ts say, is not that the ', 'Russians'): 'P',
    ('cef5b2055216', 'e conversation with the ', 'Russians'): 'P',
    ('fd7776ac12c1', 'the FISA process in the ', 'Russian'): 'A',
    ('feb3749b63b7', 'ith Mr. Putin, a former ', 'Russian'): 'A',
    ('d4899dee794b', 'o obstruct a probe into ', 'Russian'): 'A',
    ('643a5c834d05', 'with interfering in the ', 'American'): 'A',
    ('96175a0e0210', 'in the region, with the ', 'Russian'): 'A',
    ('1eeb7845b14f', 'ities could question 12 ', 'Americans'): 'P',
    ('986d0a5b9edb', 'tigation into potential ', 'Russian'): 'A',
    ('a47a87b2a04f', ' Trump campaign and the ', 'Russians'): 'P',
    ('d0ece2e9d637', ' had not had talks with ', 'Russians'): 'P',
    ('7317a1b90379', 'nd walk back aggressive ', 'Russian'): 'A',
    ('2bb0e3e8034c', 'ment of Ukraine and pro-', 'Russian'): 'A',
    ('1eeb7845b14f', ' to have me killed in a ', 'Russian'): 'A',
    ('e7285fcfe089', 'king point popular with ', 'Russian'): 'A',
    ('3773f8c5326e', 'extracting at least one ', 'Russian'): 'A',
    ('c160fa6b18e4', 'ay to be briefed on the ', 'Russian'): 'A',
    ('f8ca4ce7e001', 'ive to support what the ', 'Russian'): 'A',
    ('229b40725899', 'onspired as liaisons to ', 'Russian'): 'A',
    ('e7285fcfe089', 'nspiracy theories about ', 'Ukrainian'): 'A',
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--out", default=str(WORK / "after.parquet"))
    d.add_argument("--allsides", type=int, default=250)
    d.add_argument("--cache-dir", default="/tmp/entities-cache")
    c = sub.add_parser("compare")
    c.add_argument("before")
    c.add_argument("after")
    c.add_argument("--lists", action="store_true", help="print the top-50 lists too")
    s = sub.add_parser("sample")
    s.add_argument("--n", type=int, default=80)
    s.add_argument("--dump", default=str(WORK / "before.parquet"))
    args = p.parse_args(argv)
    {"dump": dump, "compare": compare, "sample": sample}[args.cmd](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
