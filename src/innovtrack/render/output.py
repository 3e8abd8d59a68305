"""Where rendered output goes: stdout, or the file named by --output. Notices go to stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError


@contextmanager
def atomic_path(output: str) -> Iterator[str]:
    """A temporary name beside `output` to write to; renamed onto `output` when the writing
    succeeded, removed when it failed, so a full disk or an interrupted write never leaves a
    0-byte or half-written file behind. A device or a pipe (/dev/stdout) is written directly."""
    target = Path(output)
    if target.exists() and not target.is_file():
        if target.is_dir():
            raise OutputError(f"cannot write {output}: it is a directory")
        yield output
        return
    parent = target.parent
    if not parent.is_dir():
        what = "does not exist" if not parent.exists() else "is not a directory"
        raise OutputError(f"cannot write {output}: the directory {parent} {what}")
    tmp = parent / f".{target.name}.{os.getpid()}.tmp{target.suffix}"
    try:
        yield str(tmp)
        os.replace(tmp, target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) or type(exc).__module__.startswith("xlsxwriter"):
            _mute_failed_writers()
            reason = getattr(exc, "strerror", None) or exc
            raise OutputError(f"cannot write {output}: {reason}; nothing was written") from None
        raise


def _mute_failed_writers() -> None:
    """After a failed write, xlsxwriter's zip file is left open; when it is collected, its
    __del__ retries the write, and Python would print that second OSError with a traceback.
    The failure has been reported once already."""
    previous = sys.unraisablehook

    def hook(unraisable):
        if not isinstance(unraisable.exc_value, OSError):
            previous(unraisable)

    sys.unraisablehook = hook


@contextmanager
def output_file(output: str) -> Iterator:
    """A text file at `output`, written to a temporary name and renamed (atomic_path)."""
    with atomic_path(output) as path, open(path, "w", encoding="utf-8", newline="") as fh:
        yield fh


def write_chunks(chunks, output: str | None) -> None:
    """Text made piece by piece (a streamed listing) to stdout or, renamed into place, a file."""
    if output:
        with output_file(output) as fh:
            for chunk in chunks:
                fh.write(chunk)
    else:
        write = sys.stdout.write
        for chunk in chunks:
            write(chunk)


def write_text(text: str, output: str | None) -> None:
    if output:
        with output_file(output) as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


def print_rich(renderable, output: str | None = None) -> None:
    from rich.console import Console

    if output:
        with output_file(output) as fh:
            Console(file=fh, width=200, no_color=True).print(renderable)
    else:
        Console(soft_wrap=False).print(renderable)


def stderr_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def notice(message: str) -> None:
    """A line for the person at the terminal, never mixed into the data on stdout; a file's
    text in it (a header, a name) shows control characters escaped."""
    from .safe import visible

    sys.stderr.write(visible(message.rstrip("\n")) + "\n")
