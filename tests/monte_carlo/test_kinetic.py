from __future__ import annotations

import numpy as np
import pytest

from matsci_ml.monte_carlo.kinetic import _vacancy_kmc_kernel, vacancy_diffusion
from matsci_ml.monte_carlo.lattices import LATTICES, neighbour_table


@pytest.mark.parametrize("name, repeat, exact", [("fcc", 14, 0.7815), ("bcc", 18, 0.7272), ("sc", 22, 0.6531)])
def test_tracer_correlation_factor_3d(name, repeat, exact):
    result = vacancy_diffusion(neighbour_table(name, repeat), n_runs=16, n_events=4_000_000, seed=11)
    assert result.correlation_factor_error < 0.002  # the test can resolve the tolerance below
    assert result.correlation_factor == pytest.approx(exact, abs=0.005)
    assert result.vacancy_diffusivity_ratio == pytest.approx(1.0, abs=0.01)  # D = Gamma_tot a^2 / 2d


@pytest.mark.parametrize("name, repeat, exact", [("square", 48, 0.4669), ("honeycomb", 30, 1 / 3)])
def test_tracer_correlation_factor_2d(name, repeat, exact):
    result = vacancy_diffusion(neighbour_table(name, repeat), n_runs=8, n_events=1_000_000, seed=3)
    assert result.correlation_factor == pytest.approx(exact, abs=0.012)
    assert result.vacancy_diffusivity_ratio == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("name", list(LATTICES))
def test_neighbour_tables(name):
    table = neighbour_table(name, 4)
    z, dimension = LATTICES[name]
    assert table.neighbours.shape == (table.n_sites, z) and table.dimension == dimension
    np.testing.assert_allclose(np.linalg.norm(table.vectors, axis=2), table.jump)
    # every bond appears in both directions with opposite vectors
    for site in range(0, table.n_sites, 7):
        for k, other in enumerate(table.neighbours[site]):
            back = list(table.neighbours[other]).index(site)
            np.testing.assert_allclose(table.vectors[other, back], -table.vectors[site, k], atol=1e-12)


def test_bookkeeping_conserves_atoms_and_displacement():
    table = neighbour_table("fcc", 4)
    atom_at_site = np.arange(table.n_sites)
    atom_at_site[0] = -1
    atoms, vacancy_r = np.zeros((table.n_sites, 3)), np.zeros(3)
    vacancy, time, _, _ = _vacancy_kmc_kernel(table.neighbours, table.vectors, 1.0, 0, 5000, 1, 50,
                                              atom_at_site, atoms, vacancy_r)
    assert sorted(atom_at_site) == [-1, *range(1, table.n_sites)] and atom_at_site[vacancy] == -1
    # each jump moves one atom by -d and the vacancy by +d: the sums cancel exactly
    np.testing.assert_allclose(atoms.sum(axis=0) + vacancy_r, 0.0, atol=1e-9)
    assert time > 0


def test_bad_input():
    with pytest.raises(ValueError, match="Unknown lattice 'hcp'"):
        neighbour_table("hcp", 4)
    with pytest.raises(ValueError, match="repeat must be at least 3"):
        neighbour_table("fcc", 2)
    with pytest.raises(ValueError, match="n_runs >= 2"):
        vacancy_diffusion(neighbour_table("sc", 3), n_runs=1)
