"""A test client that behaves like a browser: it reads the CSRF token from the page."""

from __future__ import annotations

import contextvars
import re

from flask.testing import FlaskClient

from exam_app.extensions import db

_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
PASSWORD = "correct-horse-42"


class WebClient:
    """Each request runs as a server would run it: in its own app context and database
    session, not in the test's. The test's session is ended around each request so it
    holds no lock the request needs and reads what the request committed."""

    def __init__(self, client: FlaskClient):
        self._client = client
        self._token: str | None = None

    def _isolated(self, call, *args, **kw):
        # End the test's own transaction first: on SQLite it may hold the write lock
        # (BEGIN IMMEDIATE), which the request would wait for in vain.
        db.session.commit()
        response = contextvars.Context().run(call, *args, **kw)
        db.session.commit()
        return response

    @property
    def http(self) -> _Isolated:
        return _Isolated(self)

    def get(self, url: str, **kw):
        response = self.http.get(url, **kw)
        # Downloads (Excel files) are not pages: only HTML carries the token.
        if response.mimetype == "text/html" and (
            match := _META.search(response.get_data(as_text=True))
        ):
            self._token = match.group(1)
        return response

    def token(self) -> str:
        if self._token is None:
            self.get("/login")
        assert self._token, "no CSRF token on the page"
        return self._token

    def post(self, url: str, data: dict | None = None, **kw):
        payload = {"csrf_token": self.token(), **(data or {})}
        return self.http.post(url, data=payload, **kw)

    def post_json(self, url: str, payload: dict, **kw):
        headers = {"X-CSRFToken": self.token(), "Accept": "application/json"}
        return self.http.post(url, json=payload, headers=headers, **kw)

    def login(self, username: str, password: str = PASSWORD):
        self._token = None
        response = self.post("/login", {"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self._token = None  # the session was renewed at login: fetch a fresh token
        self.get("/", follow_redirects=True)
        return response


class _Isolated:
    """`client.http.get/post`: the raw test client, each request isolated as above."""

    def __init__(self, web: WebClient):
        self._web = web

    def get(self, *args, **kw):
        return self._web._isolated(self._web._client.get, *args, **kw)

    def post(self, *args, **kw):
        return self._web._isolated(self._web._client.post, *args, **kw)

    def session_transaction(self):
        return self._web._client.session_transaction()
