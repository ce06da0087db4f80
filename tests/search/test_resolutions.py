"""Importing past resolutions: CSV and JSON Lines, bad rows with row numbers, upsert by id,
redaction before storage."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from casebook.search.resolutions import ImportFileError, import_file, load_all, parse_file
from casebook.store.search_models import Resolution

HEADER = "id,date,channel,category,problem,resolution,agent,rules\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_import_loads_and_redacts(database, resolutions_csv):
    report = import_file(database, resolutions_csv, {"AAA-01", "AAA-02"})
    assert (report.read, report.inserted, report.updated, len(report.bad)) == (3, 3, 0, 0)
    assert report.redacted == {"phone": 1, "order": 1}
    rows = {r.id: r for r in load_all(database)}
    assert set(rows) == {"RES-1001", "RES-1002", "RES-1003"}
    assert "13800001234" not in rows["RES-1001"].problem and "[手机号****1234]" in rows["RES-1001"].problem
    assert "2026100312345678" not in rows["RES-1002"].problem
    assert rows["RES-1001"].rules == ["AAA-01"] and rows["RES-1002"].rules == []
    assert str(rows["RES-1003"].date) == "2026-10-05"


def test_bad_rows_are_reported_with_row_and_reason_and_good_rows_load(tmp_path, database):
    path = write(tmp_path, "r.csv", HEADER
                 + "1,2026-10-01,群,广告,有人发广告,删除并警告,小安,\n"        # row 2 ok
                 + "2,2026-13-01,群,广告,日期不对,处理,小安,\n"               # row 3 bad date
                 + ",2026-10-01,群,广告,没有编号,处理,小安,\n"                # row 4 no id
                 + "3,2026-10-01,群,广告,,处理,小安,\n"                       # row 5 empty problem
                 + "4,2026-10-01,群,广告,规则不存在,处理,小安,ZZZ-09\n"        # row 6 unknown rule
                 + "5,2026-10-01,群,广告,字段太少\n"                          # row 7 field count
                 + "1,2026-10-02,群,广告,重复编号,处理,小安,\n"               # row 8 duplicate
                 + '6,2026-10-01,群,广告,"跨行的\n问题",处理,小安,AAA-01\n'    # row 9 ok (two lines)
                 + "7,2026/10/04 10:00,群,广告,斜杠日期,处理,小安,\n")        # row 11 ok
    report = import_file(database, path, {"AAA-01"})
    bad = {b.row: b.reason for b in report.bad}
    assert set(bad) == {3, 4, 5, 6, 7, 8}
    assert "does not exist" in bad[3] and "id is empty" in bad[4] and "problem is empty" in bad[5]
    assert "ZZZ-09" in bad[6] and "expected 8 fields" in bad[7] and "duplicate id RES-1" in bad[8] and "row 2" in bad[8]
    assert report.inserted == 3 and report.read == 9
    assert {r.id for r in load_all(database)} == {"RES-1", "RES-6", "RES-7"}
    assert "3 new" in report.summary() and "6 bad" in report.summary()


def test_reimport_updates_by_id(tmp_path, database):
    first = write(tmp_path, "a.csv", HEADER + "9,2026-10-01,群,物流,快递慢,催促快递,小安,\n"
                  + "10,2026-10-01,群,物流,快递丢了,补发,小安,\n")
    import_file(database, first)
    second = write(tmp_path, "b.csv", HEADER + "9,2026-10-01,群,物流,快递慢,联系快递并建工单跟进,小安,\n"
                   + "10,2026-10-01,群,物流,快递丢了,补发,小安,\n" + "11,2026-10-02,群,退款,退款慢,加急,小安,\n")
    report = import_file(database, second)
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 1)
    with database.session() as session:
        assert session.get(Resolution, "RES-9").resolution == "联系快递并建工单跟进"
        assert len(session.scalars(select(Resolution)).all()) == 3


def test_jsonl_import_with_bad_lines(tmp_path, database):
    lines = [
        json.dumps({"id": "RES-20", "date": "2026-10-01", "channel": "群", "category": "冒充客服",
                    "problem": "有人冒充客服要验证码，微信号：fake_kefu01", "resolution": "提醒勿信并移出", "agent": "小安",
                    "rules": ["AAA-01"]}, ensure_ascii=False),
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"id": "21", "date": "2026-10-01", "problem": "有问题", "resolution": "已处理", "rules": "bad id"}),
        "",
        json.dumps({"id": 22, "date": "2026-10-01", "problem": "数字编号", "resolution": "已处理"}),
    ]
    path = write(tmp_path, "r.jsonl", "\n".join(lines) + "\n")
    report = import_file(database, path, {"AAA-01"})
    bad = {b.row: b.reason for b in report.bad}
    assert set(bad) == {2, 3, 4}
    assert "not valid JSON" in bad[2] and "JSON object" in bad[3] and "malformed rule ID" in bad[4]
    rows = {r.id: r for r in load_all(database)}
    assert set(rows) == {"RES-20", "RES-22"}
    assert "fake_kefu01" not in rows["RES-20"].problem and report.redacted["wechat"] == 1


def test_bom_and_unknown_columns(tmp_path, database):
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeff" + "id,date,problem,resolution,extra\n" + "1,2026-10-01,\ufeff问题,处理,x\n").encode("utf-8"))
    items, report = parse_file(path)
    assert [i.id for i in items] == ["RES-1"] and items[0].problem == "问题"
    assert report.warnings and "extra" in report.warnings[0]


@pytest.mark.parametrize("name, content, message", [
    ("x.csv", "id,date,problem\n1,2026-10-01,问题\n", "resolution"),
    ("x.csv", "", "empty"),
    ("x.xlsx", "whatever", "unknown format"),
])
def test_unreadable_files_raise(tmp_path, name, content, message):
    with pytest.raises(ImportFileError, match=message):
        parse_file(write(tmp_path, name, content))


def test_missing_file_raises(tmp_path):
    with pytest.raises(ImportFileError, match="cannot read"):
        parse_file(tmp_path / "nope.csv")


def test_personal_data_in_the_id_is_never_stored_and_reports_never_echo_raw_values(tmp_path, database):
    path = write(tmp_path, "pii.csv", HEADER
                 + "13800001234,2026-10-01,群,广告,有人发广告,已处理,小安,\n"
                 + "13800001234,2026-10-02,群,广告,同一个号码再次导入,已处理,小安,\n"
                 + "ok-1,13912345678,群,广告,日期写成了手机号,已处理,小安,\n"
                 + "a@b.cn!,2026-10-01,群,广告,编号不合法,已处理,小安,\n")
    report = import_file(database, path, {"AAA-01"})
    rows = load_all(database)
    assert len(rows) == 1 and rows[0].id.startswith("RES-P") and "1380000" not in rows[0].id
    assert report.inserted == 1 and any("duplicate id" in b.reason for b in report.bad)   # same value, same id
    messages = " ".join(b.format() for b in report.bad) + report.summary() if hasattr(report, "summary") else \
        " ".join(b.format() for b in report.bad)
    for raw in ("13912345678", "a@b.cn"):
        assert raw not in messages, messages
    reimport = import_file(database, write(tmp_path, "again.csv", HEADER + "13800001234,2026-10-01,群,广告,更新了内容,已处理,小安,\n"),
                           {"AAA-01"})
    assert reimport.updated == 1 and len(load_all(database)) == 1
