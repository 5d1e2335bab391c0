"""`matsci-ml bench mc` and `bench kmc`: the same model on both sides, repeated measurements, and a speed-up
that guards against regressions.

The figures quoted in README are the medians of the commands themselves on a quiet machine; here the bars are
set low (10x on the kernel) so that a loaded CI machine does not fail spuriously, while a kernel that lost its
O(1) local updates (hundreds of times slower) would.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import clease  # noqa: E402,F401 -- a test dependency: missing fails, never skips

from matsci_ml.bench import (Comparison, Side, _bench_atoms, _bench_space, _clease_kmc, _clease_settings,  # noqa: E402
                             bench_kmc, bench_mc, clease_vacancy_ecis, spread)
from matsci_ml.monte_carlo.alloy_kinetics import _energy_with_vacancy  # noqa: E402


@pytest.mark.parametrize("task", ["mc", "kmc"])
def test_bench_repeats_each_side_and_reports_kernel_and_end_to_end(task):
    run = bench_mc if task == "mc" else bench_kmc
    options = {"sweeps": 2} if task == "mc" else {"events": 300}
    report = run([256, 864], repeat=2, seconds=0.2, peer_max_sites=256, **options)
    small, large = report.comparisons
    assert (small.details["sites"], large.details["sites"]) == (256, 864)
    for comparison in report.comparisons:
        ours = comparison.ours
        assert len(ours.kernel_rate) == len(ours.end_to_end_s) == len(ours.setup_s) == 2
        assert all(s < e for s, e in zip(ours.setup_s, ours.end_to_end_s))
        assert 100 < comparison.details["peak_mb"] < 4000
        assert comparison.details["table_kb"] < 100                # lattice tables: kilobytes, whatever the size
    assert small.peer.measured and len(small.peer.kernel_rate) == len(small.peer.end_to_end_s) == 2
    assert not large.peer.measured and "not run at 864 sites" in str(large)
    # the size effect, back to back in one process: each run at 864 sites followed by one at 256
    assert "rate_over_reference" not in small.details and large.details["reference_sites"] == 256
    assert len(large.details["rate_over_reference"]) == 2 and all(r > 0 for r in large.details["rate_over_reference"])
    assert "each run at 864 followed by one at 256 in the same process" in str(report)
    assert min(small.kernel_ratios()) > 10
    if task == "mc":                                               # "..., ours vs CLEASE, 0.0e+00 eV/site apart"
        assert float(small.agreement.split(", ")[-1].split()[0]) < 1e-8
    else:                                                          # "... largest residual 2.6e-17 eV/site ..."
        assert float(small.agreement.split("residual ")[1].split()[0]) < 1e-10
    text = str(report)
    assert "kernel (steady state)" in text and "end to end (" in text and "peer / ours" in text
    assert "icet" not in text and "smol" not in text                # peers that are not timed are not printed
    data = json.loads(json.dumps(report.to_dict()))
    first = data["comparisons"][0]
    assert first["kernel_ratio"]["n"] == 2 and first["ours"]["kernel"]["min"] <= first["ours"]["kernel"]["median"]
    with pytest.raises(ValueError, match="4 n\\^3"):
        run([1000])
    with pytest.raises(ValueError, match="repeat"):
        run([256], repeat=0)


def test_ratios_pair_the_runs_of_one_repeat():
    ours = Side("ours", kernel_rate=[10.0, 20.0, 40.0], end_to_end_s=[1.0, 2.0, 1.0], setup_s=[0.1, 0.1, 0.1])
    peer = Side("peer", kernel_rate=[1.0, 1.0, 2.0], end_to_end_s=[5.0, 5.0, 3.0], setup_s=[1.0, 1.0, 1.0])
    comparison = Comparison("task", "events/s", "a run", ours, peer)
    assert comparison.kernel_ratios() == [10.0, 20.0, 20.0]
    assert comparison.end_to_end_ratios() == [5.0, 2.5, 3.0]
    assert spread(comparison.kernel_ratios()) == {"median": 20.0, "min": 10.0, "max": 20.0, "n": 3}
    assert "20x  [10 - 20]" in str(comparison) and "3.0x  [2.5 - 5.0]" in str(comparison)


def _our_barriers(space, ecis, peer_atoms, vacancy, neighbours):
    """Our E_a = E_0 + (E_after - E_before)/2 for each jump, on CLEASE's atoms (its site order)."""
    symbols = np.asarray(peer_atoms.symbols)
    lattice = peer_atoms.copy()
    lattice.symbols = np.where(symbols == "X", "Cu", symbols)
    hamiltonian = space.hamiltonian(lattice, ecis, tables="site")
    spins = np.select([symbols == "Cu", symbols == "Pt"], [1.0, -1.0], 0.0)
    before = _energy_with_vacancy(hamiltonian, spins)
    barriers = []
    for j in neighbours:
        after = spins.copy()
        after[vacancy], after[j] = after[j], 0.0
        barriers.append({"Cu": 0.5, "Pt": 0.6}[symbols[j]] + (_energy_with_vacancy(hamiltonian, after) - before) / 2)
    return np.array(barriers)


