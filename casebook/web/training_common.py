"""Shared by the training pages and API: the loaded question bank, the current user, and the
functions both call (a page and its API give the same data)."""
from __future__ import annotations

from flask import Response, current_app

from ..quiz import trainer
from ..quiz.stats import MIN_RESPONSES, to_csv
from .access import check_role, signed_in
from .extensions import content, db

ITEM_COLUMNS = ["question_id", "chapter", "type", "attempts", "facility", "discrimination", "enough_responses",
                "negative_discrimination"]
CERT_COLUMNS = ["id", "username", "display_name", "attempt_id", "score", "issued_at"]


def project():
    """The app's content project (shared; see extensions.content)."""
    return content()


def me() -> tuple[int, str]:
    """The signed-in user's (id, role); 401 when signed out."""
    return signed_in()


def require(role: str) -> tuple[int, str]:
    return check_role(role, "没有权限")


def min_responses() -> int:
    """Responses a question or scenario criterion needs before a discrimination flag (the
    STATS_MIN_RESPONSES setting, CASEBOOK_STATS_MIN_RESPONSES)."""
    return int(current_app.config.get("STATS_MIN_RESPONSES") or MIN_RESPONSES)


def csv_response(text: str, name: str) -> Response:
    """A CSV download that spreadsheets open as UTF-8 (byte-order mark)."""
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


def question_stats_csv() -> Response:
    """Item statistics as CSV (the trainer page's download and GET /api/stats/questions.csv)."""
    return csv_response(to_csv(trainer.question_statistics(db(), project(), min_responses())["items"], ITEM_COLUMNS),
                        "question-stats.csv")


def certificates_csv() -> Response:
    """Certificates as CSV (the trainer page's download and GET /api/certificates.csv)."""
    return csv_response(to_csv(trainer.certificates(db()), CERT_COLUMNS), "certificates.csv")
