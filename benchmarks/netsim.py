"""The deterministic network simulator lives in the package (ccfast._netsim) so that
`python -m ccfast demo` can use it; this module re-exports it for the benchmarks."""
from ccfast._netsim import SCENARIOS, Packet, Scenario, rtp_packet, simulate  # noqa: F401
