"""Talking to a running Anki through the AnkiConnect add-on (HTTP JSON on 127.0.0.1:8765).

Only the actions ``notedeck sync`` needs: ``version``, ``importPackage`` (the built ``.apkg``,
by absolute path: Anki reads it from this machine's disk), ``findNotes``, ``notesInfo`` and
``deleteNotes``.  Every way of failing becomes one ``SyncError`` line that says what to do:
nothing listening (Anki closed, or the add-on missing — the same from outside), something else
answering on the port, an old add-on, an API key, or Anki open without a profile.

Requests never go through a proxy: ``http_proxy`` in the environment must not send a local
call elsewhere.
"""

from __future__ import annotations

import http.client
import json
import os
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from notedeck.errors import NotedeckError

DEFAULT_URL = "http://127.0.0.1:8765"
KEY_VARIABLE = "NOTEDECK_ANKICONNECT_KEY"  # AnkiConnect's optional apiKey setting
API_VERSION = 6
ADDON = "AnkiConnect (add-on code 2055492159)"


class SyncError(NotedeckError):
    """Putting the decks into Anki failed; the message is one line that says what to do."""

    code = "sync"


class AnkiConnect:
    """A client of one AnkiConnect address."""

    def __init__(self, url: str = DEFAULT_URL, key: str | None = None, timeout: float = 10):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SyncError(f"{url!r} is not an AnkiConnect address such as {DEFAULT_URL}")
        self.url = url
        self.key = key if key is not None else os.environ.get(KEY_VARIABLE) or None
        self.timeout = timeout
        self._open = urllib.request.build_opener(urllib.request.ProxyHandler({})).open

    @property
    def where(self) -> str:
        return urlsplit(self.url).netloc

    def check(self) -> int:
        """The add-on's API version, once it is known to be AnkiConnect and recent enough."""
        version = self.call("version")
        if not isinstance(version, int) or version < API_VERSION:
            raise SyncError(
                f"AnkiConnect at {self.where} speaks version {version}, notedeck needs "
                f"{API_VERSION}: update the add-on (Tools → Add-ons → Check for Updates)"
            )
        return version

    def import_package(self, path) -> None:
        if self.call("importPackage", timeout=600, path=str(path)) is not True:
            raise SyncError(f"Anki did not import {path} (AnkiConnect answered false)")

    def find_notes(self, query: str) -> list[int]:
        return list(self.call("findNotes", query=query))

    def notes_info(self, ids: list[int]) -> list[dict]:
        return list(self.call("notesInfo", notes=ids))

    def delete_notes(self, ids: list[int]) -> None:
        self.call("deleteNotes", notes=ids)

    def call(self, action: str, timeout: float | None = None, **params):
        """One action's result; every failure is a SyncError naming the address."""
        request = {"action": action, "version": API_VERSION, "params": params}
        if self.key:
            request["key"] = self.key
        data = json.dumps(request).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        try:
            with self._open(
                urllib.request.Request(self.url, data, headers), timeout=timeout or self.timeout
            ) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise self._not_ankiconnect(f"HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            raise self._unreachable(exc.reason) from None
        except TimeoutError:
            raise SyncError(
                f"Anki did not answer at {self.where} in time (a dialog open in Anki?)"
            ) from None
        except (http.client.HTTPException, ConnectionError) as exc:
            raise self._not_ankiconnect(type(exc).__name__) from None
        return self._result(action, raw)

    def _result(self, action: str, raw: bytes):
        try:
            reply = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise self._not_ankiconnect("its answer is not JSON") from None
        if not isinstance(reply, dict) or set(reply) != {"result", "error"}:
            raise self._not_ankiconnect("its answer has no 'result' and 'error'")
        error = reply["error"]
        if error is None:
            return reply["result"]
        message = str(error)
        if "api key" in message.lower():
            raise SyncError(f"AnkiConnect at {self.where} wants its API key: set {KEY_VARIABLE}")
        if "collection is not available" in message.lower():
            raise SyncError("Anki is running but no profile is open: open your profile in Anki")
        raise SyncError(f"AnkiConnect {action} failed: {message}")

    def _unreachable(self, reason) -> SyncError:
        if isinstance(reason, ConnectionRefusedError):
            return SyncError(
                f"Anki is not running, or the {ADDON} is not installed: nothing answers at "
                f"{self.where}. Start Anki with the add-on, or close Anki and use "
                "--collection PATH"
            )
        if isinstance(reason, TimeoutError):
            return SyncError(f"Anki did not answer at {self.where} in time")
        detail = getattr(reason, "strerror", None) or str(reason)
        return SyncError(f"cannot reach AnkiConnect at {self.where} ({detail})")

    def _not_ankiconnect(self, why: str) -> SyncError:
        return SyncError(
            f"something answers at {self.where}, but it is not {ADDON} ({why}); "
            "is another program using that port?"
        )
