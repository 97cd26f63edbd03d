"""Near-duplicate articles: the same body under two titles, a copy with a headline list glued on,
a wire story carried by two sites.

MinHash signatures over word 5-gram shingles go into a datasketch LSH index (candidate pairs in
near-linear time, never all pairs); each candidate pair is then kept only if its exact
*containment* — the share of the shorter text's shingles found in the longer one — reaches the
threshold. Containment rather than Jaccard similarity, because a copy with extra lines glued on
is still the same story.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Sequence

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
    the others point to it.
    """
    from datasketch import MinHash, MinHashLSH

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

    exact: dict[bytes, int] = {}
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

    base = MinHash(num_perm=NUM_PERM, hashfunc=_identity, seed=7)
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
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
        shingles = _shingles(tokens)
        m = MinHash(num_perm=NUM_PERM, hashfunc=_identity, permutations=base.permutations,
                    scheme=base.scheme)
        m.update_batch(shingles.tolist())
        # Candidates are few: check them exactly rather than trust the estimate, and join only
        # the best match, so a digest quoting two stories does not make them one story.
        best, best_score = None, threshold
        for j in sorted(lsh.query(m)):
            other = shingles_of(j)
            shared = len(np.intersect1d(shingles, other, assume_unique=True))
            score = shared / min(len(shingles), len(other))
            if score > best_score or (score == best_score and best is None):
                best, best_score = j, score
        if best is not None:
            union(best, i)
        lsh.insert(i, m)
        cache[i] = shingles
        if len(cache) > SHINGLE_CACHE:
            cache.popitem(last=False)

    out: list[int | None] = []
    for i in range(n):
        root = find(i)
        out.append(None if root == i else root)
    return out


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
