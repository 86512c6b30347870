"""Feature listing shared by `info` and `speed`."""
from .._cpu import cpu_features, detected_features


def feature_lines():
    have = cpu_features()
    hw = detected_features()
    on = [n for n, v in have.items() if v]
    masked = [n for n, v in hw.items() if v and not have[n]]
    yield "cpu features: " + (" ".join(on) or "(none)")
    if masked:
        yield "masked by CCFAST_CPU_DISABLE: " + " ".join(masked)
