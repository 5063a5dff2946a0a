"""Writing into a closed Anki collection file with Anki's own engine (the ``anki`` package).

The engine does exactly what Anki's File → Import does with the default options: notes matched
by GUID, updated only when the incoming note is newer, note types by ID, scheduling and review
history of existing cards untouched, media copied into ``collection.media`` beside the file.
Notes that left the notes are found by GUID (exact: the engine can read the notes table).

``anki`` is an optional extra (``pip install 'notedeck[anki]'``), imported only here and only
when a collection is opened.  A collection open in Anki is locked; that, a missing file and a
file that is not a collection are each one ``SyncError`` line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from notedeck.commands.ankiconnect import SyncError

PROFILE_FILE = "collection.anki2"


@dataclass(frozen=True)
class Imported:
    """What one import did, from the engine's log."""

    new: int
    updated: int
    unchanged: int
    conflicting: int = 0  # matched notes whose note type was changed in Anki: not updated


def collection_file(path: Path) -> Path:
    """The collection file a ``--collection`` argument names (a profile folder works too)."""
    if path.is_dir() and (path / PROFILE_FILE).is_file():
        return path / PROFILE_FILE
    if not path.is_file():
        raise SyncError(
            f"{path}: no such Anki collection (it is a profile's collection.anki2, "
            "e.g. ~/.local/share/Anki2/User 1/collection.anki2); notedeck never creates one"
        )
    return path


class AnkiCollection:
    """One open collection; use as a context manager so it is always closed (and unlocked)."""

    def __init__(self, path: Path):
        self.path = collection_file(path)
        try:
            import anki.lang
            from anki.collection import Collection
            from anki.errors import DBError
        except ImportError:
            raise SyncError(
                "--collection needs the official Anki engine: pip install 'notedeck[anki]'"
            ) from None
        anki.lang.set_lang("en")
        try:
            self.col = Collection(str(self.path))
        except DBError as exc:
            raise _open_error(self.path, str(exc)) from None

    def __enter__(self) -> AnkiCollection:
        return self

    def __exit__(self, *exc) -> None:
        self.col.close()

    def import_package(self, apkg: Path) -> Imported:
        from anki.collection import ImportAnkiPackageRequest

        options = self.col._backend.get_import_anki_package_presets()  # File → Import's
        request = ImportAnkiPackageRequest(package_path=str(apkg.resolve()), options=options)
        log = self.col.import_anki_package(request).log
        self.col.models._clear_cache()  # the engine's note-type cache is stale after an import
        return Imported(len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting))

    def notes_by_guid(self, guids: list[str]) -> dict[str, int]:
        """{guid: note id} for the GUIDs present in the collection."""
        found: dict[str, int] = {}
        for start in range(0, len(guids), 500):
            chunk = guids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.col.db.all(f"select guid, id from notes where guid in ({marks})", *chunk)
            found.update((guid, nid) for guid, nid in rows)
        return found

    def delete_notes(self, ids: list[int]) -> None:
        from anki.notes import NoteId

        self.col.remove_notes([NoteId(i) for i in ids])


def _open_error(path: Path, message: str) -> SyncError:
    if "already open" in message.lower():
        return SyncError(
            f"{path}: the collection is open in Anki (or syncing its media); close Anki, "
            "or leave out --collection to sync into the running Anki through AnkiConnect"
        )
    if "notadatabase" in message.replace(" ", "").lower():
        return SyncError(f"{path}: not an Anki collection file")
    return SyncError(f"{path}: cannot open the collection ({message.splitlines()[0][:200]})")
