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
    seed (``sample`` prints the contexts to label).
"""

from __future__ import annotations

import argparse
import gzip
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
_GLUED = re.compile(r"[()\[\]{}―—–\"“”«»|/\\@#*+=<>;:!?]|^\W|\W$")
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
    m = ann.mentions.merge(ann.articles[["article_id", "text"]], on="article_id")
    m = m.drop(columns="text_y").rename(columns={"text_x": "text"})
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    ann.mentions.to_parquet(args.out)
    ann.articles[["article_id", "text"]].to_parquet(WORK / "articles.parquet")
    print(f"{len(ann.articles)} articles, {len(ann.mentions)} mentions → {args.out} "
          f"(code from {Path(wb.__file__).parent})")


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


def norp_scores(m: pd.DataFrame) -> tuple[float, float, int]:
    """(precision, recall, n) of people-group mentions over the hand-labelled occurrences."""
    people = m[m["entity_id"].isin(_PEOPLE)]
    predicted = {(a, s) for a, s in zip(people["article_id"], people["start"], strict=True)}
    tp = fp = fn = 0
    for (article, start), gold in NORP_GOLD.items():
        pred = (article, start) in predicted
        tp += pred and gold == "P"
        fp += pred and gold != "P"
        fn += (not pred) and gold == "P"
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return precision, recall, len(NORP_GOLD)


def compare(args: argparse.Namespace) -> None:
    for label, path in (("before", args.before), ("after", args.after)):
        m = pd.read_parquet(path)
        print(f"\n=== {label}: {path} — {len(m)} mentions, "
              f"{m['entity'].nunique()} entities")
        for kind, table in top_tables(m).items():
            print(f"{kind:7} top-50: glued {table['glued'].sum():2}  split "
                  f"{table['split'].sum():2}  wrong type {table['wrong'].sum():2}")
        if NORP_GOLD:
            p, r, n = norp_scores(m)
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
    arts = pd.read_parquet(WORK / "articles.parquet")
    found = []
    for a, text in zip(arts["article_id"], arts["text"], strict=True):
        for mt in _DEMONYM.finditer(text):
            found.append((a, mt.start(), text[max(0, mt.start() - 60):mt.start()] + "["
                          + mt.group() + "]" + text[mt.end():mt.end() + 40]))
    random.Random(7).shuffle(found)
    for a, s, ctx in found[:args.n]:
        print(f'    ("{a}", {s}): "?",  # {" ".join(ctx.split())}')


# Judgements made by reading the top-50 lists of both dumps (see the module docstring).
WRONG_TYPE: dict[str, set[str]] = {}

# (article_id, start) → "P" (the people group: "Russians", "the Russians", "One Russian was
# cleared", "any American was") or "A" (the adjective: "Russian troops", "the American people",
# "pro-Russian"). 80 occurrences of Russian(s)/Ukrainian(s)/American(s) drawn by ``sample``
# (seed 7) from the evaluation corpus and labelled by reading each in context: 19 P, 61 A.
NORP_GOLD: dict[tuple[str, int], str] = {
    ("6cb5c8f789cb960e", 10578): "A",  # r coercion and blackmail. The [Russian] Duma eventually ma
    ("3b48af8d40d92309", 3838): "A",  # edly denied any contacts with [Russian] officials. He told
    ("a77610e2fd1e98f9", 3007): "A",  # he conflict by arming rebels. [Russian] officials on Sunday
    ("58203f1e298ca087", 952): "A",  # nies Group's Claim For Credit [Russian] Transport Minister M
    ("bfd730ce5b15bf7a", 3341): "A",  # w York. Trump also closed the [Russian] consulate in Seattl
    ("a86d1b2a324a90f5", 5610): "P",  # ’s campaign colluded with the [Russians], which he denies.
    ("3a1630eab151df59", 782): "A",  # meeting, that would bring the [Russian] government’s ties to
    ("21fe3f9757276241", 677): "A",  # es, and the shuttering of two [Russian] facilities in the Un
    ("fd5943995bc44ccb", 11785): "A",  # are of some intelligence that [Russian] hackers were at le
    ("7a784a1ad6d9b896", 616): "A",  # esident’s attempts to get the [Ukrainian] president to open
    ("e812c1528e937f83", 2912): "P",  # t his own people. Today, many [Americans] are likely wonder
    ("d3623ba36bd4f515", 1401): "A",  # ally in the effort to counter [Russian] aggression. The Sta
    ("23a742af52932be9", 12854): "A",  # Clinton name already reminded [Russian] officials of the 1
    ("bfd730ce5b15bf7a", 3121): "A",  # response to allegations that [Russian] operatives had poiso
    ("e4c03abadeb968bf", 3867): "A",  # tion attempt against a former [Russian] military intelligen
    ("ca143e92b7189120", 4186): "P",  # told her he was working with [Ukrainians] to make a stateme
    ("c9c84da785ae4874", 512): "A",  # s told directly by the former [Ukrainian] official that he m
    ("a9ca7104cba04d78", 927): "P",  # -filtered way to connect with [Ukrainians] and others around
    ("7506eb06ce62dccc", 3234): "A",  # to change the behavior of the [Russian] state. But that cri
    ("8c4f425ded86368b", 3093): "A",  # f the Foreign Ministry-linked [Russian] International Affai
    ("fce47faafeabfb9f", 3983): "A",  # is Syria, and try and extend [Russian] influence into an ar
    ("e24805ebc2fea762", 5258): "A",  # exation of Crimea, rights for [Russian]-speaking minorities
    ("f0477fe54d3cc066", 10670): "A",  # ith an informal summit in the [Russian] city of Sochi. Bot
    ("fa5e4a8643458420", 2612): "A",  # ir acts of corruption for the [American] people.' Trump twe
    ("089026b2755d8e9e", 3000): "P",  # e lifting of a Russian ban on [Americans] adopting Russian
    ("4742bbc55587563d", 173): "A",  # vel covert sources inside the [Russian] government, multiple
    ("8d461cd3ae37ab5a", 480): "A",  # sclosed two meetings with the [Russian] ambassador to the U.
    ("50694edb9026aa6d", 1763): "A",  # s failure to publicly condemn [Russian] President Vladimir
    ("cad40854197ba4d8", 1757): "A",  # on for Russia's oil and gas. '[Russian] gas sales to Europe
    ("b6f670a067f7770c", 15020): "A",  # arch, Oleg Deripaska. He is a [Russian]-born billionaire a
    ("ccf70a8b152d7daa", 31820): "A",  # influence operation. In 2016, [Russian] trolls had worked
    ("fa5e4a8643458420", 2914): "A",  # sserman Schultz.' There is an [American] playwright named W
    ("0025fd72c8e00f9d", 2350): "A",  # ssian troops are currently on [Ukrainian] territory. Agence
    ("82a5952e284efe27", 7790): "A",  # will not buy a Russian car, a [Russian] suit, a Russian X-r
    ("e9183bc6bca39241", 47): "A",  # Recep Tayyip Erdogan and his [Russian] counterpart Vladimir P
    ("29ec09e47c579c5f", 792): "P",  # classified information to the [Russians] that jeopardized a
    ("f9353b4fe5adb4e0", 11832): "P",  # elligence blames WikiLeaks on [Russians] The CrowdStrike p
    ("840303712932d1aa", 5560): "P",  # aid to have told him that the [Russians] had “dirt” on Clin
    ("ed2609b1effd7a83", 9356): "P",  # ays. After all, it’s not just [Russians] posting polarizing
    ("b6f670a067f7770c", 10870): "A",  # to an unidentified “top level [Russian] government officia
    ("0af8c374ffd397a0", 3738): "A",  # losing intelligence about the [Russian] leader’s “personal
    ("94bd691b4931c7bc", 1452): "A",  # at hypersonic speeds. The new [Russian] weapon and a simila
    ("bb433db07addc1b5", 3176): "A",  # o navy officials tell CNN the [Russian] wake in the photo c
    ("a11712f0e4f5cfdd", 4036): "P",  # n in this indictment that any [American] was a knowing part
    ("288bf1c85cc8698b", 14808): "P",  # ial media accounts' to divide [Americans] around polarizin
    ("ce5ee534eaa7114b", 5324): "P",  # 11 medals were stripped. One [Russian] was cleared. Russia
    ("5d1f5e33bf049b19", 347): "A",  # insist, “Trump said the whole [Russian] thing was a hoax. No
    ("82f0b11c7858863a", 9290): "P",  # bogus allegation that somehow [Russians] gave the election
    ("5d1f5e33bf049b19", 2583): "P",  # bsequious behavior toward the [Russians]. Who can forget th
    ("af75b76ec55bae47", 843): "A",  # nior fellow at the Center for [American] Progress, a liberal
    ("984cf0971f598380", 1661): "A",  # ed to make the point this was [Russian] sabotage. Donald Tr
    ("dddc39cf118d7dd0", 9913): "A",  # ians used “straw donors” with [American] citizenship to ste
    ("23a742af52932be9", 20940): "A",  # Trump’s election reached the [Russian] Duma, spontaneous a
    ("5b8abdda65528657", 4236): "A",  # that the DNC [Democratic National Committee] colluded
    ("b3a1fb3888f48949", 7760): "A",  # Yemen, Iran, Ukraine, and the [Russian] periphery, never mi
    ("636afbce57d169a2", 4110): "A",  # ciates were coordinating with [Russian] intelligence operat
    ("9e645749eae847a6", 3179): "A",  # uaranteeing the protection of [Russian] culture and languag
    ("e24805ebc2fea762", 2365): "A",  # t one controversially entered [Ukrainian] territory without
    ("3a1630eab151df59", 6509): "A",  # y laundering scheme involving [Russian] government official
    ("1143260ed1faf717", 787): "A",  # o Trump Jr. suggesting that a [Russian] lawyer could share d
    ("126fae7d18cec06f", 2117): "P",  # analysts say, is not that the [Russians] will help one part
    ("c3428291186189f9", 3175): "P",  # for the conversation with the [Russians] about Comey, Spice
    ("5b8abdda65528657", 7111): "A",  # on of the FISA process in the [Russian] investigation, and
    ("a5d478e6715d0a5e", 1625): "A",  # down with Mr. Putin, a former [Russian] intelligence agent.
    ("d00019781ce72e9a", 180): "A",  # ried to obstruct a probe into [Russian] interference, The Ne
    ("288bf1c85cc8698b", 9370): "A",  # nals, with interfering in the [American] presidential elect
    ("dc826eee862fcd8f", 2319): "A",  # sions in the region, with the [Russian] FSB claiming the pr
    ("15c4b7396e0ec04a", 4159): "P",  # authorities could question 12 [Americans] over other matter
    ("670826a9a8b992bf", 166): "A",  # investigation into potential [Russian] collusion. But those
    ("d0040e2d19f26841", 1766): "P",  # en the Trump campaign and the [Russians] during the 2016 el
    ("a56dada8abf5d917", 1755): "P",  # d they had not had talks with [Russians] during the politic
    ("d77a57268f9e312a", 1898): "A",  # ront and walk back aggressive [Russian] actions and other t
    ("9e645749eae847a6", 138): "A",  # government of Ukraine and pro-[Russian] separatists in the e
    ("15c4b7396e0ec04a", 4755): "A",  # Putin to have me killed in a [Russian] prison,' Mr Browder
    ("66b0d9b9a6ce4e9b", 2631): "A",  # —a talking point popular with [Russian] President Vladimir
    ("4742bbc55587563d", 6258): "A",  # dered extracting at least one [Russian] asset at the time b
    ("f9cbf79faa235109", 7373): "A",  # e Monday to be briefed on the [Russian] bounty program inte
    ("23a742af52932be9", 9834): "A",  # narrative to support what the [Russian]-born journalist Ark
    ("f5bd591ee98e2855", 2446): "A",  # two conspired as liaisons to [Russian] intelligence. The CE
    ("66b0d9b9a6ce4e9b", 2035): "A",  # ing conspiracy theories about [Ukrainian] interference in t
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
    args = p.parse_args(argv)
    {"dump": dump, "compare": compare, "sample": sample}[args.cmd](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
