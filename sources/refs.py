"""The canonical spelling of tool refs, so one tool has one id however and wherever it was written.

Kept free of heavy imports: the read commands normalise the ids they are given with it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path


def canonical_distribution_name(name: str) -> str:
    """The PEP 503 form of a distribution name: ``Pydantic_Settings`` -> ``pydantic-settings``."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def tool_id_for_path(raw_path: str, *, base: Path | None = None) -> str:
    """``file:`` plus the file's absolute path, symlinks resolved: one id per file, whatever the
    working directory or the spelling. A relative path starts at ``base`` (default: the current
    directory); backslashes are read as separators."""
    path = Path(raw_path.strip().replace("\\", "/")).expanduser()
    if not path.is_absolute():
        path = (base if base is not None else Path.cwd()) / path
    try:
        path = path.resolve()
    except (OSError, RuntimeError):
        # A symlink loop or an unreadable folder: the fetch reports the problem; the id stays stable.
        path = Path(os.path.normpath(path))
    return "file:" + path.as_posix()


def normalise_ref(ref: str, *, base: Path | None = None, cwd: Path | None = None) -> str:
    """The form a ref is compared, fetched and stored in: ``installed:`` and ``pypi:`` names in PEP 503
    form, ``file:`` refs as the file's absolute path with symlinks resolved (a relative path anchored at
    ``base``, default ``cwd``, default the current directory); other refs as written."""
    scheme, _, rest = ref.partition(":")
    rest = rest.strip()
    if scheme in ("installed", "pypi"):
        return f"{scheme}:{canonical_distribution_name(rest)}"
    if scheme != "file":
        return ref
    return tool_id_for_path(rest, base=base if base is not None else (cwd or Path.cwd()).absolute())
