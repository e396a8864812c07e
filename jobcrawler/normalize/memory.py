"""Give back the normalisers' memory when a process is done normalising.

The normalisers load their data on first use and keep it, with their results, in ``functools``
caches: py3langid's model, the gazetteers, the occupation classifier and its trigram index, and
the per-text caches, those of the text helpers they share with extraction (``jobcrawler.text``)
included (about 200 MB after a big crawl). A crawl's end (the duplicate clustering) needs none of
it: :func:`release` empties those caches so that the memory can serve the clustering instead of
adding to it. A later call of a normaliser loads its data again (the same values).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from types import ModuleType

PACKAGE = "jobcrawler.normalize"
#: The modules whose caches are released: the normalisers' and the text helpers they share.
CACHED = (PACKAGE, "jobcrawler.text")


def _cached_functions(module: ModuleType) -> list:
    """The module's own functions that keep a ``functools`` cache."""
    return [value for value in vars(module).values()
            if callable(getattr(value, "cache_clear", None))
            and getattr(value, "__module__", None) == module.__name__]


def release() -> int:
    """Empty the caches of every loaded normaliser module (and ``jobcrawler.text``), collect, and
    hand freed heap pages back to the system (glibc's ``malloc_trim``, where there is one). Returns
    the caches emptied."""
    emptied = 0
    for name, module in list(sys.modules.items()):
        if module is None or not any(name == top or name.startswith(top + ".") for top in CACHED):
            continue
        for function in _cached_functions(module):
            function.cache_clear()
            emptied += 1
    gc.collect()
    trim_heap()
    return emptied


def trim_heap() -> bool:
    """``malloc_trim(0)``: glibc returns the free pages of its heaps to the system (the resident
    memory falls to what is in use). False where the C library has none (not glibc)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
    return True
