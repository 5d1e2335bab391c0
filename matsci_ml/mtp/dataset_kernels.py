"""The MTP kernels over a whole dataset: one configuration per parallel task (numba ``prange``).

A dataset is the concatenation of its configurations' pair lists (:class:`matsci_ml.mtp.training.Dataset`):
``config_atoms`` / ``config_pairs`` are offsets (n_configs + 1) into the per-atom and per-pair arrays, and
``first`` holds each configuration's local CSR offsets. Each task calls a per-configuration kernel of
:mod:`matsci_ml.mtp.kernels`; the results are summed or placed in configuration order, so a run gives the same
numbers whatever the number of threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from matsci_ml.mtp.kernels import config_loss_gradient, basis_jacobian, mtp_energy_forces


@njit(cache=True, parallel=True)
def dataset_loss_gradient(config_atoms, config_pairs, types, first, neighbours, vectors, radial_coeffs,
                          species_coeffs, moment_coeffs, basic, times, mapping, n_alpha, r_min, r_max, scaling,
                          energy_ref, forces_ref, virial_ref, w_energy, w_forces, w_virial):
    """Loss and its gradient summed over configurations (run in parallel, one configuration per task).

    ``config_atoms`` / ``config_pairs`` are offsets (n_configs + 1) into the concatenated per-atom and
    per-pair arrays; ``first`` holds per-configuration local offsets.
    """
    n_configs = config_atoms.shape[0] - 1
    n_params = moment_coeffs.shape[0] + species_coeffs.shape[0] + radial_coeffs.size
    losses = np.zeros(n_configs)
    gradients = np.zeros((n_configs, n_params))
    for c in prange(n_configs):
        a0, a1 = config_atoms[c], config_atoms[c + 1]
        p0, p1 = config_pairs[c], config_pairs[c + 1]
        losses[c] = config_loss_gradient(
            types[a0:a1], first[a0 + c:a1 + c + 1], neighbours[p0:p1], vectors[p0:p1], radial_coeffs,
            species_coeffs, moment_coeffs, basic, times, mapping, n_alpha, r_min, r_max, scaling,
            energy_ref[c], forces_ref[a0:a1], virial_ref[c], w_energy[c], w_forces[c], w_virial[c], gradients[c])
    return losses.sum(), gradients.sum(axis=0)


@njit(cache=True, parallel=True)
def dataset_predictions(config_atoms, config_pairs, types, first, neighbours, vectors, radial_coeffs,
                        species_coeffs, moment_coeffs, basic, times, mapping, n_alpha, r_min, r_max, scaling):
    """Energies (n_configs,), forces (n_atoms_total, 3) and virials (n_configs, 3, 3) of a dataset."""
    n_configs = config_atoms.shape[0] - 1
    energies = np.zeros(n_configs)
    forces = np.zeros((types.shape[0], 3))
    virials = np.zeros((n_configs, 3, 3))
    for c in prange(n_configs):
        a0, a1 = config_atoms[c], config_atoms[c + 1]
        p0, p1 = config_pairs[c], config_pairs[c + 1]
        e, fo, w = mtp_energy_forces(types[a0:a1], first[a0 + c:a1 + c + 1], neighbours[p0:p1], vectors[p0:p1],
                                     radial_coeffs, species_coeffs, moment_coeffs, basic, times, mapping,
                                     n_alpha, r_min, r_max, scaling)
        energies[c] = e.sum()
        forces[a0:a1] = fo
        virials[c] = w
    return energies, forces, virials


@njit(cache=True, parallel=True)
def dataset_design(config_atoms, config_pairs, row_offsets, types, first, neighbours, vectors, radial_coeffs,
                   basic, times, mapping, n_alpha, r_min, r_max, scaling, n_species):
    """Unweighted linear design of a dataset: per configuration the energy row, 3N force rows and 9
    virial rows, columns (moment coefficients, species coefficients); configurations in parallel."""
    n_configs = config_atoms.shape[0] - 1
    n_basis = mapping.shape[0]
    design = np.zeros((row_offsets[n_configs], n_basis + n_species))
    for c in prange(n_configs):
        a0, a1 = config_atoms[c], config_atoms[c + 1]
        p0, p1 = config_pairs[c], config_pairs[c + 1]
        t = types[a0:a1]
        site_basis, forces, virial = basis_jacobian(t, first[a0 + c:a1 + c + 1], neighbours[p0:p1], vectors[p0:p1],
                                                    radial_coeffs, basic, times, mapping, n_alpha, r_min, r_max,
                                                    scaling)
        n = a1 - a0
        r = row_offsets[c]
        for s in range(n_basis):
            design[r, s] = site_basis[:, s].sum()
            for i in range(n):
                for k in range(3):
                    design[r + 1 + 3 * i + k, s] = forces[s, i, k]
            for k in range(3):
                for l in range(3):
                    design[r + 1 + 3 * n + 3 * k + l, s] = virial[s, k, l]
        for i in range(n):
            design[r, n_basis + t[i]] += 1.0
    return design
