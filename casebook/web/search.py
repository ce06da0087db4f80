"""Search in the web app: the /search page, a resolution page, GET /api/search, POST /api/similar.

Anyone may search rules, cases and questions (the rulebook is public); past resolutions are
internal, so they are searched and shown only for signed-in users.
"""
from __future__ import annotations

import threading
from pathlib import Path

from apiflask import APIBlueprint, Schema, abort
from apiflask.fields import Boolean, Float, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range
from flask import abort as page_abort
from flask import current_app, render_template, request
from flask_login import current_user, login_required

from ..search import gaps
from ..search.documents import KINDS
from ..search.engine import MAX_QUERY_CHARS, Filters, QueryError, Searcher
from ..search.hybrid import CJK_RE
from ..search.index import IndexMissing
from ..search.normalize import english_query
from .extensions import csrf, db, limiter
from .home import Section

bp = APIBlueprint("search", __name__, tag="Search")
SECTION = Section("搜索", "search.page", "用日常说法搜索规则、案例、题目和过往处理记录，中英文均可。")

PUBLIC_KINDS = ["rule", "case"]
SIMILAR_MAX_CHARS = 5000
KIND_CHOICES = list(KINDS)


def _open_exam() -> bool:
    from ..quiz.attempts import open_exam
    return current_user.is_authenticated and open_exam(db(), current_user.id) is not None


def _allowed_kinds() -> list[str]:
    """What this user may search: questions (with their explanations) are for signed-in users
    without an open exam; past resolutions for signed-in users."""
    if not current_user.is_authenticated:
        return PUBLIC_KINDS
    if _open_exam():
        return [k for k in KINDS if k != "question"]
    return list(KINDS)


def _refusal(kind: str) -> tuple[int, str] | None:
    if kind not in _allowed_kinds():
        if not current_user.is_authenticated:
            return 401, ("登录后才能搜索过往处理记录。" if kind == "resolution" else "登录后才能搜索题目。")
        return 403, "考试进行中，不能搜索题库。"
    return None


def _rate_key() -> str:
    from flask_limiter.util import get_remote_address
    return f"user:{current_user.id}" if current_user.is_authenticated else f"ip:{get_remote_address()}"


def _anon_limit():
    return current_app.config["SEARCH_RATE_LIMIT_ANON"]


def _signed_in() -> bool:
    return current_user.is_authenticated


def _log_search(result, source: str) -> str | None:
    """Log a signed-in user's search (weak ones as gaps; all with a click id for the "never
    opened" gaps) and return its search_id; anonymous searches are not logged (no spam)."""
    if not current_user.is_authenticated:
        return None
    return gaps.record_search(db(), result, source)


def _check_anon_length(query: str) -> str | None:
    limit = current_app.config["ANON_MAX_QUERY_CHARS"]
    if not current_user.is_authenticated and len(query) > limit:
        return f"未登录时查询最多 {limit} 个字符；登录后可以输入更长的内容。"
    return None


def _root() -> Path:
    return Path(current_app.config["CASEBOOK_ROOT"])


_build_lock = threading.Lock()
_live_lock = threading.Lock()


def live_index():
    """This app's in-memory copy of the search index in the database (search/live.py), created
    on first use so that every worker process (gunicorn forks) gets its own watcher."""
    live = current_app.extensions.get("casebook.search_live")
    if live is None:
        with _live_lock:
            live = current_app.extensions.get("casebook.search_live")
            if live is None:
                from ..search.live import LiveIndex
                live = LiveIndex(db(), poll_seconds=current_app.config.get("SEARCH_POLL_SECONDS", 1.0))
                current_app.extensions["casebook.search_live"] = live
    return live


def _from_database() -> Searcher | None:
    index = live_index().current()
    if index is None:
        return None
    return Searcher.for_index(index, _root())


def _open_searcher() -> Searcher:
    """The searcher of the app: the index in its database (every server sees every change). A
    database without an index is given one on first use (`casebook build` normally publishes
    it), unless SEARCH_AUTO_INDEX is False."""
    searcher = _from_database()
    if searcher is not None:
        return searcher
    if not current_app.config.get("SEARCH_AUTO_INDEX", True):
        raise IndexMissing("no search index in the database: run `casebook search index`")
    with _build_lock:
        searcher = _from_database()
        if searcher is None:
            from ..search.index import build_index
            current_app.logger.info("no search index: building it")
            build_index(_root(), db(), embedder_spec=current_app.config["SEARCH_EMBEDDER"],
                        cache_file=Path(current_app.config["SEARCH_CACHE_FILE"]), show_progress=False)
            live_index().refresh()
            searcher = _from_database()
        if searcher is None:
            raise IndexMissing("no search index in the database: run `casebook search index`")
        return searcher


def _searcher() -> Searcher:
    try:
        return _open_searcher()
    except IndexMissing:
        abort(503, message="搜索索引尚未建立：请运行 casebook search index（或 casebook build）。")
    except QueryError as exc:
        abort(503, message=str(exc))


