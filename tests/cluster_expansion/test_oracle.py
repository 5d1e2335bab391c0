"""EMT labels: the shipped cache agrees with a fresh computation; the cache resumes and rejects corruption."""

from __future__ import annotations

import json

import numpy as np
import pytest
from ase.build import bulk

from matsci_ml.cluster_expansion import enumerate_structures, label_structures, pure_element_references
from matsci_ml.cluster_expansion.lesson_setup import CUPT_LABELS, cupt_parent


@pytest.fixture(scope="module")
def structures():
    return enumerate_structures(cupt_parent(), range(1, 9), ("Cu", "Pt"))


def test_shipped_labels_are_what_emt_computes(structures):
    sample = [structures[i] for i in np.random.default_rng(0).choice(len(structures), 8, replace=False)]
    for relax in ["none", "volume"]:
        shipped = label_structures(sample, ("Cu", "Pt"), relax=relax, cache=CUPT_LABELS)
        fresh = label_structures(sample, ("Cu", "Pt"), relax=relax)
        assert np.allclose(shipped.energy_per_atom, fresh.energy_per_atom, atol=1e-9)


def test_every_enumerated_structure_is_in_the_shipped_cache(structures, tmp_path):
    copy = tmp_path / "labels.json"
    copy.write_text(CUPT_LABELS.read_text())
    before = len(json.loads(copy.read_text()))
    label_structures(structures, ("Cu", "Pt"), relax="volume", cache=copy)
    assert len(json.loads(copy.read_text())) == before   # nothing had to be computed


def test_pure_elements_have_zero_mixing_energy_and_emt_lattice_constants():
    references = pure_element_references(("Cu", "Pt"))
    assert references["Cu"]["lattice_constant"] == pytest.approx(3.590, abs=2e-3)
    assert references["Pt"]["lattice_constant"] == pytest.approx(3.922, abs=2e-3)
    pure = [bulk("Cu", "fcc", a=3.76), bulk("Pt", "fcc", a=3.76)]
    for relax in ["none", "volume", "full"]:
        labels = label_structures(pure, ("Cu", "Pt"), relax=relax)
        assert np.allclose(labels.mixing_energy, 0, atol=1e-6)


def test_full_relaxation_lowers_the_energy(structures):
    l10 = [s for s in structures if len(s) == 2 and s.get_chemical_formula() == "CuPt"]
    volume = label_structures(l10, ("Cu", "Pt"), relax="volume").mixing_energy
    full = label_structures(l10, ("Cu", "Pt"), relax="full").mixing_energy
    assert np.all(full <= volume + 1e-6) and np.all(volume < 0)


def test_cache_is_written_and_reused_and_corruption_is_reported(structures, tmp_path):
    cache = tmp_path / "labels.json"
    first = label_structures(structures[:10], ("Cu", "Pt"), relax="none", cache=cache)
    stored = json.loads(cache.read_text())
    assert len(stored) == 10
    key = next(iter(stored))
    stored[key] = 123.0          # a cached value is used as is, not recomputed
    cache.write_text(json.dumps(stored))
    second = label_structures(structures[:10], ("Cu", "Pt"), relax="none", cache=cache)
    assert 123.0 in second.energy_per_atom and np.sum(second.energy_per_atom != first.energy_per_atom) == 1
    cache.write_text('{"truncated')
    with pytest.raises(ValueError, match="delete it"):
        label_structures(structures[:10], ("Cu", "Pt"), relax="none", cache=cache)
    with pytest.raises(ValueError, match="relax must be"):
        label_structures(structures[:2], ("Cu", "Pt"), relax="partial")
    with pytest.raises(ValueError, match="Au"):
        label_structures([bulk("Au")], ("Cu", "Pt"))


def test_references_on_a_lattice_other_than_the_elements_own():
    """fcc elements on the bcc parent lattice (Cu-Pd B2, course/own-data.md): the guess keeps the volume per atom, the
    relaxed bcc volume stays close to fcc's (EMT), and bcc lies above fcc in energy."""
    fcc, bcc = pure_element_references(("Cu", "Pd")), pure_element_references(("Cu", "Pd"), "bcc")
    for element in ("Cu", "Pd"):
        volume_fcc = fcc[element]["lattice_constant"] ** 3 / 4
        volume_bcc = bcc[element]["lattice_constant"] ** 3 / 2
        assert volume_bcc == pytest.approx(volume_fcc, rel=0.03)
        assert bcc[element]["energy_per_atom"] > fcc[element]["energy_per_atom"] + 0.01
    with pytest.raises(ValueError, match="lattice must be one of"):
        pure_element_references(("Cu",), "hcp")
