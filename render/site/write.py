"""The one place render/ touches the disk: writes the files ``site_files`` streams into a directory."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from render.site.models import SiteSummary
from schemas import TerminalError


def _target(out_dir: Path, relative: object) -> Path:
    """Where ``relative`` goes under ``out_dir``; anything that could land outside it is refused."""
    if not isinstance(relative, str) or not relative or "\\" in relative or "\x00" in relative:
        raise TerminalError(f"not a relative site path: {relative!r}", subject="site file")
    path = PurePosixPath(relative)
    if path.is_absolute() or any(part in ("", ".", "..") for part in relative.split("/")):
        raise TerminalError(f"not a relative site path: {relative!r}", subject="site file")
    return out_dir.joinpath(*path.parts)


def _write_atomically(target: Path, data: bytes) -> None:
    # A page is replaced in one step, so someone browsing the site never sees half of it.
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_site(files: Iterable[tuple[str, str]], out_dir: Path) -> SiteSummary:
    """Writes each ``(relative path, text)`` under ``out_dir`` as UTF-8, one at a time.

    Existing files with the same names are replaced; files from an earlier build that this one does
    not produce are left alone.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise TerminalError(
            "exists and is not a directory", subject=str(out_dir), hint="choose a directory for the site"
        )
    pages = pairs = count = total = 0
    for relative, text in files:
        target = _target(out_dir, relative)
        data = text.encode("utf-8")
        try:
            _write_atomically(target, data)
        except OSError as error:
            raise TerminalError(
                f"could not write {relative}: {error.strerror or error}", subject=str(out_dir)
            ) from error
        count += 1
        total += len(data)
        if relative.endswith(".html"):
            pages += 1
            pairs += relative.startswith("compare/")
    return SiteSummary(pages=pages, pairs=pairs, files=count, bytes=total)
