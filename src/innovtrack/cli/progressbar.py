"""A progress bar on stderr for large files; silent for small ones and when not a terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_LARGE = 2 * 1024 * 1024  # bytes; below this an import is over before a bar would help
_EVERY = 5000  # rows between refreshes, so the bar costs nothing on the hot path


@contextmanager
def row_progress(path: str) -> Iterator[Callable[[int], None] | None]:
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    if size < _LARGE or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    # The console is given up front: Progress.console cannot be set afterwards.
    from ..render.safe import visible

    # markup=False: a file named "[/b].csv" is a name, not markup (STYLE 18)
    with Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False),
                  TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
                  transient=True, console=Console(stderr=True), redirect_stdout=False,
                  redirect_stderr=False) as bar:
        task = bar.add_task(f"reading {visible(os.path.basename(path))}", total=None)
        count = 0

        def on_row(number: int) -> None:
            nonlocal count
            count += 1
            if count % _EVERY == 0:
                bar.update(task, completed=count)

        yield on_row
