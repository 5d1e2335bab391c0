"""Implementation exercises of lesson 08: a numerical equivariance test, the committee force spread."""

from __future__ import annotations

import numpy as np
from ase.calculators.calculator import Calculator, all_changes

from matsci_ml.exercises.implementation import compare_arrays, describe, implement

# -- 08.equivariance-test -------------------------------------------------------------------------


class _LabFrameField(Calculator):
    """EMT plus a uniform field along the laboratory z axis: a model that is *not* rotation-invariant."""

    implemented_properties = ["energy", "forces"]

    def __init__(self, strength: float, **kwargs):
        super().__init__(**kwargs)
        from ase.calculators.emt import EMT

        self.strength, self.emt = strength, EMT()

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        probe = self.atoms.copy()
        probe.calc = self.emt
        self.results["energy"] = probe.get_potential_energy() + self.strength * self.atoms.positions[:, 2].sum()
        self.results["forces"] = probe.get_forces() - np.array([0.0, 0.0, self.strength])


def _equivariance_cases(rng: np.random.Generator) -> list[dict]:
    from ase.build import bulk
    from scipy.spatial.transform import Rotation

    cases = []
    for k in range(24):
        element = ("Cu", "Pt", "Ni", "Au")[k % 4]
        atoms = bulk(element, "fcc", cubic=k % 2 == 0).repeat((2, 1, 1) if k % 2 == 0 else (2, 2, 2))
        atoms.rattle(0.05, seed=int(rng.integers(2**31)))
        cases.append({"atoms": atoms, "rotation": Rotation.random(random_state=int(rng.integers(2**31))).as_matrix(),
                      "translation": rng.uniform(-3, 3, size=3), "_field": 0.0 if k % 3 else 0.2})
    return cases


def _attach(atoms, field: float):
    from ase.calculators.emt import EMT

    atoms = atoms.copy()
    atoms.calc = _LabFrameField(field) if field else EMT()
    return atoms


def _verify_equivariance(function, case) -> str | None:
    from matsci_ml.equivariant.symmetry import equivariance_errors

    expected = equivariance_errors(_attach(case["atoms"], case["_field"]), case["rotation"], case["translation"])
    got = function(_attach(case["atoms"], case["_field"]), case["rotation"].copy(), case["translation"].copy())
    model = "EMT (equivariant)" if not case["_field"] else "EMT + a field along lab z (not equivariant)"
    try:
        got = [float(v) for v in got]
    except (TypeError, ValueError):
        return f"expected a pair (energy_error, force_error), got {describe(got)}"
    problem = compare_arrays(got, expected, atol=1e-7, rtol=1e-5, what="(energy error eV, force error eV/A)")
    return f"{problem}\n  (calculator: {model}, {len(case['atoms'])} atoms)" if problem else None


implement(
    id="08.equivariance-test",
    prompt=("Write a numerical equivariance test that works for any ASE calculator: rotate and translate a "
            "structure, and measure how much the energy changes and how far the new forces are from the rotated old "
            "ones. Checked against the library's test on 24 cases, with EMT (equivariant) and with a calculator "
            "that is not (a field along the laboratory z axis)."),
    scaffold='''def equivariance_errors(atoms, rotation, translation):
    """(energy_error, force_error) of atoms.calc under the rotation R and the translation t.

    atoms       : ase.Atoms with a calculator (periodic or not)
    rotation    : array (3, 3), a rotation matrix R;  translation : array (3,), A
    energy_error = |E(R r + t) - E(r)|, eV
    force_error  = max over atoms and components of |F(R r + t) - R F(r)|, eV/A
    ASE stores positions, cell vectors and forces as rows: a row vector v rotates to v @ R.T.
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def equivariance_errors(atoms, rotation, translation):
    energy, forces = atoms.get_potential_energy(), atoms.get_forces()
    turned = atoms.copy()
    turned.set_cell(atoms.cell[:] @ rotation.T, scale_atoms=False)   # the crystal turns with its atoms
    turned.positions = atoms.positions @ rotation.T + translation
    turned.calc = atoms.calc
    energy_error = abs(turned.get_potential_energy() - energy)
    force_error = np.abs(turned.get_forces() - forces @ rotation.T).max()
    return energy_error, force_error''',
    hints=("Copy the atoms, rotate the copy, attach the same calculator (copies have none), compute E and F again.",
           "Rows rotate as v @ R.T -- for the positions *and* for the old forces you compare with.",
           "Rotate the cell too (atoms.set_cell(cell @ R.T, scale_atoms=False)): rotating only the positions of a "
           "periodic structure builds a different crystal."),
    cases=_equivariance_cases,
    verify=_verify_equivariance,
)


# -- 08.committee-spread --------------------------------------------------------------------------


class _FixedForces(Calculator):
    implemented_properties = ["energy", "forces"]

    def __init__(self, forces, **kwargs):
        super().__init__(**kwargs)
        self.fixed = np.asarray(forces, dtype=float)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        self.results = {"energy": 0.0, "forces": self.fixed.copy()}


def _spread_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for _ in range(24):
        members, atoms = int(rng.integers(2, 9)), int(rng.integers(1, 12))
        common = rng.normal(0.0, 1.0, size=(atoms, 3))
        spread = rng.uniform(0.001, 0.5, size=(atoms, 1))
        cases.append({"forces": common + spread * rng.normal(size=(members, atoms, 3))})
    return cases


def _verify_spread(function, case) -> str | None:
    from ase import Atoms

    from matsci_ml.equivariant.committee import CommitteeCalculator

    forces = case["forces"]
    atoms = Atoms("H" * forces.shape[1], positions=np.arange(forces.shape[1] * 3.0).reshape(-1, 3))
    atoms.calc = CommitteeCalculator([_FixedForces(f) for f in forces])   # the library's committee
    atoms.get_forces()
    expected = atoms.calc.results["force_std"]
    return compare_arrays(function(forces.copy()), expected, atol=1e-12, rtol=1e-9, what="spread s_i (eV/A)")


implement(
    id="08.committee-spread",
    prompt=("A committee's uncertainty on atom i is the spread of its members' force vectors, "
            "s_i = sqrt( (1/M) sum_m |F_i^(m) - mean_m F_i^(m)|^2 ). Write it; the checker compares with the "
            "library's CommitteeCalculator on 24 committees of 2 to 8 members."),
    scaffold='''def committee_force_spread(forces):
    """s_i of each atom, eV/A: array (n_atoms,).

    forces : array (M, n_atoms, 3) -- the force on every atom predicted by each of the M members
    s_i = sqrt of the mean over members of the squared length of (F_i of a member - the members' mean F_i).
    """
    raise NotImplementedError''',
    solution_code='''import numpy as np

def committee_force_spread(forces):
    deviation = forces - forces.mean(axis=0)               # (M, n_atoms, 3)
    return np.sqrt((deviation ** 2).sum(axis=2).mean(axis=0))''',
    hints=("Subtract the committee mean (over axis 0, the members) from every member's forces.",
           "Square the deviation vectors' lengths (sum over the 3 components), then average over the members.",
           "Divide by M, not M - 1 (this is the committee's own spread, as in the library), and take the square "
           "root last; the spread of |F| alone would miss members that disagree on the direction."),
    cases=_spread_cases,
    verify=_verify_spread,
)
