"""Errors, all through one function: JSON with a machine-readable `code` and a Chinese `message`
under /api/ (or when JSON is asked for), a Chinese page elsewhere. Never a traceback."""
from __future__ import annotations

import errno

from apiflask.exceptions import HTTPError
from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

# status -> (machine-readable code, Chinese title, Chinese explanation)
STATUSES = {
    400: ("bad_request", "请求有误", "请求的内容不完整或格式不对，请检查后重试。"),
    401: ("unauthorized", "请先登录", "这个页面需要登录后才能使用。"),
    403: ("forbidden", "没有权限", "你的账号不能使用这个功能；如需开通请联系管理员。"),
    404: ("not_found", "页面不存在", "没有找到这个地址，可能链接已过期或输入有误。"),
    405: ("method_not_allowed", "不支持的请求方法", "这个地址不接受这种请求方式。"),
    406: ("not_acceptable", "无法提供所需格式", "服务器无法按请求的格式返回内容。"),
    408: ("timeout", "请求超时", "请求时间过长，请重试。"),
    409: ("conflict", "操作冲突", "当前状态不允许这个操作，请刷新页面后重试。"),
    410: ("gone", "内容已删除", "这个内容已经不存在了。"),
    413: ("too_large", "内容太大", "提交的内容超过了大小限制。"),
    414: ("uri_too_long", "地址太长", "请求的地址太长。"),
    415: ("unsupported_media_type", "格式不支持", "提交的内容格式不受支持（API 请使用 JSON）。"),
    422: ("validation_error", "输入有误", "提交的内容没有通过校验，请按提示修改。"),
    429: ("rate_limited", "请求太频繁", "请求太频繁，请稍后再试。"),
    500: ("server_error", "服务器出错了", "请稍后重试；问题持续请联系管理员。"),
    501: ("not_implemented", "功能未实现", "服务器暂不支持这个功能。"),
    502: ("bad_gateway", "网关错误", "上游服务暂时不可用，请稍后重试。"),
    503: ("unavailable", "服务暂不可用", "服务暂时不可用，请稍后重试。"),
    504: ("gateway_timeout", "网关超时", "上游服务响应超时，请稍后重试。"),
    507: ("disk_full", "磁盘已满", "磁盘已满，答案未保存。请联系管理员清理磁盘后重试。"),
}
DISK_FULL = STATUSES[507][2]


def is_disk_full(error) -> bool:
    orig = getattr(error, "orig", error)
    return ("database or disk is full" in str(orig) or getattr(orig, "sqlstate", None) == "53100"
            or getattr(orig, "pgcode", None) == "53100" or (isinstance(orig, OSError) and orig.errno == errno.ENOSPC))


def is_locked(error) -> bool:
    return "database is locked" in str(getattr(error, "orig", error))


def describe(status: int) -> tuple[str, str, str]:
    if status in STATUSES:
        return STATUSES[status]
    family = 500 if status >= 500 else 400
    code, title, text = STATUSES[family]
    return f"http_{status}", title, text


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, message: str | None = None, code: str | None = None, detail=None,
                   extra: dict | None = None, headers=None):
    """The one place an error becomes a response."""
    default_code, title, text = describe(status)
    message = message or text
    if _wants_json():
        body = {**(extra or {}), "code": code or default_code, "message": message}
        body.setdefault("error", body["code"])
        if detail:
            body["detail"] = detail
        response = jsonify(body)
    else:
        response = render_template("errors/error.html", code=status, title=title, message=message)
    return response, status, headers or {}


def domain_error(error: Exception) -> tuple[int, str | None, str | None]:
    """(status, Chinese message, machine-readable code or None for the status's own) of an error an
    engine raised: the one mapping from domain errors to HTTP, used by pages and API alike."""
    from .. import accounts
    from ..quiz.attempts import AttemptError
    from ..scoring.practice import PracticeError
    from ..scoring.scorer import TranscriptError
    from ..trust.errors import TrustError
    if isinstance(error, AttemptError):
        return error.status, error.reason, error.code
    if isinstance(error, PracticeError):
        return error.status, str(error), None
    if isinstance(error, TranscriptError):
        return 422, str(error), None
    if isinstance(error, TrustError):
        return error.status, str(error), None
    if isinstance(error, accounts.AccountError):
        status, code = account_status(error)
        return status, account_reason(error), code
    raise TypeError(f"not a domain error: {type(error).__name__}")


def account_reason(exc) -> str:
    """A Chinese reason for the UI; the accounts module speaks English (it is shared with the CLI)."""
    from .. import accounts
    if isinstance(exc, accounts.SelfLockout):
        if exc.action == "deactivate":
            return "不能停用自己的账号（请让另一位管理员操作）。"
        return "不能取消自己的管理员角色（请让另一位管理员操作）。"
    if isinstance(exc, accounts.UnknownUser):
        return "没有这个用户。"
    if isinstance(exc, accounts.DuplicateUser):
        return "用户名已存在。"
    return str(exc)


def account_status(exc) -> tuple[int, str]:
    from .. import accounts
    if isinstance(exc, accounts.UnknownUser):
        return 404, "not_found"
    if isinstance(exc, accounts.DuplicateUser):
        return 409, "exists"
    if isinstance(exc, accounts.SelfLockout):
        return 409, "self_lockout"
    if isinstance(exc, accounts.WrongPassword):
        return 403, "wrong_password"
    return 400, "invalid"


def _own_text(error: HTTPException) -> str | None:
    """A description someone wrote for this error (Chinese), not werkzeug's English default."""
    default = type(error).description
    return error.description if error.description and error.description != default else None


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(400, "表单已过期或来源无效，请刷新页面后重试。", code="csrf")

    @app.errorhandler(HTTPError)
    def api_error(error: HTTPError):   # apiflask.abort and input validation (422 with `detail`)
        own = error.message if error.message and error.message != describe_english(error.status_code) else None
        extra = dict(error.extra_data or {})
        return error_response(error.status_code, own, extra.pop("code", None), error.detail or None, extra,
                              error.headers)

    from .. import accounts
    from ..quiz.attempts import AttemptError
    from ..scoring.practice import PracticeError
    from ..scoring.scorer import TranscriptError
    from ..trust.errors import TrustError

    def engine_error(error):
        status, message, code = domain_error(error)
        return error_response(status, message, code)
    for kind in (AttemptError, PracticeError, TranscriptError, TrustError, accounts.AccountError):
        app.register_error_handler(kind, engine_error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        return error_response(error.code or 500, _own_text(error), headers=headers)

    @app.errorhandler(OperationalError)
    def storage_error(error):
        """The database could not write: a full disk is said so (nothing was saved); a lock held
        too long is 'busy, retry'. Anything else is still a 500."""
        if is_disk_full(error):
            app.logger.error("disk full: %s", error)
            return error_response(507)
        if is_locked(error):
            app.logger.warning("database busy: %s", error)
            return error_response(503, "服务器正忙，请稍后重试。", code="busy", headers={"Retry-After": "5"})
        return server_error(error)

    @app.errorhandler(Exception)
    def server_error(error):
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            app.logger.error("disk full: %s", error)
            return error_response(507)
        app.logger.exception("unhandled error")
        return error_response(500)


def describe_english(status: int) -> str:
    """The English reason phrase APIFlask uses as a default message (replaced by Chinese)."""
    from werkzeug.http import HTTP_STATUS_CODES
    return "Validation error" if status == 422 else HTTP_STATUS_CODES.get(status, "")
