"""The read-only JSON API: token rules, what it returns, and its OpenAPI document."""

from __future__ import annotations

import re

from exam_app.models import Role
from exam_app.models.base import utcnow
from exam_app.services.api_tokens import create_token, revoke_token
from tests.factories import person
from tests.report_data import WORKED_MARKS, released, staff, three_item_paper


def _token(admin_name: str = "admin") -> tuple[int, str]:
    token, plain = create_token("HR 薪酬系统", person(admin_name, Role.ADMIN), utcnow())
    return token.id, plain


def _bearer(plain: str) -> dict:
    return {"Authorization": f"Bearer {plain}"}


def test_requests_without_a_valid_token_get_401_and_revoked_tokens_403(app, client):
    token_id, plain = _token()
    url = "/api/v1/papers"
    for headers in ({}, _bearer("exm_wrong"), {"Authorization": f"Basic {plain}"}):
        response = client.http.get(url, headers=headers)
        assert response.status_code == 401 and response.json["error"], headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.http.get(url, headers=_bearer(plain)).status_code == 200
    revoke_token(token_id, utcnow())
    response = client.http.get(url, headers=_bearer(plain))
    assert response.status_code == 403 and "吊销" in response.json["error"]


def test_api_uses_no_session_and_a_signed_in_browser_gets_nothing_without_a_token(app, make_client):
    _, plain = _token()
    web = make_client()
    web.login("admin")  # a session cookie is no API credential
    assert web.http.get("/api/v1/papers").status_code == 401
    response = web.http.get("/api/v1/papers", headers=_bearer(plain))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_results_by_quarter_and_staff_file(app, client):
    _, plain = _token()
    paper = three_item_paper(person("lead", Role.LEAD))
    released(paper, staff(6), WORKED_MARKS)
    body = client.http.get("/api/v1/quarters/2026Q4/results", headers=_bearer(plain)).json
    assert body["quarter"] == "2026Q4" and body["count"] == 6
    first = body["results"][0]
    assert first["staff_no"] == "B000000" and first["name"] == "员工0"
    assert first["department"] == "客服一部" and first["total"] == 5 and first["passed"] is True
    assert first["sections"] == [{"title": "一、单选题", "score": 5, "max": 6}]
    staff_file = client.http.get("/api/v1/staff/B000004", headers=_bearer(plain)).json
    assert staff_file["name"] == "员工4" and staff_file["results"][0]["passed"] is False
    missing = client.http.get("/api/v1/staff/NOBODY", headers=_bearer(plain))
    assert missing.status_code == 404 and missing.json["error"]


def _rule_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_openapi_document_lists_exactly_the_routes_and_their_response_keys(app, client):
    _, plain = _token()
    paper = three_item_paper(person("lead", Role.LEAD))
    released(paper, staff(1), [[2, 2, 2]])
    doc = client.http.get("/api/v1/openapi.json").json  # public: no data in it
    assert doc["openapi"].startswith("3.1")
    routes = {_rule_path(r.rule) for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")}
    assert routes == set(doc["paths"])
    examples = {"{quarter}": "2026Q4", "{staff_no}": "B000000"}
    for path, operations in doc["paths"].items():
        url = path
        for name, value in examples.items():
            url = url.replace(name, value)
        assert "{" not in url, path
        response = client.http.get(url, headers=_bearer(plain))
        assert response.status_code == 200, path
        schema = operations["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        if "properties" in schema:
            assert set(schema["properties"]) == set(response.json), path
        if path != "/api/v1/openapi.json":
            assert {"401", "403"} <= set(operations["get"]["responses"]), path


def test_admin_makes_a_token_shown_once_and_revokes_it(app, make_client):
    person("admin", Role.ADMIN)
    web = make_client()
    web.login("admin")
    page = web.post("/staffing/tokens", {"name": "HR 系统"}).get_data(as_text=True)
    plain = re.search(r'id="new-token">[^<]*<code>([^<]+)</code>', page).group(1)
    assert web.http.get("/api/v1/papers", headers=_bearer(plain)).status_code == 200
    listing = web.get("/staffing/tokens").get_data(as_text=True)
    assert plain not in listing and plain[:10] in listing
    token_id = re.search(r"/staffing/tokens/(\d+)/revoke", listing).group(1)
    web.post(f"/staffing/tokens/{token_id}/revoke")
    assert web.http.get("/api/v1/papers", headers=_bearer(plain)).status_code == 403
