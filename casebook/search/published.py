"""The search index in the database: publish a build, read the state and what changed.

The database is the source of truth: search_documents holds every indexed document with the
content hashes of its passage (-> search_embeddings) and keyword text (-> search_tokens), and
search_index_state one generation number that every change bumps (`publish`). An app process
keeps the faiss and BM25 structures in memory (`LiveIndex`) as a cache of that state: a
watcher thread waits for PostgreSQL's NOTIFY (or polls the generation on SQLite), reads only the
documents changed since its generation, and swaps in a rebuilt in-memory index while queries
keep using the previous one. Nothing is embedded on load: the vectors are in the database.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from sqlalchemy import select, update

from ..store.search_models import SearchDocument, SearchEmbedding, SearchIndexState, SearchTokens
from .documents import Document
from .embcache import _SEP, content_hash, upsert
from .keyword import Tokenizer

CHANNEL = "casebook_search"
STATE_ID = 1


@dataclass(frozen=True)
class State:
    generation: int
    embedder: str
    embedder_spec: str
    tokenizer: str
    tokenizer_config: str

    @property
    def basis(self) -> tuple[str, str, str]:
        """What the vectors and tokens depend on: a change means reloading everything."""
        return self.embedder, self.tokenizer, self.tokenizer_config


def _row(doc: Document, ordinal: int) -> dict:
    return {"id": doc.id, "ordinal": ordinal, "kind": doc.kind, "passage_hash": doc.hash,
            "keyword_hash": content_hash(doc.keyword_text),
            "data": json.dumps(doc.as_dict(), ensure_ascii=False, sort_keys=True), "deleted": False}


def publish(database, docs: Sequence[Document], tokenizer: Tokenizer, embedder, embedder_spec: str) -> int:
    """Make docs the database's search index: write the documents that changed, tombstone the
    removed ones, and bump the generation (with a NOTIFY on PostgreSQL) when anything changed.
    The vectors and tokens must be stored already (DatabaseEmbeddingCache). Returns the generation."""
    table, state_table = SearchDocument.__table__, SearchIndexState.__table__
    config = json.dumps(tokenizer.config(), ensure_ascii=False, sort_keys=True)
    wanted = [_row(doc, i) for i, doc in enumerate(docs)]
    with database.engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:   # one publisher at a time: concurrent builds on two servers queue here
            from sqlalchemy.dialects.postgresql import insert
            connection.execute(insert(state_table).values(id=STATE_ID, generation=0)
                               .on_conflict_do_nothing(index_elements=["id"]))
            state = connection.execute(select(state_table).where(state_table.c.id == STATE_ID)
                                       .with_for_update()).mappings().one()
        else:
            state = connection.execute(select(state_table).where(state_table.c.id == STATE_ID)).mappings().first()
            if state is None:
                connection.execute(state_table.insert().values(id=STATE_ID, generation=0, tokenizer_config="{}"))
                state = connection.execute(select(state_table).where(state_table.c.id == STATE_ID)).mappings().one()
        existing = {r.id: r for r in connection.execute(
            select(table.c.id, table.c.ordinal, table.c.kind, table.c.passage_hash, table.c.keyword_hash,
                   table.c.data, table.c.deleted))}
        changed = []
        for row in wanted:
            old = existing.get(row["id"])
            if (old is None or old.deleted or old.ordinal != row["ordinal"] or old.passage_hash != row["passage_hash"]
                    or old.keyword_hash != row["keyword_hash"] or old.data != row["data"]):
                changed.append(row)
        present = {row["id"] for row in wanted}
        removed = [key for key, old in existing.items() if key not in present and not old.deleted]
        basis_changed = (state["embedder"] != embedder.name or state["tokenizer"] != tokenizer.version
                         or state["tokenizer_config"] != config or state["embedder_spec"] != embedder_spec)
        if not changed and not removed and not basis_changed:
            return int(state["generation"])
        generation = int(state["generation"]) + 1
        for row in changed:
            row["generation"] = generation
        upsert(connection, table, changed, ("id",))
        for start in range(0, len(removed), 500):
            connection.execute(update(table).where(table.c.id.in_(removed[start:start + 500]))
                               .values(deleted=True, generation=generation))
        connection.execute(update(state_table).where(state_table.c.id == STATE_ID).values(
            generation=generation, embedder=embedder.name, embedder_spec=embedder_spec,
            tokenizer=tokenizer.version, tokenizer_config=config,
            built_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)))
        if postgres:   # delivered when this transaction commits
            connection.exec_driver_sql(f"SELECT pg_notify('{CHANNEL}', '{generation}')")
    return generation


def read_state(database) -> State | None:
    """The database's index state, or None when no index was ever published."""
    table = SearchIndexState.__table__
    with database.engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.id == STATE_ID)).mappings().first()
    if row is None or not row["generation"]:
        return None
    return State(int(row["generation"]), row["embedder"], row["embedder_spec"], row["tokenizer"],
                 row["tokenizer_config"] or "{}")


@dataclass
class Entry:
    ordinal: int
    doc: Document
    vector: np.ndarray
    tokens: list[str]


def read_changes(database, state: State, since: int) -> tuple[dict[str, Entry | None], int]:
    """The documents changed after generation `since` up to the state's generation: id -> Entry,
    or None for a removed document. A document changed again meanwhile (a newer generation) is
    left for the next round, so the copy is consistent with the state's generation."""
    docs, vectors, tokens = SearchDocument.__table__, SearchEmbedding.__table__, SearchTokens.__table__
    query = (select(docs.c.id, docs.c.ordinal, docs.c.data, docs.c.deleted, vectors.c.dim, vectors.c.vec,
                    tokens.c.tokens)
             .select_from(docs
                          .outerjoin(vectors, (vectors.c.hash == docs.c.passage_hash)
                                     & (vectors.c.embedder == state.embedder))
                          .outerjoin(tokens, (tokens.c.hash == docs.c.keyword_hash)
                                     & (tokens.c.tokenizer == state.tokenizer)))
             .where(docs.c.generation > since, docs.c.generation <= state.generation))
    out: dict[str, Entry | None] = {}
    missing = 0
    with database.engine.connect() as connection:
        for row in connection.execute(query):
            if row.deleted:
                out[row.id] = None
                continue
            if row.vec is None or row.tokens is None:
                missing += 1          # published without its vector: never served half-indexed
                out[row.id] = None
                continue
            vector = np.frombuffer(bytes(row.vec), dtype=np.float32, count=row.dim)
            out[row.id] = Entry(row.ordinal, Document.from_dict(json.loads(row.data)), vector,
                                row.tokens.split(_SEP) if row.tokens else [])
    return out, missing


