"""MinHash signatures of an ad's text (datasketch) and the LSH band keys kept in the database.

A signature of 64 permutations over an ad's word 3-shingles (near-identical text); its word stems
(the same content in other wording) are kept as an exact set of hashes, short enough to compare
exactly and cheaper than a second signature. Band keys are computed from the shingle
signature with the bands and rows datasketch's ``MinHashLSH`` chooses for the threshold (21 bands
of 3 rows); they are stored as 64-bit integers so the index lives in the database and grows with
the new ads only. Shingles rather than stems make the bands: unrelated ads of one language share
many stems (stem Jaccard up to 0.5) but few shingles (below 0.1), so candidates stay few.
"""

from __future__ import annotations

import zlib
from functools import cache
from hashlib import blake2b

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
#: Shingle Jaccard around which two ads start to share a band (candidates, checked by the rules).
LSH_THRESHOLD = 0.3
#: Signatures are computed from at most this many words of the description (bounded cost).
MAX_WORDS = 400
_SCHEME = "affine32"


@cache
def _template() -> MinHash:
    # the values are hashed already (token_hashes): ``int`` passes them through, at C speed
    return MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int, scheme=_SCHEME)


def token_hashes(tokens: list[str]) -> np.ndarray:
    """CRC-32 of each token (uint32)."""
    return np.fromiter(map(zlib.crc32, map(str.encode, tokens)), dtype=np.uint32, count=len(tokens))


def shingle_hashes(hashes: np.ndarray, size: int = 3) -> np.ndarray:
    """Hashes of the word ``size``-grams, combined from the words' hashes (order matters)."""
    if len(hashes) <= size:
        return hashes[:1] if len(hashes) else hashes
    out = np.zeros(len(hashes) - size + 1, dtype=np.uint32)
    for i, mult in enumerate((0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D)[:size]):
        out = out * np.uint32(31) + hashes[i:len(hashes) - size + 1 + i] * np.uint32(mult)
    return np.unique(out)


@cache
def band_ranges() -> tuple[tuple[int, int], ...]:
    """The (start, end) slices of the signature that make the LSH bands."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return tuple(lsh.hashranges)


def minhash(hashes: np.ndarray) -> np.ndarray:
    """The MinHash signature (uint32 array) of a set given by its members' 32-bit hashes.

    One datasketch ``MinHash`` is cleared and reused (building one per ad costs more than hashing).
    """
    m = _template()
    m.clear()
    if len(hashes):
        m.update_batch(hashes.tolist())
    return m.hashvalues.copy()


def to_bytes(signature: np.ndarray) -> bytes:
    return signature.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4")


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two sets from their signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def containment(jaccard_estimate: float, size_a: int, size_b: int) -> float:
    """Estimated share of the smaller set found in the larger, from the Jaccard estimate and sizes."""
    small = min(size_a, size_b)
    if small == 0:
        return 0.0
    intersection = jaccard_estimate * (size_a + size_b) / (1 + jaccard_estimate)
    return min(1.0, intersection / small)


@cache
def _band_layout() -> tuple[int, np.ndarray, np.ndarray]:
    ranges = band_ranges()
    rows = ranges[0][1] - ranges[0][0]
    rng = np.random.default_rng(20261125)
    multipliers = rng.integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    salts = rng.integers(1, 2**63, size=len(ranges), dtype=np.uint64)
    return rows, multipliers, salts


def band_keys(signature: np.ndarray) -> list[int]:
    """One signed 64-bit key per LSH band: the band's values mixed with odd multipliers and a
    salt per band (so equal values in two bands never make one key); wraps modulo 2**64."""
    rows, multipliers, salts = _band_layout()
    bands = signature[:rows * len(salts)].astype(np.uint64).reshape(len(salts), rows)
    mixed = (bands * multipliers).sum(axis=1, dtype=np.uint64) ^ salts
    mixed = (mixed ^ (mixed >> np.uint64(29))) * np.uint64(0xBF58476D1CE4E5B9)
    return mixed.view(np.int64).tolist()


def text_key(kind: str, value: str) -> int:
    """A signed 64-bit key for an exact-match value (reference, URL, employer+title+place)."""
    digest = blake2b(value.encode(), digest_size=8, person=kind.encode()[:16]).digest()
    return int.from_bytes(digest, "little", signed=True)
