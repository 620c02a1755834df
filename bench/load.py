"""`make load`: 200 concurrent clients for 60 s over PostgreSQL and Redis (docs/benchmarks.md, "Load").

The harness itself is tests/support/load.py: the service test (tests/platform/test_load.py) runs
the same load and checks its outcome; here it is run for its numbers.

    .venv/bin/python -m bench.load [--duration 60] [--connections 200] [--workers 2] [--threads 1]
"""

import sys

from tests.support.load import main

if __name__ == "__main__":
    sys.exit(main())
