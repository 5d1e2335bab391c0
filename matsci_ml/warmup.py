"""Compile every numba kernel once, so the first lesson cell that needs one does not wait.

Binder's ``postBuild`` and ``matsci-ml warmup`` call :func:`warm_numba_cache`; kernels are
compiled with ``cache=True`` and the cache is kept next to the sources.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def numba_probe(n: int) -> float:
    """Sum of squares 0^2 + ... + (n-1)^2, a tiny kernel that proves numba compiles here."""
    total = 0.0
    for i in range(n):
        total += i * i
    return total


def warm_numba_cache() -> list[str]:
    """Compile the package's kernels; returns their names."""
    warm_monte_carlo()
    _warm_mtp()
    return ["numba_probe", "metropolis_flips", "metropolis_swaps", "vacancy_diffusion", "alloy_vacancy_kmc",
            "lattice-table metropolis_flips, metropolis_swaps, alloy_vacancy_kmc", "mtp_energy_forces",
            "dataset_loss_gradient", "dataset_design", "dataset_predictions", "site_basis_values"]


def warm_monte_carlo() -> None:
    """Compile the Monte Carlo kernels of lesson 05, on per-site and on lattice tables (about 20 s cold on two
    cores, well under a second from numba's disk cache)."""
    from matsci_ml.monte_carlo import (
        alloy_vacancy_kmc,
        metropolis_flips,
        metropolis_swaps,
        neighbour_table,
        square_lattice_ising,
        vacancy_diffusion,
    )

    numba_probe(3)
    metropolis_flips(square_lattice_ising(3), np.ones(9), kT=1.0, n_sweeps=1)
    metropolis_swaps(square_lattice_ising(3), np.array([1, -1] * 4 + [1]), kT=1.0, n_sweeps=1)
    vacancy_diffusion(neighbour_table("sc", 3), n_runs=2, n_events=50)
    alloy_vacancy_kmc(square_lattice_ising(3), neighbour_table("square", 3), np.ones(9), 0, kT=1.0, n_events=5)
    _warm_lattice_tables()


def lesson_lattice_hamiltonian(n_cells: int = 6):
    """A lattice Hamiltonian with the table types of lesson 05's cluster expansion, on ``n_cells``**3 cubic cells
    (lesson 05 uses 6).

    The lattice tables group each order's clusters by equal V, and numba compiles a kernel per number of groups
    (:func:`~matsci_ml.monte_carlo.lattice_hamiltonian._groups_of_equal_value`). Lesson 04's cluster space with
    distinct, nonzero ECIs has one group per orbit, as the fitted expansion of the lesson has, without the fit."""
    from ase.build import bulk

    from matsci_ml.cluster_expansion import ClusterSpace
    from matsci_ml.cluster_expansion.lesson_setup import CUPT_CUTOFFS, CUPT_LATTICE_CONSTANT, cupt_parent

    space = ClusterSpace(cupt_parent(), CUPT_CUTOFFS, ("Cu", "Pt"))
    ecis = np.random.default_rng(0).uniform(0.01, 0.02, space.n_parameters)
    cell = bulk("Cu", "fcc", a=CUPT_LATTICE_CONSTANT, cubic=True).repeat(n_cells)
    return space.hamiltonian(cell, ecis, tables="lattice")


def _warm_lattice_tables() -> None:
    """The same runs on translation-invariant tables (what ClusterSpace.hamiltonian gives for a repeated cell), with
    the table types of lesson 05's cluster expansion."""
    from matsci_ml.monte_carlo import alloy_vacancy_kmc, metropolis_flips, metropolis_swaps, neighbour_table

    lattice = lesson_lattice_hamiltonian()
    spins = np.array([1, -1] * (lattice.n_sites // 2))
    metropolis_flips(lattice, spins, kT=0.1, n_sweeps=1)
    metropolis_swaps(lattice, spins, kT=0.1, n_sweeps=1)
    alloy_vacancy_kmc(lattice, neighbour_table("fcc", 6), spins, 0, kT=0.1, n_events=5)


def _warm_mtp() -> None:
    """One tiny MTP fit step: compiles the pair search, energy/force, design, loss-gradient and grade kernels."""
    from ase.build import bulk
    from ase.calculators.emt import EMT

    from matsci_ml.active_learning.grade import neighbourhood_rows
    from matsci_ml.mtp import Dataset, MomentTensorPotential, MTPCalculator, fit_linear
    from matsci_ml.mtp.training import config_weights, energies_forces_virials, loss_and_gradient

    atoms = bulk("Cu", "fcc", a=3.6, cubic=True)
    atoms.rattle(0.05, seed=0)
    atoms.calc = EMT()
    mtp = MomentTensorPotential.from_level(2, ["Cu"], min_dist=1.5, max_dist=4.0)
    dataset = Dataset.from_frames([atoms], mtp)
    weights = config_weights(dataset)
    fit_linear(mtp, dataset, weights)
    loss_and_gradient(mtp, dataset, weights)
    energies_forces_virials(mtp, dataset)
    probe = atoms.copy()
    probe.calc = MTPCalculator(mtp)
    probe.get_forces()
    neighbourhood_rows(mtp, atoms)