def _clease_barriers(kmc, peer_atoms, vacancy):
    from clease.datastructures import SystemChange

    neighbours = [j for event in kmc.event_types for j in event.get_swaps(peer_atoms, vacancy)]
    barriers = []
    for j in neighbours:
        symbol = peer_atoms[j].symbol
        change = [SystemChange(index=vacancy, old_symb="X", new_symb=symbol, name="kmc_swap"),
                  SystemChange(index=j, old_symb=symbol, new_symb="X", name="kmc_swap")]
        barriers.append(kmc.barrier(kmc.evaluator, change))
    return neighbours, np.array(barriers)


def test_clease_kmc_runs_our_model_same_barriers(tmp_path):
    """The KMC peer has our energies and barriers: CLEASE's ternary ECIs fitted to our vacancy model reproduce our
    barriers for every jump on several configurations, where copying the binary ECIs onto its names (as the bench
    once did) does not."""
    space, ecis = _bench_space()
    vacancy_ecis, residual = clease_vacancy_ecis(_clease_settings(str(tmp_path), ["Cu", "Pt", "X"]), space, ecis)
    assert residual < 1e-10
    (tmp_path / "kmc").mkdir()
    kmc, peer_atoms, vacancy = _clease_kmc(str(tmp_path / "kmc"), _bench_atoms(3, 1), vacancy_ecis, 1000.0)
    assert kmc.attempt_freq == 1e13
    for _ in range(3):
        neighbours, theirs = _clease_barriers(kmc, peer_atoms, vacancy)
        assert len(neighbours) == 12
        ours = _our_barriers(space, ecis, peer_atoms, vacancy, neighbours)
        assert np.abs(ours - theirs).max() < 1e-10
        assert np.ptp(ours) > 0.01                                   # configurations where the barriers differ
        kmc.run(40, vacancy)                                         # the next configuration
        vacancy = int(np.flatnonzero(np.asarray(peer_atoms.symbols) == "X")[0])
    (tmp_path / "copied").mkdir()
    names = list(vacancy_ecis)
    copied = dict(zip(["c0", "c1_0", "c2_d0000_0_00", "c2_d0001_0_00", "c2_d0002_0_00", "c3_d0000_0_000"], ecis))
    wrong, wrong_atoms, wrong_vacancy = _clease_kmc(str(tmp_path / "copied"), _bench_atoms(3, 1),
                                                    {n: copied.get(n, 0.0) for n in names}, 1000.0)
    neighbours, theirs = _clease_barriers(wrong, wrong_atoms, wrong_vacancy)
    assert np.abs(_our_barriers(space, ecis, wrong_atoms, wrong_vacancy, neighbours) - theirs).max() > 1e-3
