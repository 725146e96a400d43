"""Templates' url_for is built once per application, endpoint, values and mount point, a
link with ids once per endpoint (web/url_memo.py), and gives what Flask's gives."""

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
        assert first == again == url_for("exams.result", attempt_id=7)
        # Its pattern, then checked against Flask's for the first id; no more for others.
        assert built == ["exams.result", "exams.result"]
        for attempt_id in (0, 8, 10, 123456789, 2**40):
            link = url_memo.remembered_url_for("exams.result", attempt_id=attempt_id)
            assert link == url_for("exams.result", attempt_id=attempt_id)
        assert len(built) == 2
        # Two ids, in either order of the call.
        both = {"paper_id": 3, "section_id": 41}
        assert url_memo.remembered_url_for("papers.delete_section", **both) == url_for(
            "papers.delete_section", **both
        )
        assert url_memo.remembered_url_for("papers.delete_section", section_id=5, paper_id=9) == (
            url_for("papers.delete_section", paper_id=9, section_id=5)
        )
        del built[:]
        # Options are never kept: an absolute link names the host of each request.
        url_memo.remembered_url_for("exams.index", _external=True)
        url_memo.remembered_url_for("exams.index", _external=True)
        assert built == ["exams.index", "exams.index"]


def test_a_link_that_does_not_write_its_id_as_it_is_is_built_each_time(app):
    """An id written zero-padded cannot be put into a pattern made with another: the check
    against Flask's own link refuses it, and each is built by Flask."""
    app.add_url_rule("/padded/<int(fixed_digits=4):n>", "padded", lambda n: str(n))
    with app.test_request_context("/"):
        for n in (7, 12, 3):
            assert url_memo.remembered_url_for("padded", n=n) == f"/padded/{n:04d}"


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
