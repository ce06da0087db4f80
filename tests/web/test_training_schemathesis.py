"""Schemathesis against /api/openapi.json (signed in as an agent with an attempt): no 5xx."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from casebook.accounts import add_user
from tests.training_content import add_training_content


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory):
    from casebook.web import create_app
    from tests.conftest import MINI, copy_content
    root = add_training_content(copy_content(MINI, tmp_path_factory.mktemp("st") / "mini"))
    app = create_app(root=root, config={"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                                        "DATABASE_URL": f"sqlite:///{root.parent / 'st.db'}"})
    add_user(app.extensions["casebook.db"], "fuzz", "password-f", role="trainer")
    client = app.test_client()
    client.post("/login", data={"username": "fuzz", "password": "password-f"})
    client.post("/api/attempts", json={"kind": "practice", "count": 3})
    cookie = client.get_cookie("session")
    yield app, cookie.value
    app.extensions["casebook.db"].dispose()


def test_api_has_no_server_errors(signed_in):
    app, cookie = signed_in
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures, calls = [], []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
        def check(case):
            response = case.call(cookies={"session": cookie})
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}")
        check()
    assert failures == [] and len(calls) >= len(operations)
    assert any(code < 300 for code in calls)