def _kinds(requested: list[str]) -> list[str]:
    """The kinds this user may search (see _allowed_kinds); asking for another one is refused."""
    for kind in requested:
        refusal = _refusal(kind)
        if refusal:
            abort(refusal[0], message=refusal[1])
    allowed = _allowed_kinds()
    return requested or (allowed if len(allowed) < len(KINDS) else [])


# ---------------------------------------------------------------- schemas

class SearchIn(Schema):
    q = String(required=True, validate=Length(1, MAX_QUERY_CHARS), metadata={"description": "查询文本"})
    kind = String(load_default=None, validate=OneOf(KIND_CHOICES), metadata={"description": "rule | case | question | resolution"})
    tag = String(load_default=None, validate=Length(1, 40))
    chapter = String(load_default=None, validate=Length(1, 8))
    date_from = String(load_default=None, validate=Length(10, 10), metadata={"description": "YYYY-MM-DD"})
    date_to = String(load_default=None, validate=Length(10, 10), metadata={"description": "YYYY-MM-DD"})
    k = Integer(load_default=10, validate=Range(1, 50))
    mode = String(load_default="hybrid", validate=OneOf(["hybrid", "keyword", "dense"]))


class HitOut(Schema):
    id = String()
    kind = String()
    title = String()
    url = String()
    score = Float()
    snippet = String(metadata={"description": "HTML: escaped text, matches in <mark>"})
    text = String()
    chapter = String(allow_none=True)
    tags = List(String())
    date = String(allow_none=True)
    rules = List(String())
    title_en = String(metadata={"description": "English title (rules), for English queries"})


class SearchOut(Schema):
    query = String()
    hits = List(Nested(HitOut))
    weak = Boolean(metadata={"description": "true when nothing matched well (logged as a content gap)"})
    took_ms = Float()
    search_id = String(allow_none=True, metadata={"description": "send it to POST /api/search/click when a hit is opened"})


class ClickIn(Schema):
    search_id = String(required=True, validate=Length(8, 32))
    id = String(required=True, validate=Length(1, 64), metadata={"description": "the ID of the opened hit"})


class ClickOut(Schema):
    recorded = Boolean()


class SimilarIn(Schema):
    message = String(required=True, validate=Length(1, 5000), metadata={"description": "客户原话"})
    k = Integer(load_default=5, validate=Range(1, 20))


class RuleHitOut(HitOut):
    via = List(String(), metadata={"description": "'search' and/or the IDs of the similar items citing the rule"})


class SimilarOut(Schema):
    resolutions = List(Nested(HitOut))
    cases = List(Nested(HitOut))
    rules = List(Nested(RuleHitOut))
    top_similarity = Float(allow_none=True)
    weak = Boolean(metadata={"description": "true when nothing similar was found (the lists are then empty)"})
    message = String(allow_none=True, metadata={"description": "没有找到相似的处理记录 when weak"})


# ---------------------------------------------------------------- API

NOTHING_SIMILAR = "没有找到相似的处理记录"


def _run(searcher: Searcher, query: str, k: int, filters: Filters, mode: str = "hybrid", source: str = "api"):
    try:
        result = searcher.search(query, k=k, mode=mode, filters=filters)
    except QueryError as exc:
        abort(400, message=str(exc))
    return result, _log_search(result, source)


@bp.get("/api/search")
@limiter.shared_limit(_anon_limit, scope="search-anonymous", key_func=_rate_key, exempt_when=_signed_in)
@limiter.shared_limit(lambda: current_app.config["SEARCH_RATE_LIMIT"], scope="search", key_func=_rate_key)
@bp.input(SearchIn, location="query", arg_name="params")
@bp.output(SearchOut)
@bp.doc(summary="搜索规则、案例、题目和处理记录", responses={400: "bad input", 401: "resolutions need sign-in", 503: "no index"})
def api_search(params):
    too_long = _check_anon_length(params["q"])
    if too_long:
        abort(400, message=too_long)
    kinds = _kinds([params["kind"]] if params["kind"] else [])
    filters = Filters(kinds, [params["tag"]] if params["tag"] else [],
                      [params["chapter"].upper()] if params["chapter"] else [], params["date_from"], params["date_to"])
    result, search_id = _run(_searcher(), params["q"], params["k"], filters, params["mode"])
    return {"query": result.query, "hits": [h.as_dict() for h in result.hits], "weak": result.weak,
            "took_ms": round(result.took_ms, 2), "search_id": search_id}


@bp.post("/api/search/click")
@csrf.exempt
@bp.input(ClickIn, location="json", arg_name="body")
@bp.output(ClickOut)
@bp.doc(summary="记录搜索结果被点开（用于发现没人点开的搜索）", responses={400: "bad input", 404: "unknown search"})
def api_click(body):
    """The search page's search.js calls this when a result is opened; API clients may too."""
    if not gaps.record_click(db(), body["search_id"], body["id"]):
        abort(404, message="没有这次搜索的记录。")
    return {"recorded": True}


