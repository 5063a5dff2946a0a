"""The candidate scorer's weights (see ``score.py``): learned offline from labelled real notes
by ``python benchmarks/quality/train.py``, which rewrites this file.  Do not edit by hand."""

BIAS = 2.015
THRESHOLD = 0.50
WEIGHTS: dict[str, float] = {
    "a_defining": 1.66,
    "a_long": 0.405,
    "a_tiny": 0.844,
    "c_term_is_title": 1.297,
    "p_article": 0.325,
    "shape:concept": -0.871,
    "shape:labelled": -0.428,
    "shape:line-bold": 0.884,
    "shape:plain-is": -0.795,
    "shape:table-cell": 1.749,
}
