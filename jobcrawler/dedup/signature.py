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
from itertools import chain

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


@cache
def _empty() -> np.ndarray:
    """The signature of an empty set (datasketch's initial values)."""
    return MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int, scheme=_SCHEME).hashvalues.copy()


def token_hashes(tokens: list[str]) -> np.ndarray:
    """CRC-32 of each token (uint32)."""
    return np.fromiter(map(zlib.crc32, map(str.encode, tokens)), dtype=np.uint32, count=len(tokens))


#: Words whose hashes are kept (:class:`_WordHashes`); past this many the table starts again.
WORD_CACHE = 200_000


class _WordHashes(dict):
    """Word -> its CRC-32 in the low 32 bits and that of its first ``stem_length`` characters in
    the high 32 (the values :func:`token_hashes` gives): ads repeat their words, and a dict look-up
    costs less than encoding and hashing each word twice. Bounded: emptied when full."""

    def __init__(self, stem_length: int) -> None:
        super().__init__()
        self.stem_length = stem_length

    def __missing__(self, word: str) -> int:
        if len(self) >= WORD_CACHE:
            self.clear()
        value = zlib.crc32(word.encode()) | zlib.crc32(word[:self.stem_length].encode()) << 32
        self[word] = value
        return value


@cache
def _word_hashes(stem_length: int) -> _WordHashes:
    return _WordHashes(stem_length)


def word_and_stem_hashes(tokens: list[str], stem_length: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`token_hashes` of ``tokens`` and of the tokens cut to ``stem_length`` characters."""
    packed = np.fromiter(map(_word_hashes(stem_length).__getitem__, tokens), dtype=np.uint64,
                         count=len(tokens))
    return (packed & np.uint64(0xFFFFFFFF)).astype(np.uint32), (packed >> np.uint64(32)).astype(np.uint32)


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


#: Ads hashed together by :func:`signatures` (the permuted hashes of one batch: ~7 MB).
BATCH = 256
_MULTIPLIERS = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before its affine permutations."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def _unique_per_ad(ad: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct ``values`` of each ad in one sort: (values, start offset of each ad)."""
    keys = np.sort((ad.astype(np.uint64) << np.uint64(32)) | values.astype(np.uint64))
    if len(keys):
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    counts = np.bincount((keys >> np.uint64(32)).astype(np.int64), minlength=n)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32), starts


def signatures(tokens: list[list[str]], stem_length: int) -> list[tuple[np.ndarray, int, np.ndarray]]:
    """For each ad's tokens: the MinHash signature of its word 3-shingles (:func:`shingle_hashes`,
    then :func:`minhash`), their number, and the sorted distinct hashes of its words cut to
    ``stem_length`` characters (its stems); the same values as ad by ad, computed for ``BATCH``
    ads at a time in a few numpy passes (per-ad numpy calls cost more than the hashing)."""
    out: list[tuple[np.ndarray, int, np.ndarray]] = []
    for start in range(0, len(tokens), BATCH):
        out.extend(_signatures(tokens[start:start + BATCH], stem_length))
    return out


def _signatures(tokens: list[list[str]], stem_length: int) -> list[tuple[np.ndarray, int, np.ndarray]]:
    n = len(tokens)
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=n)
    flat = list(chain.from_iterable(tokens))
    hashes, stem_hashes = word_and_stem_hashes(flat, stem_length)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    # word 3-grams over the concatenated ads; a text of 1-3 words is one "shingle": its first word
    combined = np.zeros(max(len(hashes) - 2, 0), dtype=np.uint32)
    for i, mult in enumerate(_MULTIPLIERS):
        combined = combined * np.uint32(31) + hashes[i:len(hashes) - 2 + i] * np.uint32(mult)
    long = lengths > 3
    counts = np.where(long, lengths - 2, np.minimum(lengths, 1))
    owner = np.repeat(np.arange(n), counts)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    position = np.repeat(starts, counts) + offset
    values = np.where(np.repeat(long, counts), combined[np.minimum(position, max(len(combined) - 1, 0))]
                      if len(combined) else 0, hashes[position] if len(hashes) else 0).astype(np.uint32)
    shingles, shingle_starts = _unique_per_ad(owner, values, n)
    stem_values, stem_starts = _unique_per_ad(np.repeat(np.arange(n), lengths), stem_hashes, n)
    a, b = _template().permutations
    permuted = _fmix32(shingles).reshape(-1, 1) * a + b
    filled = shingle_starts[1:] > shingle_starts[:-1]
    minima = (np.minimum.reduceat(permuted, shingle_starts[:-1][filled], axis=0)
              if filled.any() else np.empty((0, NUM_PERM), dtype=np.uint32))
    out = []
    row = 0
    for i in range(n):
        if filled[i]:
            signature = minima[row]
            row += 1
        else:
            signature = _empty().copy()
        out.append((signature, int(shingle_starts[i + 1] - shingle_starts[i]),
                    stem_values[stem_starts[i]:stem_starts[i + 1]].copy()))
    return out


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
