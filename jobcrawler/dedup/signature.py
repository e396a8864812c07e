"""MinHash signatures of an ad's text (datasketch) and the LSH band keys kept in the database.

Two signatures per ad, 64 permutations each: one over word 3-shingles (near-identical text), one
over word stems (the same content in other wording). Band keys are computed from the stem signature
with the bands and rows datasketch's ``MinHashLSH`` chooses for the threshold; they are stored as
64-bit integers so the index lives in the database and grows with the new ads only.
"""

from __future__ import annotations

import zlib
from functools import cache
from hashlib import blake2b

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
#: Stem-set Jaccard above which two ads are likely to share a band (candidates, checked by rules).
LSH_THRESHOLD = 0.35
#: Signatures are computed from at most this many words of the description (bounded cost).
MAX_WORDS = 600
_SCHEME = "affine32"


def _as_int(value: int) -> int:  # the values are hashed already (token_hashes)
    return value


@cache
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_as_int, scheme=_SCHEME)


_token_hashes: dict[str, int] = {}


def token_hashes(tokens: list[str]) -> np.ndarray:
    """CRC-32 of each token (uint32), remembered per distinct word (a bounded vocabulary)."""
    cache_ = _token_hashes
    if len(cache_) > 500_000:
        cache_.clear()
    out = []
    for token in tokens:
        h = cache_.get(token)
        if h is None:
            h = cache_[token] = zlib.crc32(token.encode())
        out.append(h)
    return np.array(out, dtype=np.uint32)


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
    """The MinHash signature (uint32 array) of a set given by its members' 32-bit hashes."""
    m = _template().copy()
    m.update_batch(np.unique(hashes).tolist())
    return m.hashvalues


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


def band_keys(signature: np.ndarray) -> list[int]:
    """One signed 64-bit key per LSH band (band number mixed in, so bands never collide)."""
    keys = []
    for band, (start, end) in enumerate(band_ranges()):
        digest = blake2b(signature[start:end].astype("<u4").tobytes(), digest_size=8,
                         person=b"band%04d" % band).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def text_key(kind: str, value: str) -> int:
    """A signed 64-bit key for an exact-match value (reference, URL, employer+title+place)."""
    digest = blake2b(value.encode(), digest_size=8, person=kind.encode()[:16]).digest()
    return int.from_bytes(digest, "little", signed=True)
