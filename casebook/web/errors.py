"""Errors: JSON with a reason for /api/, a friendly page elsewhere. Never a traceback."""
from __future__ import annotations

import errno

from flask import jsonify, make_response, render_template, request
from sqlalchemy.exc import OperationalError
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {400: "请求有误", 401: "请先登录", 403: "没有权限", 404: "页面不存在", 405: "不支持的请求方法",
            413: "内容太大", 507: "磁盘已满", 429: "请求太频繁，请稍后再试", 500: "服务器出错了"}


DISK_FULL = "磁盘已满，答案未保存。请联系管理员清理磁盘后重试。"


def is_disk_full(error) -> bool:
    orig = getattr(error, "orig", error)
    return ("database or disk is full" in str(orig) or getattr(orig, "sqlstate", None) == "53100"
            or getattr(orig, "pgcode", None) == "53100" or (isinstance(orig, OSError) and orig.errno == errno.ENOSPC))


def is_locked(error) -> bool:
    return "database is locked" in str(getattr(error, "orig", error))


def _storage_reply(status: int, message: str, code: str):
    if _wants_json():
        response = jsonify(error=code, message=message)
    else:
        response = make_response(render_template("errors/error.html", code=status, title=message, message=message))
    return response, status


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if _wants_json():
            return jsonify(error="csrf", message=error.description), 400
        return render_template("errors/error.html", code=400, title="表单已过期", message="表单已过期或来源无效，请刷新页面后重试。"), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        if _wants_json():
            return jsonify(error=error.name, message=error.description), error.code
        return render_template("errors/error.html", code=error.code, title=MESSAGES.get(error.code, error.name),
                               message=error.description), error.code

    @app.errorhandler(OperationalError)
    def storage_error(error):
        """The database could not write: a full disk is said so (nothing was saved); a lock held
        too long is 'busy, retry'. Anything else is still a 500."""
        if is_disk_full(error):
            app.logger.error("disk full: %s", error)
            return _storage_reply(507, DISK_FULL, "disk_full")
        if is_locked(error):
            app.logger.warning("database busy: %s", error)
            response = _storage_reply(503, "服务器正忙，请稍后重试。", "busy")
            response[0].headers["Retry-After"] = "5"
            return response
        return server_error(error)

    @app.errorhandler(Exception)
    def server_error(error):
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            app.logger.error("disk full: %s", error)
            return _storage_reply(507, DISK_FULL, "disk_full")
        app.logger.exception("unhandled error")
        if _wants_json():
            return jsonify(error="Internal Server Error", message="unexpected server error"), 500
        return render_template("errors/error.html", code=500, title=MESSAGES[500], message="请稍后重试；问题持续请联系管理员。"), 500
