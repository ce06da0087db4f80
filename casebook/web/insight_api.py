"""The insight JSON API: the trainer dashboard's chart data, per-scenario statistics, and each
agent's training record as CSV and as xAPI statements (trainers: anyone's; agents: their own)."""
from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import Dict, Float, Integer, List, Nested, Raw, String
from flask import current_app

from ..insight import dashboard, xapi
from ..insight import scenarios as scenario_stats
from .access import role_required
from .extensions import db
from .insight import home_page, record_for, records_csv_response
from .scenarios_common import case_or_404, project
from .training_common import me, min_responses

bp = APIBlueprint("insight_api", __name__, url_prefix="/api", tag="Insight")


class ChartOut(Schema):
    id = String()
    title = String()
    columns = List(String())
    rows = List(List(Raw(allow_none=True)))


class DashboardOut(Schema):
    min_responses = Integer()
    charts = List(Nested(ChartOut))


class XapiOut(Schema):
    statements = List(Dict(), metadata={"description": "xAPI 1.0.3 statements (cmi5 verbs), one registration per attempt"})


class ScenarioStatsOut(Schema):
    case = String()
    attempts = Integer()
    min_responses = Integer()
    mean_score = Float(allow_none=True)
    steps = List(Dict())


@bp.get("/stats/dashboard")
@bp.output(DashboardOut)
@bp.doc(summary="The trainer dashboard's charts, each as a table (trainers)", responses=[401, 403])
@role_required("trainer", "没有权限")
def dashboard_data():
    tables = dashboard.dashboard(db(), project(), current_app.config["CASEBOOK_TZ"], min_responses())
    return {"min_responses": min_responses(),
            "charts": [{key: tables[cid][key] for key in ("id", "title", "columns", "rows")} for cid in dashboard.CHARTS]}


@bp.get("/stats/scenarios/<string(maxlength=32):case_id>")
@bp.output(ScenarioStatsOut)
@bp.doc(summary="Statistics of one scenario per step and criterion: facility, discrimination, branches, "
                "points lost, flags (trainers)", responses=[401, 403, 404])
@role_required("trainer", "没有权限")
def scenario_statistics(case_id):
    case = case_or_404(case_id)
    with db().session() as session:
        stats = scenario_stats.case_statistics(session, case, min_responses())
    return {"case": case.id, **stats}


@bp.get("/records/<int:user_id>/xapi")
@bp.output(XapiOut)
@bp.doc(summary="An agent's training record as xAPI statements with cmi5 verbs (trainers: anyone; agents: "
                "themselves)", responses=[401, 403, 404])
def record_xapi(user_id):
    me()
    rec = record_for(user_id)
    return {"statements": xapi.statements(rec, home_page())}


@bp.get("/records/<int:user_id>.csv")
@bp.doc(summary="An agent's training record as CSV (trainers: anyone; agents: themselves)", responses=[401, 403, 404])
def record_csv(user_id):
    me()
    return records_csv_response(user_id)
