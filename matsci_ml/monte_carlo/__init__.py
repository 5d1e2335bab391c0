"""Monte Carlo on lattice Hamiltonians: cluster tables, Metropolis kernels, exact reference models."""

from __future__ import annotations

from matsci_ml.monte_carlo.hamiltonian import ClusterHamiltonian
from matsci_ml.monte_carlo.ising import (
    ONSAGER_TC,
    onsager_energy_per_site,
    onsager_magnetization,
    square_lattice_ising,
)
from matsci_ml.monte_carlo.metropolis import MetropolisRun, metropolis_flips

__all__ = ["ONSAGER_TC", "ClusterHamiltonian", "MetropolisRun", "metropolis_flips",
           "onsager_energy_per_site", "onsager_magnetization", "square_lattice_ising"]
