"""The 3D viewer layer (weas-widget): what it sends to the browser. That it renders is checked in a real browser
(tests/browser/test_widgets_render.py)."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk

from matsci_ml.viewer import lattice_configuration, view_structures, view_vacancy_path


def test_frames_and_per_atom_colouring():
    cells = [bulk("Cu", "fcc", a=3.6, cubic=True).repeat(2), bulk("Pt", "fcc", a=3.9, cubic=True)]
    grades = [np.linspace(0, 3, 32), np.ones(4)]
    viewer = view_structures(cells, values=grades, label="grade")
    state = viewer._widget
    assert len(state.atoms) == 2 and state.atoms[1]["symbols"] == ["Pt"] * 4
    assert state.atoms[0]["attributes"]["atom"]["grade"] == pytest.approx(list(grades[0]))
    assert state.colorBy == "grade" and state.colorRamp == ["blue", "red"]
    np.testing.assert_allclose(np.array(state.atoms[0]["positions"]), cells[0].positions)
    assert "grade" not in cells[0].arrays                                  # the caller's atoms are unchanged
    with pytest.raises(ValueError, match="one number per atom"):
        view_structures(cells[0], values=np.ones(3))
    with pytest.raises(ValueError, match="non-empty"):
        view_structures([])


def test_lattice_configuration_and_vacancy_path():
    from matsci_ml.monte_carlo import VacancyKMC, neighbour_table
    from matsci_ml.monte_carlo.hamiltonian import nearest_neighbour_hamiltonian

    table = neighbour_table("fcc", 3)
    cell = bulk("Cu", "fcc", a=3.76, cubic=True).repeat(3)
    spins = np.where(np.arange(len(cell)) % 2, 1, -1).astype(np.int8)
    atoms = lattice_configuration(cell, spins, ("Cu", "Pt"), vacancy=5)
    assert len(atoms) == len(cell) - 1 and atoms.get_chemical_symbols().count("Cu") == (spins > 0).sum() - 1

    kinetics = VacancyKMC(nearest_neighbour_hamiltonian(table.neighbours, 0.01), table, lattice_constant=3.76)
    path, final, vacancy = kinetics.vacancy_path(spins, 0, kT=0.1, n_jumps=12, seed=1)
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    np.testing.assert_allclose(steps, 3.76 / np.sqrt(2))                     # nearest-neighbour jumps, Å
    wrapped = cell.positions[0] + path[-1]                                    # the path ends on the final site
    diff = cell.cell.scaled_positions(np.array([wrapped - cell.positions[vacancy]]))[0]
    np.testing.assert_allclose(diff - np.round(diff), 0.0, atol=1e-9)
    viewer = view_vacancy_path(lattice_configuration(cell, final, ("Cu", "Pt"), vacancy=vacancy),
                               cell.positions[0] + path)
    spheres = viewer._widget.instancedMeshPrimitive[0]["instances"]
    assert len(spheres) == 13 and spheres[0]["color"] != spheres[-1]["color"]
