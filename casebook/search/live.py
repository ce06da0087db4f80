"""Each app process's in-memory copy of the search index in the database (see published.py).

A watcher thread waits for PostgreSQL's NOTIFY (or polls the generation on SQLite), reads only the
documents changed since its generation, and swaps in a rebuilt in-memory index while queries keep
using the previous one. Nothing is embedded on load: the vectors are in the database.
"""
from __future__ import annotations

import json
import logging
import threading

import numpy as np

from .index import LoadedIndex
from .keyword import Tokenizer
from .published import CHANNEL, Entry, State, read_changes, read_state

#: with PostgreSQL a NOTIFY wakes the watcher at once; it still checks this often in case a
#: notification was lost (a dropped connection)
LISTEN_CHECK_SECONDS = 10.0
log = logging.getLogger("casebook.search")


class LiveIndex:
    """One process's in-memory copy of the database's search index (see the module docstring).

    current() answers at once with the copy it has (loading it the first time); a watcher thread
    keeps it up to date. poll_seconds: how often the generation is read when there is no NOTIFY
    (SQLite); with PostgreSQL a NOTIFY wakes the watcher at once."""

    def __init__(self, database, poll_seconds: float = 1.0, listen: bool = True):
        self.database = database
        self.poll_seconds = max(0.05, float(poll_seconds))
        self.listen = listen and database.dialect == "postgresql"
        self._entries: dict[str, Entry] = {}
        self._state: State | None = None
        self._index = None
        self._refresh_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._tokenizers: dict[str, Tokenizer] = {}
        self.reloads = 0
        if hasattr(database, "on_dispose"):
            database.on_dispose(self.close)

    @property
    def generation(self) -> int:
        return self._state.generation if self._state else 0

    @property
    def state(self) -> State | None:
        return self._state

    def current(self):
        """The in-memory index (a LoadedIndex), or None when the database has none."""
        if self._index is None:
            self.refresh()
        self._start_watcher()
        return self._index

    def tokenizer(self) -> Tokenizer | None:
        return self._index.tokenizer() if self._index is not None else None

    def refresh(self) -> bool:
        """Bring the copy up to the database's generation; True when it changed."""
        with self._refresh_lock:
            state = read_state(self.database)
            if state is None or (self._state is not None and state.generation == self._state.generation):
                return False
            full = self._state is None or state.basis != self._state.basis
            entries = {} if full else dict(self._entries)
            changes, missing = read_changes(self.database, state, 0 if full else self._state.generation)
            if missing:
                log.warning("search index generation %s: %s documents have no stored vector or tokens",
                            state.generation, missing)
            for key, entry in changes.items():
                if entry is None:
                    entries.pop(key, None)
                else:
                    entries[key] = entry
            self._index = self._assemble(state, entries)
            self._entries, self._state = entries, state
            self.reloads += 1
            return True

    def _assemble(self, state: State, entries: dict[str, Entry]):
        ordered = sorted(entries.values(), key=lambda e: (e.ordinal, e.doc.id))
        tokenizer = self._tokenizers.get(state.tokenizer_config)
        if tokenizer is None:
            config = json.loads(state.tokenizer_config or "{}")
            tokenizer = Tokenizer([tuple(e) for e in config.get("userdict", [])], config.get("synonyms", []))
            self._tokenizers = {state.tokenizer_config: tokenizer}
        dim = int(ordered[0].vector.shape[0]) if ordered else 1
        vectors = (np.vstack([e.vector for e in ordered]).astype(np.float32, copy=False) if ordered
                   else np.zeros((0, dim), np.float32))
        manifest = {"embedder": state.embedder, "embedder_spec": state.embedder_spec, "dim": dim,
                    "tokenizer": state.tokenizer, "generation": state.generation, "source": "database"}
        docs = [e.doc for e in ordered]
        return LoadedIndex.assemble(docs, vectors, [e.tokens for e in ordered], tokenizer, manifest,
                                    english_vectors=self._stored_vectors(
                                        state, [d.english_passage for d in docs if d.english_passage], "English"),
                                    section_vectors=self._stored_vectors(
                                        state, [p for d in docs for p in d.section_passages], "section"))

    def _stored_vectors(self, state: State, passages: list[str], what: str) -> np.ndarray | None:
        """The stored vectors of extra passages (the rules' English passages, the section passages
        of rules and cases), embedded by the build that published the documents; None when any is
        missing (the index then has none of them)."""
        from .embcache import DatabaseEmbeddingCache, content_hash
        hashes = [content_hash(p) for p in passages]
        if not hashes:
            return None
        found = DatabaseEmbeddingCache(self.database).get_many(state.embedder, hashes)
        if any(h not in found for h in hashes):
            log.warning("search index generation %s: %s passages without a stored vector", state.generation, what)
            return None
        return np.vstack([found[h] for h in hashes]).astype(np.float32, copy=False)

    # ------------------------------------------------------------------ the watcher
    def _start_watcher(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._watch, name="casebook-search-watcher", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                if self.listen:
                    self._listen()
                else:
                    self._stop.wait(self.poll_seconds)
                    self._refresh_quietly()
            except Exception as exc:  # noqa: BLE001 - the server keeps serving the copy it has
                log.warning("search index watcher: %s: %s", type(exc).__name__, exc)
                self._stop.wait(self.poll_seconds)

    def _listen(self) -> None:
        """LISTEN on a connection of its own; refresh on every NOTIFY and every few seconds."""
        import psycopg
        url = self.database.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self._refresh_quietly()      # whatever changed before LISTEN took effect
            while not self._stop.is_set():
                for _ in connection.notifies(timeout=LISTEN_CHECK_SECONDS, stop_after=1):
                    break
                self._refresh_quietly()

    def _refresh_quietly(self) -> None:
        try:
            self.refresh()
        except Exception as exc:  # noqa: BLE001 - logged; the previous copy keeps serving
            log.warning("search index not refreshed: %s: %s", type(exc).__name__, exc)

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout=2)
