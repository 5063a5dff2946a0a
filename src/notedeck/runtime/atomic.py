"""Files written whole or not at all: temporary file, fsync, rename.

Decks, manifests and the preview page are written this way, so Ctrl-C, a crash or a full disk
always leaves the previous file in place.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temps(path: Path) -> None:
    """Delete temporary files a killed build (SIGKILL, power loss) left next to ``path``."""
    prefix = _temp_prefix(path)
    for name in os.listdir(path.parent):  # what glob(prefix*.tmp) finds, without its overhead
        if name.startswith(prefix) and name.endswith(".tmp") and len(name) >= len(prefix) + 4:
            (path.parent / name).unlink(missing_ok=True)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target."""
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
