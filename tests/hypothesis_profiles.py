"""Hypothesis profiles: a bounded one for every test run and CI, a long one to run by hand.

    pytest tests/test_properties.py                              # "ci": 40 examples per property
    HYPOTHESIS_PROFILE=long pytest tests/test_properties.py      # 2,000 examples per property

Tests that pin their own ``@settings(max_examples=…)`` keep their number under either profile.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]

settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=_SLOW_OK)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=_SLOW_OK)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
