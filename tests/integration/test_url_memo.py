"""Templates' url_for is built once per application, endpoint, values and mount point
(web/url_memo.py), and gives what Flask's gives."""

from __future__ import annotations

from flask import url_for

from exam_app.web import url_memo


def test_a_link_is_built_once_and_is_flasks(app, monkeypatch):
    built: list[str] = []

    def counted(endpoint, **values):
        built.append(endpoint)
        return url_for(endpoint, **values)

    monkeypatch.setattr(url_memo, "url_for", counted)
    with app.test_request_context("/"):
        first = url_memo.remembered_url_for("exams.result", attempt_id=7)
        again = url_memo.remembered_url_for("exams.result", attempt_id=7)
        other = url_memo.remembered_url_for("exams.result", attempt_id=8)
        assert first == again == url_for("exams.result", attempt_id=7)
        assert other == url_for("exams.result", attempt_id=8) != first
        assert built == ["exams.result", "exams.result"]  # 7 once, 8 once
        # Options are never kept: an absolute link names the host of each request.
        url_memo.remembered_url_for("exams.index", _external=True)
        url_memo.remembered_url_for("exams.index", _external=True)
        assert built[2:] == ["exams.index", "exams.index"]


def test_a_mount_point_has_links_of_its_own(app):
    with app.test_request_context("/"):
        at_root = url_memo.remembered_url_for("exams.index")
    with app.test_request_context("/", base_url="http://localhost/kaoshi/"):
        mounted = url_memo.remembered_url_for("exams.index")
    assert at_root == "/exams/" and mounted == "/kaoshi/exams/"


def test_pages_use_it(app, client):
    assert app.jinja_env.globals["url_for"] is url_memo.remembered_url_for
    page = client.get("/login")
    assert page.status_code == 200 and 'href="/static/app.css"' in page.text


def test_outside_a_request_it_is_flasks(app):
    app.config["SERVER_NAME"] = "kaoshi.example"
    with app.app_context():
        assert url_memo.remembered_url_for("exams.index") == "http://kaoshi.example/exams/"
