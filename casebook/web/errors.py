"""Errors: JSON with a reason for /api/, a friendly page elsewhere. Never a traceback."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {400: "请求有误", 401: "请先登录", 403: "没有权限", 404: "页面不存在", 405: "不支持的请求方法",
            413: "内容太大", 429: "请求太频繁，请稍后再试", 500: "服务器出错了"}


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

    @app.errorhandler(Exception)
    def server_error(error):
        app.logger.exception("unhandled error")
        if _wants_json():
            return jsonify(error="Internal Server Error", message="unexpected server error"), 500
        return render_template("errors/error.html", code=500, title=MESSAGES[500], message="请稍后重试；问题持续请联系管理员。"), 500
