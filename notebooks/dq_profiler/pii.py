"""What a column flagged as potential PII never reports: shared by the engine (so the values never leave the
workspace) and the server (dataquality/services/access/pii.py, which also holds the rule for `extra` fields)."""

POTENTIAL_PII = "potential_pii"
# Values of the column itself (an approximate percentile is one of its values), or figures that give values
# back with the row count (with one row the mean is the value; with two, mean and deviation give both).
WITHHELD_METRICS = ("min_value", "max_value", "p25", "p50", "p75", "mean", "stddev")
