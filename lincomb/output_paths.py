"""Checking output paths before any work is done (issue 18, item 3).

Every command that writes (``lincomb check --out``, ``regions plot --out``, ``represent --out``, ``sample
--out``, ``symreg fit --out/--plot``, ``bench NAME --out``) calls one of these two functions first, so a path
that cannot be written is refused in a second with one line and exit 2, instead of a traceback after minutes
of work. The checks *try* the write (create the folder, open the file) rather than asking ``os.access``, which
says yes to root even on ``/proc`` or a read-only mount.

Examples
--------
>>> import tempfile, os
>>> with tempfile.TemporaryDirectory() as folder:
...     check_output_dir(os.path.join(folder, "certificates"))  # created, as the command would
...     check_output_file(os.path.join(folder, "plot.png"))      # probed, then removed again
...     sorted(os.listdir(folder))
['certificates']
>>> check_output_dir("/proc/lincomb-out")
Traceback (most recent call last):
...
lincomb.errors.UsageError: --out /proc/lincomb-out: cannot create this folder (No such file or directory); give a folder you can write to
"""

from __future__ import annotations

import os
import stat
import tempfile

from lincomb.errors import UsageError

__all__ = ["check_output_dir", "check_output_file"]


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def check_output_dir(path, flag: str = "--out") -> None:
    """Make sure ``path`` is a folder this process can write files into; create it if it is missing.

    Parameters
    ----------
    path : str or os.PathLike
        The folder a command will write into.
    flag : str
        The option that named it, for the message.

    Raises
    ------
    lincomb.errors.UsageError
        One line naming the path, what is wrong and the fix: an existing file where a folder is needed,
        a folder that cannot be created, or one that cannot be written into.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile() as handle:
    ...     check_output_dir(handle.name)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: --out ...: is an existing file, not a folder; give a folder (or remove the file)
    """
    text = os.fspath(path)
    if os.path.exists(text) and not os.path.isdir(text):
        raise UsageError(f"{flag} {text}: is an existing file, not a folder; give a folder (or remove the file)")
    try:
        os.makedirs(text, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"{flag} {text}: cannot create this folder ({_reason(error)}); give a folder you can write to"
        ) from None
    try:
        handle, probe = tempfile.mkstemp(prefix=".lincomb-write-test-", dir=text)
    except OSError as error:
        raise UsageError(f"{flag} {text}: cannot write into this folder ({_reason(error)}); give a folder you can write to") from None
    os.close(handle)
    os.unlink(probe)


def check_output_file(path, flag: str = "--out", *, make_parents: bool = False) -> None:
    """Make sure a file can be written at ``path`` (nothing is left behind by the check).

    Parameters
    ----------
    path : str or os.PathLike
        The file a command will write.
    flag : str
        The option that named it, for the message.
    make_parents : bool
        Create missing parent folders (for commands that create them anyway); otherwise a missing
        folder is an error.

    Raises
    ------
    lincomb.errors.UsageError
        One line naming the path, what is wrong and the fix: a folder where a file is needed, a missing or
        unwritable folder, an existing file that cannot be written.

    Examples
    --------
    >>> check_output_file("/no/such/folder/plot.png", "--plot")
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: --plot /no/such/folder/plot.png: folder /no/such/folder does not exist; create it or give another path
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     check_output_file(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: --out ...: is a folder; give a file name
    """
    text = os.fspath(path)
    if os.path.isdir(text):
        raise UsageError(f"{flag} {text}: is a folder; give a file name")
    folder = os.path.dirname(os.path.abspath(text))
    if make_parents:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as error:
            raise UsageError(f"{flag} {text}: cannot create folder {folder} ({_reason(error)}); give a path you can write to") from None
    elif not os.path.exists(folder):
        raise UsageError(f"{flag} {text}: folder {folder} does not exist; create it or give another path")
    if not os.path.isdir(folder):
        raise UsageError(f"{flag} {text}: {folder} is not a folder; give a path you can write to")
    try:
        if os.path.lexists(text):
            mode = os.stat(text).st_mode
            if stat.S_ISREG(mode):
                with open(text, "ab"):  # opening for append changes nothing in the file
                    pass
            elif not os.access(text, os.W_OK):
                raise PermissionError(13, "Permission denied")
        else:
            with open(text, "xb"):
                pass
            os.unlink(text)
    except OSError as error:
        raise UsageError(f"{flag} {text}: cannot write this file ({_reason(error)}); give a path you can write to") from None
