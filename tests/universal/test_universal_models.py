"""CHGNet and SevenNet-0 load from their wheels with the network blocked; the per-element shift is exact."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.calculators.singlepoint import SinglePointCalculator

from matsci_ml.universal import checkpoint_path, elemental_shift, universal_calculator, zero_shot_errors


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def float64_default():
    """What importing nequip does to the process (lesson 08 before lesson 10 in one kernel, or an earlier test)."""
    import torch

    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    assert torch.get_default_dtype() == torch.float64          # ours restored the caller's default
    torch.set_default_dtype(previous)


@pytest.mark.parametrize("name, package", [("chgnet", "chgnet"), ("sevennet-0", "sevenn")])
def test_weights_ship_in_the_wheel_and_load_offline(name, package, no_network, float64_default):
    import importlib

    path = checkpoint_path(name)
    package_dir = importlib.import_module(package).__file__.rsplit("/", 1)[0]
    assert str(path).startswith(package_dir) and path.stat().st_size > 1_000_000
    atoms = bulk("Mo", "bcc", a=3.16, cubic=True).repeat(2)
    atoms.rattle(0.05, seed=0)
    atoms.calc = universal_calculator(name)
    energy, forces = atoms.get_potential_energy(), atoms.get_forces()
    assert -11.5 < energy / len(atoms) < -10.0             # PBE bcc Mo in the Materials Project: about -10.8 eV/atom
    assert forces.shape == (16, 3) and np.abs(forces.sum(axis=0)).max() < 1e-3
    with pytest.raises(ValueError, match="ships chgnet, sevennet-0"):
        checkpoint_path("mace-mp-0")


def test_elemental_shift_recovers_constant_offsets_exactly():
    offsets = {"Cu": -0.37, "Pt": 1.25}
    frames = []
    for k, a in enumerate((3.6, 3.7, 3.8, 3.9)):
        atoms = bulk("Cu", "fcc", a=a, cubic=True).repeat((1, 1, 1 + k % 2))
        for i in range(k + 1):
            atoms[i].symbol = "Pt"
        atoms.rattle(0.03, seed=k)
        atoms.calc = EMT()
        energy = atoms.get_potential_energy() + sum(offsets[s] for s in atoms.get_chemical_symbols())
        labelled = atoms.copy()
        labelled.calc = SinglePointCalculator(labelled, energy=energy, forces=atoms.get_forces())
        frames.append(labelled)
    shift = elemental_shift(EMT(), frames)
    assert shift == pytest.approx(offsets, abs=1e-10)
    raw, shifted = zero_shot_errors(EMT(), frames), zero_shot_errors(EMT(), frames, shift)
    assert raw["energy_mae_mev_per_atom"] > 100 and shifted["energy_mae_mev_per_atom"] < 1e-6
    assert raw["force_mae_ev_per_a"] == shifted["force_mae_ev_per_a"] < 1e-12


def test_errors_by_group_separates_an_offset_from_a_group():
    from matsci_ml.universal import errors_by_group

    frames = []
    for k, group in enumerate(("Elastic", "Elastic", "AIMD-NVT")):
        atoms = bulk("Cu", "fcc", a=3.6 + 0.05 * k, cubic=True)
        atoms.calc = EMT()
        offset = 0.1 if group == "Elastic" else -0.2                      # eV/atom that "DFT" adds
        labelled = atoms.copy()
        labelled.calc = SinglePointCalculator(labelled, energy=atoms.get_potential_energy() + offset * len(atoms),
                                              forces=atoms.get_forces())
        labelled.info["group"] = group
        frames.append(labelled)
    table = errors_by_group(EMT(), frames)
    assert table.loc["Elastic", "mean_error_mev_per_atom"] == pytest.approx(-100.0)
    assert table.loc["AIMD-NVT", "mae_mev_per_atom"] == pytest.approx(200.0)
    assert table.loc["Elastic", "configurations"] == 2
