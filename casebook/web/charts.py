"""ECharts options for the dashboard's tables (insight.dashboard), built on the server.

The page puts each chart's options in a `data-chart` attribute; static/charts.js only hands them
to the vendored ECharts (static/vendor/echarts/), SVG renderer, no inline script. Options are plain
JSON (no formatter functions), so what a chart shows is decided and tested here."""
from __future__ import annotations

COLORS = ["#2f6fde", "#e07b00", "#2e9e5b", "#9b59b6", "#c0392b", "#7f8c8d"]


def _base(legend: bool = True) -> dict:
    options = {"animation": False, "color": COLORS, "tooltip": {"trigger": "axis", "confine": True},
               "grid": {"left": 8, "right": 40, "top": 64 if legend else 16, "bottom": 8, "containLabel": True}}
    if legend:
        options["legend"] = {"top": 0, "type": "scroll"}
    return options


def _column(table: dict, name: str) -> list:
    i = table["columns"].index(name)
    return [row[i] for row in table["rows"]]


def progress(table: dict) -> dict:
    options = _base()
    options.update({
        "xAxis": {"type": "category", "data": _column(table, "日期")},
        "yAxis": [{"type": "value", "name": "平均分", "min": 0, "max": 100},
                  {"type": "value", "name": "人数", "minInterval": 1}],
        "series": [
            {"name": "测验平均分", "type": "line", "connectNulls": True, "data": _column(table, "测验平均分")},
            {"name": "情景演练平均分", "type": "line", "connectNulls": True, "data": _column(table, "情景演练平均分")},
            {"name": "累计参与人数", "type": "bar", "yAxisIndex": 1, "data": _column(table, "累计参与人数")},
            {"name": "累计认证人数", "type": "bar", "yAxisIndex": 1, "data": _column(table, "累计认证人数")},
        ]})
    return options


def mastery(table: dict) -> dict:
    chapters = table["columns"][1:]
    agents = [row[0] for row in table["rows"]]
    data = [[x, y, value] for y, row in enumerate(table["rows"]) for x, value in enumerate(row[1:]) if value is not None]
    options = _base(legend=False)
    options["tooltip"] = {"position": "top", "confine": True}
    options["grid"]["bottom"] = 56
    options.update({
        "xAxis": {"type": "category", "data": chapters, "splitArea": {"show": True}, "axisLabel": {"interval": 0, "rotate": 60}},
        "yAxis": {"type": "category", "data": agents, "inverse": True, "splitArea": {"show": True}},
        "visualMap": {"min": 0, "max": 100, "calculable": False, "orient": "horizontal", "left": "center", "bottom": 0,
                      "itemHeight": 120, "text": ["100", "0"], "inRange": {"color": ["#fde2e1", "#fff3c4", "#cfeedd", "#2e9e5b"]}},
        "series": [{"name": "平均得分 %", "type": "heatmap", "data": data, "label": {"show": len(chapters) <= 12}}],
    })
    return options


def scores(table: dict) -> dict:
    options = _base()
    options.update({
        "xAxis": {"type": "category", "data": _column(table, "分数段"), "name": "分"},
        "yAxis": {"type": "value", "name": "次数", "minInterval": 1},
        "series": [{"name": name, "type": "bar", "data": _column(table, name)} for name in ("练习", "认证考试", "情景演练")],
    })
    return options


def items(table: dict) -> dict:
    options = _base()
    options["tooltip"] = {"trigger": "item", "confine": True}
    normal, flagged = [], []
    for qid, _chapter, _type, _n, facility, discrimination, flag in table["rows"]:
        if facility is None or discrimination is None:
            continue
        (flagged if flag == "是" else normal).append({"name": qid, "value": [facility, discrimination]})
    options.update({
        "xAxis": {"type": "value", "name": "难度系数 %", "min": 0, "max": 100},
        "yAxis": {"type": "value", "name": "区分度 %", "min": -100, "max": 100},
        "series": [{"name": "题目", "type": "scatter", "data": normal, "symbolSize": 9},
                   {"name": "负区分度（需检查）", "type": "scatter", "data": flagged, "symbolSize": 11, "symbol": "diamond",
                    "itemStyle": {"color": "#c0392b"}}],
    })
    return options


def pass_rates(labels: list[str], rates: list, name: str = "通过率 %") -> dict:
    options = _base(legend=False)
    options["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}, "confine": True}
    options.update({
        "xAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
        "yAxis": {"type": "category", "data": labels, "inverse": True,
                  "axisLabel": {"width": 160, "overflow": "truncate"}},
        "series": [{"name": name, "type": "bar", "data": rates, "label": {"show": True, "position": "right"}}],
    })
    return options


def criteria(table: dict) -> dict:
    return pass_rates(_column(table, "评分项类型"), _column(table, "通过率 %"))


def agreement(table: dict) -> dict:
    options = _base()
    options.update({
        "xAxis": {"type": "category", "data": _column(table, "日期")},
        "yAxis": [{"type": "value", "name": "一致率 %", "min": 0, "max": 100},
                  {"type": "value", "name": "kappa", "min": -1, "max": 1}],
        "series": [{"name": "一致率 %", "type": "line", "connectNulls": True, "data": _column(table, "一致率 %")},
                   {"name": "Cohen's kappa", "type": "line", "yAxisIndex": 1, "connectNulls": True,
                    "data": _column(table, "Cohen's kappa")}],
    })
    return options


BUILDERS = {"progress": progress, "mastery": mastery, "scores": scores, "items": items, "criteria": criteria,
            "agreement": agreement}


def height(chart_id: str, table: dict) -> int:
    """Pixel height: the heat map grows with the number of agents, a bar list with its bars."""
    if chart_id == "mastery":
        return max(260, 120 + 30 * len(table["rows"]))
    if chart_id == "criteria":
        return max(220, 70 + 34 * len(table["rows"]))
    return 320


def options_for(chart_id: str, table: dict) -> dict:
    return BUILDERS[chart_id](table)
