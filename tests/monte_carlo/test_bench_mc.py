"""`matsci-ml bench mc`: same energies as CLEASE, and a speed-up that guards against regressions.

The acceptance figures (>= 3 M attempted swaps/s, >= 40x CLEASE) are measured with the command itself
on a quiet machine; here the bar is set lower (10x) so that a loaded CI machine does not fail spuriously,
while a kernel that lost its O(1) local updates (hundreds of times slower) would.
"""

from __future__ import annotations

import pytest

from matsci_ml.bench import bench_mc


def test_bench_mc_runs_both_and_agrees_on_energy():
    import clease  # noqa: F401 -- a test dependency: missing fails, never skips
    result = bench_mc(repeat=6, our_sweeps=50, peer_steps=5_000)
    assert "CLEASE (C++)" in result.peers and not isinstance(result.peers["CLEASE (C++)"], str)
    difference = float(result.agreement.split(":")[1].split()[0])
    assert difference < 1e-8
    assert result.ratio("CLEASE (C++)") > 10
    assert "attempted swaps/s" in str(result)


def test_bench_kmc_runs_ours_and_clease():
    import clease  # noqa: F401 -- a test dependency: missing fails, never skips
    from matsci_ml.bench import bench_kmc

    result = bench_kmc(repeat=6, our_events=50_000, peer_events=300)
    (name,) = result.peers
    assert not isinstance(result.peers[name], str)
    assert result.ratio(name) > 10
    assert "events/s" in str(result)
