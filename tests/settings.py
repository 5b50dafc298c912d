"""The project's settings for the test suite, which runs with DEBUG off as production does.

Without DEBUG the app refuses to start keyless, so the suite brings a key of its own. It goes into the
environment, so the Celery workers and commands that tests start as subprocesses get it too.
"""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-of-the-test-suite-only-" + "x" * 20)  # 50+: the app refuses less
# The suite makes thousands of API calls from one address within minutes; tests/dataquality/test_throttling.py
# checks the shipped rates.
os.environ.setdefault("API_THROTTLE_ANON", "100000/min")
os.environ.setdefault("API_THROTTLE_USER", "100000/min")

from conversioncentral.settings import *  # noqa: E402,F401,F403

# Most tests fake Databricks at its boundary with the calls they are about; the tables check's own tests, and the
# end-to-end ones against the stand-in, turn it on.
DATABRICKS_CHECK_TABLES = False
