"""Monte Carlo on lattice Hamiltonians: cluster tables, Metropolis kernels, exact reference models."""

from __future__ import annotations

from matsci_ml.monte_carlo.alloy_kinetics import AlloyKMCRun, VacancyKMC, alloy_vacancy_kmc
from matsci_ml.monte_carlo.hamiltonian import ClusterHamiltonian, nearest_neighbour_hamiltonian
from matsci_ml.monte_carlo.ising import (
    ONSAGER_TC,
    binder_crossing,
    binder_crossing_with_error,
    binder_cumulant,
    binder_cumulant_error,
    onsager_energy_per_site,
    onsager_magnetization,
    square_lattice_ising,
)
from matsci_ml.monte_carlo.kinetic import VacancyDiffusion, vacancy_diffusion
from matsci_ml.monte_carlo.lattices import LATTICES, NeighbourTable, neighbour_table
from matsci_ml.monte_carlo.metropolis import (MetropolisRun, chemical_potential_scan, metropolis_flips, metropolis_swaps,
                                             temperature_scan)
from matsci_ml.monte_carlo.order_parameters import (ORDERINGS, ideal_configuration, order_parameter, sublattice_indices,
                                                    sublattice_magnetizations)
from matsci_ml.monte_carlo.thermodynamics import (AnnealingStep, block_standard_error, equilibrated, heat_capacity, simulated_annealing,
                                                  warren_cowley)

__all__ = ["ORDERINGS", "ideal_configuration", "order_parameter", "sublattice_indices", "sublattice_magnetizations", "AlloyKMCRun", "VacancyKMC", "alloy_vacancy_kmc", "AnnealingStep", "block_standard_error", "equilibrated", "heat_capacity", "simulated_annealing", "warren_cowley", "LATTICES", "ONSAGER_TC", "binder_crossing", "binder_crossing_with_error", "binder_cumulant", "binder_cumulant_error", "ClusterHamiltonian", "MetropolisRun", "NeighbourTable", "VacancyDiffusion",
           "chemical_potential_scan", "metropolis_flips", "metropolis_swaps", "nearest_neighbour_hamiltonian", "neighbour_table", "temperature_scan", "vacancy_diffusion",
           "onsager_energy_per_site", "onsager_magnetization", "square_lattice_ising"]
