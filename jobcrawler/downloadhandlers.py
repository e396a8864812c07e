"""Scrapy's HTTP/1.1 download handler without the double callback at close.

``HTTP11DownloadHandler.close()`` (Scrapy 2.19) closes the connection pool and, in case that hangs,
schedules ``d.callback`` on the same Deferred one second later; it cancels that timed call only
once the awaiting coroutine resumes. When the event loop is busy (many site crawls in one process,
a loaded machine) the timed call can run first, and Twisted logs a CRITICAL ``AlreadyCalledError``
traceback: one per site close that lost the race (1,006 in a 1,000-site run). The crawl was not
harmed; the traceback is noise that hides real errors. Here the timed call fires only a Deferred
that has not fired yet.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler as _Scrapy
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred


class HTTP11DownloadHandler(_Scrapy):
    """The HTTP(S) handler of every jobcrawler crawl (``DOWNLOAD_HANDLERS`` in settings.py)."""

    async def close(self) -> None:
        from twisted.internet import reactor

        closed: Deferred[None] = self._pool.closeCachedConnections()
        # closeCachedConnections can hang on network or server issues (Twisted #7738)
        give_up = reactor.callLater(self._disconnect_timeout, _fire_once, closed)
        try:
            await maybe_deferred_to_future(closed)
        finally:
            if give_up.active():
                give_up.cancel()


def _fire_once(deferred: Deferred[None]) -> None:
    if not deferred.called:
        deferred.callback(())  # the pool's Deferred is a gatherResults: it wants a list of results
