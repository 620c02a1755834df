"""Entry point: `flask --app app run` and `gunicorn app:app`."""

from backrun import create_app

app = create_app()
