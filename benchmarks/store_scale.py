"""The analyses in flat memory at scale: DuckDB over SYNTHETIC 100k and 1M-article stores built
from the annotated AllSides 10k, against the pandas analyses at 10k and 100k.

    nice -n 10 .venv/bin/python benchmarks/store_scale.py \\
        --tables /work/bench10k/tables --out /work/bench-stores --sizes 10000,100000,1000000

Build (untimed for the figures, but its time is printed): the 10k tidy tables exported by
``workbench export --format parquet`` (articles with text, mentions, quotes, dates) plus their
stories (``group_stories``) are written with ``write_store``; a SYNTHETIC store of N articles
is N / 10k copies of that store's parts — copy k's article and story ids get ``-synK``
appended (``duplicate_of`` too, so copies stay near-duplicates within their copy), its
publication dates and the dates table's ``date``/``anchor`` move k days later — with its own
manifest. Every line about such a store says SYNTHETIC.

Measured: each aggregation of ``workbench.analyze.sql`` in a fresh process (selection of all
articles grouped by ``group``, the AllSides rating; DuckDB ``memory_limit`` 1 GB, 2 threads):
wall time (selection + aggregation) and the process's peak RSS (``VmHWM`` of
``/proc/self/status``, read in the child at its end: imports included). ``all`` runs every
aggregation in one process, as a kernel rendering every notebook would. The pandas reference
(``workbench.analyze`` on the store's tables, only the columns the analyses read):
one process per size, load time and peak, then per function its time and the peak while it ran
(``VmHWM`` reset before each).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

GROUP_BY = "group"
PANDAS_COLUMNS = {
    "mentions": ["article_id", "sent_index", "start", "text", "type", "entity_id", "entity",
                 "variant"],
    "quotes": ["article_id", "start", "speaker", "speaker_id", "speaker_affiliation", "kind"],
    "dates": ["article_id", "start", "text", "date", "precision", "sentence"],
}
FUNCS = ["entity_frequency", "entity_counts", "variant_shares", "voices", "cooccurrence",
         "cooccurrence_by_group", "articles_over_time", "mentions_over_time", "events_by_date",
         "story_coverage"]


def sql_call(name: str, sel: Any) -> Any:
    from workbench.analyze import sql

    by = GROUP_BY
    return {
        "entity_frequency": lambda: sql.entity_frequency(sel, by=by),
        "entity_counts": lambda: sql.entity_counts(sel, by=by),
        "variant_shares": lambda: sql.variant_shares(sel, by=by),
        "voices": lambda: sql.voices(sel, by=by, mentions=True),
        "cooccurrence": lambda: sql.cooccurrence(sel, top_n=15),
        "cooccurrence_by_group": lambda: sql.cooccurrence(sel, top_n=12, by=by),
        "articles_over_time": lambda: sql.articles_over_time(sel, by=by, freq="auto"),
        "mentions_over_time": lambda: sql.mentions_over_time(sel, freq="auto"),
        "events_by_date": lambda: sql.events_by_date(sel, by=by, per_group=True),
        "story_coverage": lambda: sql.story_coverage(sel, by=by),
    }[name]()


def pandas_call(name: str, t: dict[str, Any], arts: Any) -> Any:
    from workbench import analyze as an

    by, m = GROUP_BY, t["mentions"]
    return {
        "entity_frequency": lambda: an.entity_frequency(m, arts, by=by),
        "entity_counts": lambda: an.entity_counts(m, arts, by=by),
        "variant_shares": lambda: an.variant_shares(m, arts, by=by),
        "voices": lambda: an.voices(t["quotes"], arts, by=by, mentions=m),
        "cooccurrence": lambda: an.cooccurrence(m, arts, top_n=15),
        "cooccurrence_by_group": lambda: an.cooccurrence(m, arts, top_n=12, by=by),
        "articles_over_time": lambda: an.articles_over_time(arts, by=by, freq="auto"),
        "mentions_over_time": lambda: an.mentions_over_time(m, arts, freq="auto"),
        "events_by_date": lambda: an.events_by_date(
            an.dated_events(an.restrict(t["dates"], arts), arts, by=by), per_group=True),
        "story_coverage": lambda: an.story_coverage(t["stories"], arts, by=by),
    }[name]()


# --- children ----------------------------------------------------------------------------------

def child_sql(p: dict[str, Any]) -> dict[str, Any]:
    from workbench.analyze import sql

    t0 = time.perf_counter()
    c0 = os.times().user + os.times().system  # CPU seconds: the machine is shared
    out: dict[str, Any] = {}
    with sql.StoreDB(p["store"], memory_limit=p["memory_limit"], threads=p["threads"],
                     temp_dir=p.get("temp_dir")) as db:
        sel = sql.select(db, group_by=GROUP_BY)
        out["select_s"] = round(time.perf_counter() - t0, 2)
        names = FUNCS if p["fn"] == "all" else [p["fn"]]
        rows = 0
        for name in names:
            rows += len(sql_call(name, sel))
    cpu = os.times()
    out.update(seconds=round(time.perf_counter() - t0, 2), rows=rows,
               cpu_s=round(cpu.user + cpu.system - c0, 2), peak_mib=round(C.hwm_mib(), 1))
    return out


def child_pandas(p: dict[str, Any]) -> dict[str, Any]:
    from workbench import analyze as an
    from workbench.store import open_store

    t0 = time.perf_counter()
    store = open_store(p["store"])
    # Only the columns the analyses read (a notebook's open_corpus loads them all: today's
    # kernel holds more than this).
    t = {name: store.table(name, PANDAS_COLUMNS.get(name))
         for name in ("articles", "mentions", "quotes", "dates", "stories")}
    arts = an.select_articles(t["articles"], group_col=GROUP_BY)
    out: dict[str, Any] = {"load_s": round(time.perf_counter() - t0, 2),
                           "load_peak_mib": round(C.hwm_mib(), 1), "funcs": {}}
    for name in FUNCS:
        C.reset_hwm()
        t1, c1 = time.perf_counter(), os.times().user + os.times().system
        n = len(pandas_call(name, t, arts))
        out["funcs"][name] = {"seconds": round(time.perf_counter() - t1, 2), "rows": n,
                              "cpu_s": round(os.times().user + os.times().system - c1, 2),
                              "peak_mib": round(C.hwm_mib(), 1)}
    return out


# --- building the stores -----------------------------------------------------------------------

def build_base(tables: Path, dest: Path) -> float:
    """The 10k store from the exported tables and their stories; seconds taken."""
    import pandas as pd

    from workbench import tables as contract
    from workbench.analyze.stories import group_stories
    from workbench.store import write_store

    t0 = time.perf_counter()
    frames = {n: pd.read_parquet(tables / f"{n}.parquet")
              for n in ("articles", "mentions", "quotes", "dates")}
    for n, df in frames.items():
        frames[n] = contract.conform(df, n)
    t1 = time.perf_counter()
    stories = contract.conform(group_stories(frames["articles"], frames["mentions"]), "stories")
    print(f"  stories of the 10k: {stories['story_id'].nunique():,} in "
          f"{time.perf_counter() - t1:.0f} s", flush=True)
    ann = SimpleNamespace(**frames, stories=stories, pipeline=None, problems=[])
    write_store(ann, dest)
    return time.perf_counter() - t0


def build_synthetic(base: Path, dest: Path, copies: int) -> float:
    """``copies`` copies of ``base``'s parts (new ids, dates k days later); seconds taken.
    Copies of a base part smaller than the store's ``rows_per_part`` share a part, so the
    synthetic store has parts of the usual size."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from workbench.store import layout as L

    t0 = time.perf_counter()
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    man = json.loads((base / L.MANIFEST).read_text())
    together = max(1, man["rows_per_part"] // max(p["articles"] for p in man["parts"]))
    new = L.new_manifest(man["pipeline"], man["rows_per_part"])
    new["synthetic"] = {"from": str(base), "copies": copies, "days_later_per_copy": 1,
                        "ids": "copy k: '-synK' appended (copy 0: the originals)"}
    number = 0
    for first in range(0, copies, together):
        ks = range(first, min(first + together, copies))
        for part in man["parts"]:
            entry: dict[str, Any] = {"number": number, "articles": part["articles"] * len(ks),
                                     "files": {}}
            for name, f in part["files"].items():
                base_table = pq.read_table(base / f["path"])
                table = pa.concat_tables([_shifted(base_table, name, k) for k in ks])
                if name == "articles":
                    entry["ids_digest"] = L.ids_digest(table["article_id"].to_pylist())
                data = _encode(table)
                rel = L.part_name(name, number, L.content_digest(data))
                tmp = dest / f"{rel}.tmp"
                tmp.parent.mkdir(parents=True, exist_ok=True)
                tmp.write_bytes(data)
                os.replace(tmp, dest / rel)
                entry["files"][name] = {"path": rel, "rows": table.num_rows, "bytes": len(data)}
            new["parts"].append(entry)
            number += 1
        if (first // together) % 20 == 19:
            print(f"  {dest.name}: {ks[-1] + 1} of {copies} copies", flush=True)
    new["tables"] = {name: {"rows": int(info["rows"]) * copies, "columns": info["columns"]}
                     for name, info in man["tables"].items()}
    new["problems"], new["n_problems"] = [], 0
    (dest / L.MANIFEST).write_bytes(L.dump_manifest(new))
    return time.perf_counter() - t0


def _shifted(table: Any, name: str, k: int) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if k == 0:
        return table
    later = pa.scalar(dt.timedelta(days=k), pa.duration("ns"))
    cols = {"article_id", "duplicate_of", "story_id"}
    dates = {"articles": {"published"}, "dates": {"date", "anchor"}}.get(name, set())
    arrays = []
    for field, col in zip(table.schema, table.columns, strict=True):
        if field.name in cols:
            suffix = pa.scalar(f"-syn{k}", type=field.type)
            col = pc.binary_join_element_wise(col, suffix, pa.scalar("", type=field.type))
        elif field.name in dates:
            col = pc.add(col.cast(pa.timestamp("ns")), later).cast(field.type)
        arrays.append(col.cast(field.type))
    return pa.table(arrays, schema=table.schema)


def _encode(table: Any) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def _available_mib() -> float:
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return float("inf")


def du_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / C.MiB


# --- main --------------------------------------------------------------------------------------

def main() -> None:
    payload = C.child_payload()
    if payload is not None:
        C.report(child_sql(payload) if payload["mode"] == "sql" else child_pandas(payload))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=Path, default=Path("/work/bench10k/tables"),
                    help="the 10k tables exported as Parquet (default %(default)s)")
    ap.add_argument("--out", type=Path, default=Path("/work/bench-stores"))
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--pandas-sizes", default="10000,100000")
    ap.add_argument("--memory-limit", default="1GB")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--funcs", default=",".join([*FUNCS, "all"]))
    ap.add_argument("--rebuild", action="store_true", help="build the stores even if present")
    args = ap.parse_args()
    sizes = C.parse_sizes(args.sizes)
    print(C.source_note() if hasattr(C, "source_note") else "", flush=True)
    print(C.load_note(), flush=True)
    base = args.out / "store-base"
    stores: dict[int, Path] = {}
    if args.rebuild or not (base / "_store.json").exists():
        print(f"building {base} from {args.tables}", flush=True)
        print(f"  built in {build_base(args.tables, base):.0f} s", flush=True)
    n_base = json.loads((base / "_store.json").read_text())["tables"]["articles"]["rows"]
    for size in sizes:
        copies = max(1, round(size / n_base))
        path = base if copies == 1 else args.out / f"store-{size}-SYNTHETIC"
        tag = "" if copies == 1 else "SYNTHETIC "
        if copies > 1 and (args.rebuild or not (path / "_store.json").exists()):
            secs = build_synthetic(base, path, copies)
            print(f"{tag}store {size:,}: built in {secs:.0f} s", flush=True)
        man = json.loads((path / "_store.json").read_text())
        rows = {n: i["rows"] for n, i in man["tables"].items()}
        print(f"{tag}store {size:,}: {du_mib(path):,.0f} MiB on disk; "
              + ", ".join(f"{n} {r:,}" for n, r in rows.items()), flush=True)
        stores[size] = path

    funcs = [f for f in args.funcs.split(",") if f]
    results: dict[tuple[int, str], dict[str, Any]] = {}
    for size, path in stores.items():
        tag = "SYNTHETIC " if path != base else ""
        for fn in funcs:
            r = C.run_child(Path(__file__), {"mode": "sql", "store": str(path), "fn": fn,
                                             "memory_limit": args.memory_limit,
                                             "threads": args.threads,
                                             "temp_dir": str(args.out)})
            results[(size, fn)] = r
            print(f"{tag}sql {size:,} {fn}: {r['seconds']} s ({r.get('cpu_s')} s CPU), "
                  f"peak {r['peak_mib']:,.0f} MiB, "
                  f"select {r['select_s']} s, {r['rows']:,} rows; {C.load_note()}", flush=True)
    ref: dict[int, dict[str, Any]] = {}
    for size in C.parse_sizes(args.pandas_sizes):
        if size not in stores:
            continue
        free = _available_mib()
        if size > 10_000 and free < 12 * 1024:
            print(f"pandas {size:,}: skipped, only {free:,.0f} MiB available", flush=True)
            continue
        tag = "SYNTHETIC " if stores[size] != base else ""
        r = C.run_child(Path(__file__), {"mode": "pandas", "store": str(stores[size])})
        ref[size] = r
        print(f"{tag}pandas {size:,}: load {r['load_s']} s, peak {r['load_peak_mib']:,.0f} MiB",
              flush=True)
        for fn, f in r["funcs"].items():
            print(f"{tag}pandas {size:,} {fn}: {f['seconds']} s ({f.get('cpu_s')} s CPU), "
                  f"peak {f['peak_mib']:,.0f} MiB",
                  flush=True)
    _summary(stores, base, funcs, results, ref)


def _summary(stores: dict[int, Path], base: Path, funcs: list[str],
             results: dict[tuple[int, str], dict[str, Any]], ref: dict[int, dict[str, Any]]
             ) -> None:
    sizes = list(stores)
    head = ["function"] + [f"{s // 1000}k s / MiB" + (" SYNTHETIC" if stores[s] != base else "")
                           for s in sizes]
    head += [f"pandas {s // 1000}k s / MiB" for s in ref]
    rows = []
    for fn in funcs:
        row = [fn] + [f"{results[(s, fn)]['seconds']} / {results[(s, fn)]['peak_mib']:,.0f}"
                      if (s, fn) in results else "–" for s in sizes]
        for r in ref.values():
            f = r["funcs"].get(fn)
            row.append(f"{f['seconds']} / {f['peak_mib']:,.0f}" if f else
                       f"(load {r['load_s']}) / {r['load_peak_mib']:,.0f}")
        rows.append(row)
    C.print_table(head, rows, title="SQL (DuckDB) vs pandas: seconds / peak RSS MiB "
                                    "(sizes above 10k are SYNTHETIC copies of the 10k)")


if __name__ == "__main__":
    main()
