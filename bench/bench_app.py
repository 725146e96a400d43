"""The real app for the load benchmark, plus one bare view to compare against.

`gunicorn bench.bench_app:app` serves exactly what `wsgi:app` serves, and `/bench/bare`:
a view that touches neither the session nor the database, so its latency and throughput
are what the server, the machine and the load generator allow at that moment.
"""

from exam_app import create_app

app = create_app()


@app.get("/bench/bare")
def bare():
    return "ok"
