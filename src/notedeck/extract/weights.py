"""The candidate scorer's weights (see ``score.py``): learned offline from labelled real notes
by ``python benchmarks/quality/train.py``, which rewrites this file.  Do not edit by hand."""

BIAS = 5.0
THRESHOLD = 0.5
WEIGHTS: dict[str, float] = {}
