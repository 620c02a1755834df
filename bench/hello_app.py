"""The baseline: the smallest Flask app, served by the same gunicorn settings as Backrun.

gunicorn bench.hello_app:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
