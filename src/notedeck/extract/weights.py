"""The candidate scorer's weights (see ``score.py``): learned offline from labelled real notes
by ``python benchmarks/quality/train.py``, which rewrites this file.  Do not edit by hand."""

BIAS = 1.837
THRESHOLD = 0.32
WEIGHTS: dict[str, float] = {
    "a_conditional": 1.126,
    "a_defining": 2.182,
    "a_has_url": -3.395,
    "a_long": 1.171,
    "a_second_person": 1.443,
    "c_exercise": -1.447,
    "p_adjective": 1.117,
    "p_verb": -2.777,
    "q_long": -1.125,
    "shape:bold-does": 0.924,
    "shape:concept": -0.067,
    "shape:item-bold": 0.069,
    "shape:item-term": 0.704,
    "shape:labelled": -0.593,
    "shape:list-heading": -0.27,
    "shape:list-item": -2.552,
    "shape:plain-is": -1.067,
    "shape:table-glossary": 2.397,
    "t_not_ascii": 2.271,
    "t_starts_clause": 0.703,
}
