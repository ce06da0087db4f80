"""Trainer pages for scenario statistics, and the training-record exports (CSV, xAPI).

Thin: the figures come from casebook.insight (the same functions the API calls)."""
from __future__ import annotations

import json

from apiflask import APIBlueprint
from flask import Response, abort, render_template, request
from flask_login import current_user, login_required

from ..insight import records, xapi
from ..insight import scenarios as scenario_stats
from ..quiz.stats import to_csv
from .access import role_required
from . import charts
from .extensions import db
from .scenarios_common import case_or_404, project, scenario_cases
from .training_common import csv_response as _csv
from .training_common import min_responses

bp = APIBlueprint("insight", __name__, enable_openapi=False)


def record_for(user_id: int) -> dict:
    """The training record of `user_id` as the current user may see it: trainers everyone's,
    agents only their own (403 otherwise, 404 for no such account)."""
    if user_id != current_user.id and not current_user.can("trainer"):
        abort(403, description="只能导出自己的学习记录")
    try:
        return records.record(db(), project(), user_id)
    except records.RecordError:
        abort(404, description="没有这个账号")


def home_page() -> str:
    """The site's address: the actor's account.homePage and the base of every activity id."""
    return request.url_root.rstrip("/")


def records_csv_response(user_id: int) -> Response:
    rec = record_for(user_id)
    return _csv(to_csv(records.csv_rows(rec), records.CSV_COLUMNS), f"training-record-{rec['user']['username']}.csv")


def records_xapi_response(user_id: int) -> Response:
    rec = record_for(user_id)
    body = json.dumps(xapi.statements(rec, home_page()), ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename=xapi-{rec['user']['username']}.json"})


@bp.get("/training/records/<int:user_id>.csv")
@login_required
def record_csv(user_id):
    return records_csv_response(user_id)


@bp.get("/training/records/<int:user_id>/xapi.json")
@login_required
def record_xapi(user_id):
    return records_xapi_response(user_id)


@bp.get("/scenarios/statistics")
@role_required("trainer", "只有培训师可以查看")
def scenario_statistics():
    with db().session() as session:
        rows = scenario_stats.overview(session, scenario_cases())
    return render_template("scenarios/statistics.html", rows=rows)


@bp.get("/scenarios/statistics/<case_id>")
@role_required("trainer", "只有培训师可以查看")
def scenario_case_statistics(case_id):
    case = case_or_404(case_id)
    with db().session() as session:
        stats = scenario_stats.case_statistics(session, case, min_responses())
    flat = scenario_stats.criteria_rows(stats)
    table = {"id": "scenario-criteria", "title": "各评分项通过率",
             "columns": ["步骤", "评分项类型", "评分项", "作答次数", "通过率 %"],
             "rows": [[f"第 {c['number']} 步", c["kind_label"], c["label_zh"], c["responses"], c["facility"]] for c in flat]}
    labels = [f"{c['number']}·{c['kind_label']}·{c['label_zh']}"[:40] for c in flat]
    options = charts.pass_rates(labels, [c["facility"] for c in flat])
    return render_template("scenarios/statistics_case.html", case=case, stats=stats, table=table, options=options,
                           height=max(220, 70 + 30 * len(flat)))


@bp.get("/scenarios/statistics/<case_id>.csv")
@role_required("trainer", "只有培训师可以查看")
def scenario_case_statistics_csv(case_id):
    case = case_or_404(case_id)
    with db().session() as session:
        stats = scenario_stats.case_statistics(session, case, min_responses())
    return _csv(to_csv(scenario_stats.criteria_rows(stats), scenario_stats.STEP_COLUMNS), f"scenario-{case.id}.csv")


