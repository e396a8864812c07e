"""Moved to :mod:`jobcrawler.storage.lock` (the lifecycle extension takes the locks); kept so
``from jobcrawler.ops.lock import RunLock`` keeps working."""

from jobcrawler.storage.lock import LockHeld, RunLock

__all__ = ["LockHeld", "RunLock"]