def similar_answer(message: str, k: int = 5) -> dict:
    """Searcher.similar plus the gap log and the honest "nothing similar" message; raises QueryError."""
    out = _searcher().similar(message, k=k)
    out["message"] = NOTHING_SIMILAR if out["weak"] else None
    if out["weak"]:
        try:
            gaps.record(db(), message, out["top_similarity"], 0, "similar")
        except Exception:  # noqa: BLE001 - logging never fails the request
            pass
    return out


@bp.post("/api/similar")
@limiter.limit(lambda: current_app.config["SIMILAR_RATE_LIMIT"], key_func=_rate_key)
@csrf.exempt
@bp.input(SimilarIn, location="json", arg_name="body")
@bp.output(SimilarOut)
@bp.doc(summary="粘贴客户消息，找相似的过往处理记录、案例和适用规则", responses={401: "sign-in required", 503: "no index"})
def api_similar(body):
    if not current_user.is_authenticated:
        abort(401, message="请先登录：过往处理记录只对登录用户开放。")
    try:
        return similar_answer(body["message"], k=body["k"])
    except QueryError as exc:
        abort(400, message=str(exc))


# ---------------------------------------------------------------- pages

@bp.get("/search")
@limiter.shared_limit(_anon_limit, scope="search-anonymous", key_func=_rate_key, exempt_when=_signed_in)
@limiter.shared_limit(lambda: current_app.config["SEARCH_RATE_LIMIT"], scope="search", key_func=_rate_key)
@bp.doc(hide=True)
def page():
    args = request.args
    query = (args.get("q") or "").strip()
    kind = args.get("kind") or ""
    tag = args.get("tag") or ""
    chapter = (args.get("chapter") or "").upper()
    context = {"q": query, "kind": kind, "tag": tag, "chapter": chapter, "kinds": KINDS, "hits": [],
               "result": None, "error": None, "tags": [], "chapters": [], "signed_in": current_user.is_authenticated}
    try:
        searcher = _open_searcher()
    except (IndexMissing, QueryError):
        context["error"] = "搜索索引尚未建立，请管理员运行 casebook search index。"
        return render_template("search/index.html", **context), 503
    context["tags"] = sorted(searcher.index.by_tag)
    context["chapters"] = sorted({c for c in searcher.index.chapters if c})
    if not query:
        return render_template("search/index.html", **context)
    if kind and kind not in KINDS:
        context["error"] = "未知的类型。"
        return render_template("search/index.html", **context), 400
    refusal = _refusal(kind) if kind else None
    if refusal:
        context["error"] = refusal[1]
        return render_template("search/index.html", **context), refusal[0]
    too_long = _check_anon_length(query)
    if too_long:
        context["error"] = too_long
        return render_template("search/index.html", **context), 400
    allowed = _allowed_kinds()
    kinds = [kind] if kind else (allowed if len(allowed) < len(KINDS) else [])
    filters = Filters(kinds, [tag] if tag else [], [chapter] if chapter else [])
    try:
        result = searcher.search(query, k=20, filters=filters)
    except QueryError as exc:
        context["error"] = str(exc)
        return render_template("search/index.html", **context), 400
    search_id = _log_search(result, "web")
    context.update(result=result, hits=result.hits, search_id=search_id,
                   english=english_query(query))
    return render_template("search/index.html", **context)


@bp.route("/similar", methods=["GET", "POST"])
@bp.doc(hide=True)
@login_required
def similar_page():
    """Paste a customer message: similar past resolutions and cases, and the rules that apply."""
    message = (request.form.get("message") or "").strip() if request.method == "POST" else ""
    context = {"message": message, "out": None, "error": None, "max_chars": SIMILAR_MAX_CHARS}
    if request.method == "GET":
        return render_template("search/similar.html", **context)
    if not message:
        context["error"] = "请先粘贴客户的消息。"
        return render_template("search/similar.html", **context), 400
    if len(message) > SIMILAR_MAX_CHARS:
        context["error"] = f"消息太长了（{len(message)} 字），请只粘贴最相关的部分（最多 {SIMILAR_MAX_CHARS} 字）。"
        return render_template("search/similar.html", **context), 400
    try:
        searcher = _open_searcher()
    except (IndexMissing, QueryError):
        context["error"] = "搜索索引尚未建立，请管理员运行 casebook search index。"
        return render_template("search/similar.html", **context), 503
    try:
        out = searcher.similar(message, k=5)
    except QueryError as exc:
        context["error"] = f"无法处理这条消息：{exc}"
        return render_template("search/similar.html", **context), 400
    if out["weak"]:
        try:
            gaps.record(db(), message, out["top_similarity"], 0, "similar")
        except Exception:  # noqa: BLE001
            pass
    context["out"] = out
    context["nothing"] = NOTHING_SIMILAR
    return render_template("search/similar.html", **context)


@bp.get("/search/resolutions/<res_id>")
@bp.doc(hide=True)
@login_required
def resolution(res_id):
    from ..store.search_models import Resolution
    with db().session() as session:
        row = session.get(Resolution, res_id)
        if row is None:
            page_abort(404, description="没有这条处理记录。")
        return render_template("search/resolution.html", res=row, rules=row.rules)
