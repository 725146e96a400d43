"""The real app for the load benchmark, plus one bare view to compare against.

`gunicorn bench.bench_app:app` serves exactly what `wsgi:app` serves, and `/bench/bare`:
a view that touches neither the session nor the database, so its latency and throughput
are what the server, the machine and the load generator allow at that moment.
"""

from exam_app import create_app
from exam_app.web.password_change import no_sign_in

app = create_app()


@app.get("/bench/bare")
@no_sign_in  # nothing of the person: not even the one-time-password check loads them
def bare():
    return "ok"
