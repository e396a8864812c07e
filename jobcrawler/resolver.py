"""The DNS resolver Scrapy connects with (``TWISTED_DNS_RESOLVER``): no private address for a name
that no crawler allows.

:class:`~jobcrawler.middlewares.SafeUrlMiddleware` refuses private hosts early, but it resolves a
name on its own; Scrapy resolves it again to connect. A hostile DNS server can answer the first
lookup with a public address and the second with ``127.0.0.1`` or ``169.254.169.254`` (DNS
rebinding). :class:`SafeResolver` checks the very address the connection will use.

The resolver is one per process, shared by every crawler in it (``jobcrawler crawl`` runs several
sites in one process), so what may resolve privately is kept here for the whole process: each
crawler's ``SafeUrlMiddleware`` adds its site's configured hosts (or everything, with
``JOBCRAWLER_ALLOW_PRIVATE_HOSTS``) when its spider opens and takes them back when it closes. A
name is refused only when no running crawler allows it; the middleware still refuses, per crawler,
a link from one site to another site's private host (when that host's DNS answers consistently).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections import Counter
from collections.abc import Iterable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy.settings import BaseSettings
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

_IPV4_SPELLING = re.compile(r"(0[xX][0-9a-fA-F]+|[0-9]+)(\.(0[xX][0-9a-fA-F]+|[0-9]+)){0,3}")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def ip_of(host: str) -> Address | None:
    """The address an IP literal stands for, in any spelling a resolver accepts: dotted, short
    (``127.1``), one number (``2130706433``), octal (``0177.0.0.1``), hex (``0xa9fea9fe``),
    IPv6 in brackets; None for a name."""
    host = host.strip("[]").lower().rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _IPV4_SPELLING.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))  # the C library's reading
        except OSError:
            return None
    return None


def is_private_address(address: Address) -> bool:
    """Loopback, private, link-local, reserved, multicast or unspecified (also IPv4 in IPv6)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (address.is_private or address.is_loopback or address.is_link_local
            or address.is_reserved or address.is_multicast or address.is_unspecified)


#: Allows every name (a crawler with ``JOBCRAWLER_ALLOW_PRIVATE_HOSTS``).
EVERY_HOST = "*"
_allowed: Counter[str] = Counter()


def host_key(host: str) -> str:
    """A host name as the allowance and the resolver compare it."""
    return host.strip("[]").lower().rstrip(".")


def allow(hosts: Iterable[str]) -> None:
    """Let ``hosts`` (or :data:`EVERY_HOST`) resolve to private addresses until :func:`release`."""
    _allowed.update(host_key(h) for h in hosts)


def release(hosts: Iterable[str]) -> None:
    """Take back one :func:`allow` of ``hosts``."""
    _allowed.subtract(host_key(h) for h in hosts)
    for host in [h for h, n in _allowed.items() if n <= 0]:
        del _allowed[host]


def is_allowed(name: str) -> bool:
    """True when a running crawler lets ``name`` resolve to a private address."""
    return bool(_allowed[EVERY_HOST] or _allowed[host_key(name)])


class PrivateAddressError(DNSLookupError):
    """A name resolved to a private address that no crawler allows.

    Twisted reports any failed lookup to the connection as "no results" (Scrapy then as
    ``CannotResolveHostError``), so this error does not reach the middlewares: they ask
    :func:`refused_address` about the request's host.
    """


#: The private address each name was last refused for (a later lookup that passes clears it).
_refused: dict[str, str] = {}
_REFUSED_KEPT = 10_000


def refused_address(host: str) -> str | None:
    """The private address ``host``'s latest lookup was refused for, or None (it passed, or it
    failed for another reason)."""
    return _refused.get(host_key(host))


def checked(address: str, name: str) -> str:
    """``address`` (what ``name`` resolved to), or :class:`PrivateAddressError` when it is private
    and ``name`` is not allowed."""
    key = host_key(name)
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if is_private_address(ip) and not is_allowed(key):
        if key not in _refused:
            logger.warning("Refused the address %s of %r: private, and not a configured site "
                           "host", address, name)
        if len(_refused) >= _REFUSED_KEPT:
            _refused.pop(next(iter(_refused)))
        _refused[key] = address
        raise PrivateAddressError(name, f"resolves to the private address {address} (refused)")
    _refused.pop(key, None)
    return address


@implementer(IResolverSimple)
class SafeResolver(CachingThreadedResolver):
    """Scrapy's default resolver (threaded, cached, ``DNS_TIMEOUT``) whose every answer, cached or
    not, is checked by :func:`checked` before Twisted connects to it."""

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        d = super().getHostByName(name, timeout)
        d.addCallbacks(checked, _failed, callbackArgs=(name,), errbackArgs=(name,))
        return d


def _failed(failure: Any, name: str) -> Any:
    _refused.pop(host_key(name), None)  # failed for another reason
    return failure


def install_resolver(settings: BaseSettings) -> Any:
    """Install ``TWISTED_DNS_RESOLVER`` on the running reactor, as ``CrawlerProcess`` does at its
    start (a ``CrawlerRunner`` in a running reactor installs none); returns the one replaced."""
    from twisted.internet import reactor

    # Scrapy builds it from the CrawlerProcess, of which it reads only the settings
    owner = SimpleNamespace(settings=settings)
    resolver_class = load_object(settings["TWISTED_DNS_RESOLVER"])
    resolver = build_from_crawler(resolver_class, owner, reactor=reactor)  # type: ignore[arg-type]
    previous = reactor.resolver
    resolver.install_on_reactor()
    return previous
