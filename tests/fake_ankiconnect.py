"""A stand-in for Anki with the AnkiConnect add-on, for the ``notedeck sync`` tests.

An ``http.server`` on 127.0.0.1 (a free port) in a thread, speaking AnkiConnect's protocol
(``{"action", "version", "params"}`` in, ``{"result", "error"}`` out) and answering the actions
sync uses by calling the real Anki engine on a real collection — ``importPackage`` the way the
add-on does it (``anki.importing.AnkiPackageImporter(col, path).run()``).  Each request is
recorded, so a test can see what was asked.
"""

from __future__ import annotations

import json
import threading
import warnings
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path


class FakeAnkiConnect:
    def __init__(self, collection_path: Path, key: str | None = None, port: int = 0):
        import anki.lang
        from anki.collection import Collection

        anki.lang.set_lang("en")
        self.col = Collection(str(collection_path))
        self.key = key
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                reply = fake.answer(json.loads(body))
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, request: dict) -> dict:
        self.requests.append(request)
        try:
            if self.key is not None and request.get("key") != self.key:
                raise Exception("valid api key must be provided")
            action = getattr(self, "do_" + request["action"], None)
            if action is None:
                raise Exception("unsupported action")
            return {"result": action(**request.get("params", {})), "error": None}
        except Exception as exc:  # noqa: BLE001 - AnkiConnect reports every error this way
            return {"result": None, "error": str(exc)}

    # ------------------------------------------------------------ AnkiConnect's actions

    def do_version(self):
        return 6

    def do_importPackage(self, path):  # noqa: N802
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the add-on's import name is a deprecated alias
            from anki.importing import AnkiPackageImporter

            AnkiPackageImporter(self.col, path).run()
        self.col.models._clear_cache()
        return True

    def do_findNotes(self, query):  # noqa: N802
        return list(self.col.find_notes(query))

    def do_notesInfo(self, notes):  # noqa: N802
        out = []
        for nid in notes:
            note = self.col.get_note(nid)
            model = note.note_type()
            out.append(
                {
                    "noteId": nid,
                    "modelName": model["name"],
                    "tags": list(note.tags),
                    "fields": {
                        f["name"]: {"value": note.fields[f["ord"]], "order": f["ord"]}
                        for f in model["flds"]
                    },
                    "cards": list(note.card_ids()),
                }
            )
        return out

    def do_deleteNotes(self, notes):  # noqa: N802
        self.col.remove_notes(notes)
        return None

    def actions(self) -> list[str]:
        return [r["action"] for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.col.close()
