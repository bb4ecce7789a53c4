"""The learned scorer: context features of each candidate category, a calibrated probability
from a versioned JSON artifact, and the training that rebuilds it from labelled runs."""
