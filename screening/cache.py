"""Where derived files (built grammar tables, checked vocabulary) are kept between runs.

$SCREENING_CACHE_DIR, else $XDG_CACHE_HOME/screening, else ~/.cache/screening.
SCREENING_CACHE_DIR="" turns caching off. Every cache file name carries a stamp of its inputs,
so an edited grammar or vocabulary is never served from a stale cache.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path | None:
    configured = os.environ.get("SCREENING_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "screening"


def code_stamp() -> str:
    """A stamp of the package's code and data: any edit gives a new stamp (and new cache files)."""
    import zlib

    root = Path(__file__).resolve().parent
    blob = bytearray()
    files = sorted(root.glob("*.py")) + sorted((root / "data").glob("*"))
    grammar = root / "grammar" / "criteria.lark"
    if not grammar.is_file():
        grammar = root.parent / "grammar" / "criteria.lark"
    for f in [*files, grammar]:
        try:
            blob += f.name.encode() + b"\0" + f.read_bytes() + b"\0"
        except OSError:
            continue
    return f"{zlib.crc32(blob):08x}{zlib.adler32(blob):08x}"


def load_pickle(name: str) -> object | None:
    """A cached object written by ``save_pickle`` in this cache folder, or None."""
    import pickle

    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(folder / name, "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        return None


def save_pickle(name: str, obj: object) -> None:
    """Write atomically; a cache that cannot be written is simply not used."""
    import pickle
    import tempfile

    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False, suffix=".tmp") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, folder / name)
        _prune(folder, name.split("-", 1)[0])
    except OSError:
        return


def _prune(folder: Path, prefix: str, keep: int = 8) -> None:
    """Keep the newest few files of a kind: every code or trial edit writes a new one."""
    files = sorted(folder.glob(f"{prefix}-*.pickle"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        try:
            old.unlink()
        except OSError:
            pass
