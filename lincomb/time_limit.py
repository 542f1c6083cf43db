"""A wall-clock limit around a block of code, for the CLI's ``--time-limit`` options.

SIGALRM raises :class:`Expired` inside the block once its time is up.  Two details make the limit hold:

* :class:`Expired` is a ``BaseException``, so no ``except Exception`` in the search, the fit or a library
  swallows it;
* the alarm repeats every 0.1 s until the block is left: an exception raised while Python runs a
  finalizer is printed as "Exception ignored" and lost, and the block would otherwise run to its end.

Examples
--------
>>> import time
>>> try:
...     with wall_clock_limit(0.05):
...         time.sleep(2)
... except Expired:
...     print("stopped")
stopped
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

__all__ = ["Expired", "alarm_available", "wall_clock_limit"]

#: Seconds between repeated alarms once the limit is reached.
REPEAT = 0.1


class Expired(BaseException):
    """Raised inside a :func:`wall_clock_limit` block when its time is up.

    Examples
    --------
    >>> issubclass(Expired, Exception)
    False
    """


def alarm_available() -> bool:
    """Whether :func:`wall_clock_limit` can work here: SIGALRM exists and this is the main thread.

    Examples
    --------
    >>> isinstance(alarm_available(), bool)
    True
    """
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _expire(signum, frame):
    raise Expired


@contextmanager
def wall_clock_limit(seconds: float):
    """Raise :class:`Expired` inside the block after ``seconds`` of wall-clock time (then every 0.1 s).

    Call it only where :func:`alarm_available` is true; the previous SIGALRM handler is restored on exit.

    Examples
    --------
    >>> with wall_clock_limit(60):
    ...     1 + 1
    2
    """
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001), REPEAT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
