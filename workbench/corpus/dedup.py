"""Near-duplicate articles: the same body under two titles, a copy with a headline list glued on,
a wire story carried by two sites.

MinHash signatures (datasketch) over word 5-gram shingles are banded as datasketch's LSH index
bands them: candidate pairs in near-linear time, never all pairs (the bands are matched offline
with sorts, in a tenth of the index's memory). Each candidate pair is then kept only if its exact
*containment* — the share of the shorter text's shingles found in the longer one — reaches the
threshold. Containment rather than Jaccard similarity, because a copy with extra lines glued on
is still the same story.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence

import numpy as np
from pandas.util import hash_array

SHINGLE = 5
NUM_PERM = 64
LSH_THRESHOLD = 0.4  # candidate recall: pairs this Jaccard-similar are compared
MIN_WORDS = 25       # shorter texts are compared exactly, never by shingles
SHINGLE_CACHE = 4096  # texts whose shingles are kept for checking candidates
_TOKEN = re.compile(r"\w+")
_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], dtype=np.uint64)


def find_duplicates(texts: Sequence[str], order: Sequence[int] | None = None,
                    threshold: float = 0.8) -> list[int | None]:
    """For each text, the index of the text it duplicates, or None.

    Texts are grouped into clusters of near-duplicates; in each cluster the one that comes first
    in ``order`` (a ranking: lower first, e.g. by publication date then path) is the original and
    the others point to it. ``texts`` is read once in order, then at candidates' positions
    (it may be a sequence reading from disk).
    """
    n = len(texts)
    rank = list(order) if order is not None else list(range(n))
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            lo, hi = (ri, rj) if rank[ri] <= rank[rj] else (rj, ri)
            parent[hi] = lo

    indexed, signatures = _signatures(texts, union)
    cache: OrderedDict[int, np.ndarray] = OrderedDict()

    def shingles_of(j: int) -> np.ndarray:
        # Wire stories come in clusters, so the same candidates recur: keep recent ones.
        if j in cache:
            cache.move_to_end(j)
            return cache[j]
        found = cache[j] = _shingles(_TOKEN.findall(texts[j].casefold()))
        if len(cache) > SHINGLE_CACHE:
            cache.popitem(last=False)
        return found

    for t, candidates in enumerate(_earlier_in_a_band(signatures)):
        if not candidates:
            continue
        i = indexed[t]
        shingles = shingles_of(i)
        # Candidates are few: check them exactly rather than trust the estimate, and join only
        # the best match, so a digest quoting two stories does not make them one story.
        best, best_score = None, threshold
        for j in sorted(indexed[c] for c in candidates):
            other = shingles_of(j)
            shared = len(np.intersect1d(shingles, other, assume_unique=True))
            score = shared / min(len(shingles), len(other))
            if score > best_score or (score == best_score and best is None):
                best, best_score = j, score
        if best is not None:
            union(best, i)

    out: list[int | None] = []
    for i in range(n):
        root = find(i)
        out.append(None if root == i else root)
    return out


def _signatures(texts: Sequence[str], union: Callable[[int, int], None]
                ) -> tuple[np.ndarray, np.ndarray]:
    """One pass over ``texts``: identical token streams joined (``union``); the positions of
    the other texts long enough to compare by shingles, and their MinHash signatures."""
    from datasketch import MinHash

    exact: dict[bytes, int] = {}
    base = MinHash(num_perm=NUM_PERM, hashfunc=_identity, seed=7)
    indexed: list[int] = []
    blocks: list[np.ndarray] = []
    block: list[np.ndarray] = []
    for i, text in enumerate(texts):
        tokens = _TOKEN.findall(text.casefold())
        if not tokens:
            continue  # an empty body is no story, and not a copy of another empty one
        key = hashlib.blake2b(" ".join(tokens).encode(), digest_size=16).digest()
        if key in exact:
            union(exact[key], i)
            continue
        exact[key] = i
        if len(tokens) < MIN_WORDS:
            continue
        m = MinHash(num_perm=NUM_PERM, hashfunc=_identity, permutations=base.permutations,
                    scheme=base.scheme)
        m.update_batch(_shingles(tokens).tolist())
        indexed.append(i)
        block.append(m.hashvalues.astype(np.uint32))
        if len(block) >= 10_000:
            blocks.append(np.vstack(block))
            block = []
    if block:
        blocks.append(np.vstack(block))
    sig = np.vstack(blocks) if blocks else np.zeros((0, NUM_PERM), dtype=np.uint32)
    return np.array(indexed, dtype=np.int64), sig


def _earlier_in_a_band(signatures: np.ndarray) -> Iterator[set[int]]:
    """For each signature in turn, the earlier ones sharing all the values of at least one
    band with it — what a datasketch ``MinHashLSH`` (same threshold and bands) would return
    queried before inserting it — as row numbers. Built offline with sorts: ~200 bytes a text
    instead of the LSH index's ~6 KB."""
    from datasketch import MinHashLSH

    k = len(signatures)
    bands = []
    for lo, hi in MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM).hashranges:
        values = np.ascontiguousarray(signatures[:, lo:hi])
        _, bucket = np.unique(values.view(np.dtype((np.void, values.shape[1] * 4))).ravel(),
                              return_inverse=True)
        bucket = bucket.ravel()
        members = np.argsort(bucket, kind="stable")  # by bucket, then row
        at = np.empty(k, dtype=np.int64)
        at[members] = np.arange(k)
        ordered = bucket[members]
        first = np.searchsorted(ordered, ordered, side="left")[at]
        bands.append((members.astype(np.int32), first.astype(np.int32), at.astype(np.int32)))
    del signatures
    for t in range(k):
        found: set[int] = set()
        for members, first, at in bands:
            if at[t] > first[t]:
                found.update(members[first[t]:at[t]].tolist())
        yield found


def _identity(x: int) -> int:
    return x


def _shingles(tokens: list[str]) -> np.ndarray:
    # pandas' hash_array gives stable 64-bit token hashes in C (str hash() is salted per process,
    # which would make the result differ from run to run).
    ids = hash_array(np.array(tokens, dtype=object), categorize=False)
    k = min(SHINGLE, len(ids))
    h = np.zeros(len(ids) - k + 1, dtype=np.uint64)
    for j in range(k):  # a multiplicative mix of the k token hashes in each window
        h = (h ^ (ids[j:len(ids) - k + 1 + j] * _MIX[j])) * np.uint64(0x100000001B3)
    return np.unique(h >> np.uint64(32))
