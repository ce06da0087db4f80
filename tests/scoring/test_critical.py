

def test_a_sentence_near_a_critical_example_is_sent_for_review_with_its_evidence():
    """Not flagged (the meaning threshold is out of reach here), but within the review margin: the score
    stands and the report names the sentence, the closest labelled example and the figures. (The learned
    model, off here, flags this sentence: see the last line.)"""
    from dataclasses import replace

    from casebook.content import load_project
    from casebook.scoring import Scorer
    from casebook.scoring.scorer import SETTINGS
    from tests.conftest import REPO
    project = load_project(REPO)
    case = project.cases["CASE-011"].obj
    golden = case.scenario.golden[0]
    steps = [{"step": s.step, "actions": list(s.actions), "reply": s.reply, "minutes": s.minutes} for s in golden.steps]
    steps[-1]["reply"] += "您的积分我这边先帮您加回去。"   # points promised by the agent: missed by the patterns
    scorer = Scorer(project, replace(SETTINGS, critical_sim=2.0, review_margin=-1.0), critical_model=None)
    report = scorer.score(case, {"steps": steps})
    assert not report.critical and report.review
    [r] = report.review
    assert r.evidence == "您的积分我这边先帮您加回去。" and r.step == steps[-1]["step"] and r.example and r.reason
    assert report.as_dict()["review"][0]["evidence"] == r.evidence
    off = Scorer(project, replace(SETTINGS, critical_sim=2.0, review_margin=1.01), critical_model=None).score(case, {"steps": steps})
    assert not off.review and off.score == report.score          # the review never changes the score
    flagged = Scorer(project, replace(SETTINGS, critical_sim=0.0, critical_margin=-1.0, review_margin=-1.0),
                     critical_model=None)
    assert flagged.score(case, {"steps": steps}).critical and not flagged.score(case, {"steps": steps}).review
    learned = Scorer(project, replace(SETTINGS, critical_sim=2.0)).score(case, {"steps": steps})
    assert learned.critical and learned.critical[0].how.startswith("习得判断")


def test_review_uses_the_detectors_own_exclusions():
    """A warning and an authorised compensation are never critical by meaning, so they are never sent for
    review either; a commitment on the topic may be."""
    from casebook.scoring.critical import MeaningDetector
    assert MeaningDetector._ruled_out("fraud", "千万别扫陌生人发的码，也别转账。", "千万别扫陌生人发的码，也别转账。")
    assert MeaningDetector._ruled_out("compensation", "运费我们承担。", "售后组已审核通过，以售后组确认为准，运费我们承担。")
    assert MeaningDetector._ruled_out("internal", "谢谢大家的耐心。", "谢谢大家的耐心。")        # off the topic
    assert not MeaningDetector._ruled_out("compensation", "这笔退款我先给您垫上。", "这笔退款我先给您垫上。")


def test_an_employment_matter_without_a_named_colleague_is_sent_for_review_by_topic():
    """Who is meant is not always named (您先生, a colleague new to the cast): a sentence that names an
    employment matter is too little for a verdict, enough to ask a trainer; said to be handled internally,
    it is not sent; the review never changes the score. (The learned model, off here, flags this sentence.)"""
    from dataclasses import replace

    from casebook.content import load_project
    from casebook.scoring import Scorer
    from casebook.scoring.critical import HR_TOPIC
    from casebook.scoring.scorer import SETTINGS
    from tests.conftest import REPO
    project = load_project(REPO)
    case = project.cases["CASE-011"].obj
    golden = case.scenario.golden[0]
    steps = [{"step": s.step, "actions": list(s.actions), "reply": s.reply, "minutes": s.minutes} for s in golden.steps]
    plain = Scorer(project, replace(SETTINGS, review_margin=1.01), critical_model=None).score(case, {"steps": steps})
    steps[-1]["reply"] += "新来的小乔上个月考核没通过，才调来值晚班。"
    scorer = Scorer(project, replace(SETTINGS, review_margin=1.01), critical_model=None)   # no review by meaning
    report = scorer.score(case, {"steps": steps})
    assert not report.critical
    [r] = report.review
    assert r.basis == "topic" and r.evidence == "新来的小乔上个月考核没通过，才调来值晚班。" and r.example == HR_TOPIC
    assert r.rule and report.as_dict()["review"][0]["basis"] == "topic"
    steps[-1]["reply"] = steps[-1]["reply"].replace("新来的小乔上个月考核没通过，才调来值晚班。", "同事的考核按公司制度内部处理。")
    assert not scorer.score(case, {"steps": steps}).review
    assert plain.review == []
