"""wsgi:app plus one view that tells what the serving worker's garbage collector holds, for
the test of gunicorn.conf.py's pre_fork (tests/faults/test_preload_gc.py)."""

from __future__ import annotations

import gc
import os

from flask import jsonify

from exam_app.web.password_change import no_sign_in
from wsgi import app


@app.get("/_test/gc")
@no_sign_in
def gc_state():
    return jsonify(pid=os.getpid(), frozen=gc.get_freeze_count(), enabled=gc.isenabled())
