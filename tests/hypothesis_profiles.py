"""Hypothesis profiles: a bounded one for every test run and CI, a long one to run by hand.

    pytest tests/test_properties.py                              # "ci": 40 examples per property
    HYPOTHESIS_PROFILE=long pytest tests/test_properties.py      # 2,000 examples per property

Tests that pin their own ``@settings(max_examples=…)`` keep their number under either profile.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]

# A per-example deadline, so an input that makes notedeck hang fails within seconds (and is
# shrunk and reported) instead of stalling CI: a super-linear regex once hung a run for 20
# minutes.  Generous for a loaded 2-core machine: the slowest example (a whole build into the
# real Anki engine) takes well under a second.
DEADLINE = timedelta(seconds=10)

settings.register_profile("ci", max_examples=40, deadline=DEADLINE, suppress_health_check=_SLOW_OK)
settings.register_profile(
    "long", max_examples=2000, deadline=DEADLINE, suppress_health_check=_SLOW_OK
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
