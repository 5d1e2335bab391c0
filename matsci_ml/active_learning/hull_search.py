r"""The last step of a convex-hull search with an actively learned potential: check the near-hull candidates with the
oracle.

After active learning (Gubaev *et al.*, *Comput. Mater. Sci.* 156, 148 (2019); Novikov *et al.* 2021, the binary-hull
case), every candidate has been relaxed with the MTP, and the MTP's hull is known. Its formation energies carry the
MTP's error (a few meV/atom), while neighbouring hull vertices of an alloy are often closer than that: the MTP alone
can drop a vertex or pick the wrong structure. So every candidate within ``window`` of the MTP's hull is computed once
with the oracle, at its MTP-relaxed geometry (one single point: a small geometry error changes the energy only to
second order), and the final hull is built from those oracle energies alone:

.. math:: \mathcal{C} = \{k : E^\mathrm{MTP}_{\mathrm{above\,hull}}(k) < w\}, \qquad
          \text{hull}\big(\{(x_k, \Delta E^\mathrm{oracle}_k) : k \in \mathcal{C}\}\big).

The second-order argument fails where the MTP relaxed a candidate to a wrong geometry (a distorted cell the MTP
believes low in energy): the oracle's single point there lies far above the structure's true minimum. So a candidate
whose single point disagrees with the MTP by more than :math:`w` is relaxed with the oracle and its relaxed energy is
used (each optimiser step is one more oracle call; ``relaxed`` lists them). Give the ``unrelaxed`` candidates to
start these relaxations where a direct search would: from a badly distorted MTP geometry the oracle's optimiser can
end in another, higher local minimum.

A structure left out can only belong on the oracle's hull if the MTP placed it more than :math:`w` too high relative
to the hull; the largest MTP error seen on :math:`\mathcal{C}` (:attr:`HullRefinement.largest_mtp_error`, against
the final oracle energies) is the check that :math:`w` was wide enough. Where it was not (an error of :math:`w` or
more), the window is doubled until it exceeds that error and the candidates it adds are computed the same way,
repeatedly, so that the search ends with every candidate within the largest error it has seen of the MTP's hull
computed with the oracle (:attr:`HullRefinement.window` is the final window; ``widen=False`` keeps the first one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matsci_ml.atomistic.hull import ConvexHull, convex_hull, formation_energies
from matsci_ml.atomistic.oracle import label_all
from matsci_ml.atomistic.relax import relax_all


@dataclass
class HullRefinement:
    """Outcome of :func:`refine_near_hull`; indices refer to the candidate list.

    Attributes
    ----------
    checked : ndarray of int
        Candidates computed with the oracle (within the window of the MTP's hull; the pure elements always).
    concentration, formation_energy : ndarray
        Over all candidates: the fraction of ``species[0]`` and the oracle's formation energy (eV/atom), nan where
        not checked.
    mtp_formation_energy : ndarray
        The MTP's formation energies of all candidates (eV/atom).
    hull : ConvexHull
        The oracle's hull over the checked candidates; ``hull.ground_states`` are candidate indices.
    oracle_calls : int
        Single points plus the optimiser steps of the relaxed candidates.
    relaxed : ndarray of int
        Checked candidates whose single point disagreed with the MTP by more than the first window, relaxed with the
        oracle.
    window : float
        The final window (eV/atom): the first one, doubled as often as the MTP's error on the checked required.
    """

    checked: np.ndarray
    concentration: np.ndarray
    formation_energy: np.ndarray
    mtp_formation_energy: np.ndarray
    hull: ConvexHull
    oracle_calls: int
    relaxed: np.ndarray
    window: float

    @property
    def largest_mtp_error(self) -> float:
        """Largest |MTP - oracle| formation energy over the checked candidates (eV/atom)."""
        return float(np.nanmax(np.abs(self.mtp_formation_energy - self.formation_energy)))


def refine_near_hull(structures, mtp_energy_per_atom, species, oracle, *, window: float = 0.010, unrelaxed=None,
                     fmax: float = 0.01, steps: int = 200, widen: bool = True, executor=None) -> HullRefinement:
    """Compute with ``oracle`` every candidate within ``window`` (eV/atom) of the hull of the MTP's energies and
    return the oracle's hull over them (module docstring).

    ``structures`` are the MTP-relaxed candidates (:meth:`ActiveLearningLoop.final_structures`),
    ``mtp_energy_per_atom`` their MTP energies (eV/atom), ``species`` the two elements. The candidates the MTP got
    wrong are relaxed with the oracle (:func:`~matsci_ml.atomistic.relax.relax_all`, positions and cell, to ``fmax``
    eV/Å in at most ``steps``) from ``unrelaxed`` (the candidates as enumerated, same order) if given, else from the
    MTP's geometry. With ``widen`` (the default) the window is doubled while the MTP's largest error on the checked
    candidates reaches it.
    """
    if window <= 0:
        raise ValueError(f"window must be positive (eV/atom), got {window}")
    if unrelaxed is not None and len(unrelaxed) != len(structures):
        raise ValueError(f"unrelaxed holds {len(unrelaxed)} candidates, structures {len(structures)}: give the same list")
    if not np.all(np.isfinite(mtp_energy_per_atom)):
        bad = np.flatnonzero(~np.isfinite(mtp_energy_per_atom)).tolist()
        raise ValueError(f"the MTP energies of candidates {bad} are not finite: a failed relaxation? Drop those "
                         f"candidates or relax them again")
    x, e_mtp = formation_energies(structures, mtp_energy_per_atom, species)
    above_mtp_hull = convex_hull(x, e_mtp).energy_above_hull
    energy = np.full(len(structures), np.nan)           # the oracle's energy per atom of the checked
    formation = np.full(len(structures), np.nan)
    done = np.zeros(len(structures), dtype=bool)
    relaxed, calls, current = np.array([], dtype=int), 0, window
    while True:
        new = np.flatnonzero(((above_mtp_hull < current) | (x == 0) | (x == 1)) & ~done)
        labelled = label_all([structures[i] for i in new], oracle, executor=executor)
        energy[new] = [a.get_potential_energy() / len(a) for a in labelled]
        calls += len(new)
        done[new] = True
        checked = np.flatnonzero(done)
        _refuse_non_finite(energy, new)
        formation[checked] = formation_energies([structures[i] for i in checked], energy[checked], species)[1]
        wrong = new[np.abs(formation[new] - e_mtp[new]) > window]
        if len(wrong):          # a wrong MTP geometry: the single point is not the structure's energy
            starts = unrelaxed if unrelaxed is not None else structures
            outcome = relax_all([starts[i] for i in wrong], oracle, fmax=fmax, steps=steps)
            energy[wrong] = np.minimum(energy[wrong], outcome.energy_per_atom)
            calls += int(outcome.steps.sum())
            relaxed = np.sort(np.concatenate([relaxed, wrong]))
            _refuse_non_finite(energy, wrong)
            formation[checked] = formation_energies([structures[i] for i in checked], energy[checked], species)[1]
        largest = np.max(np.abs(formation[checked] - e_mtp[checked]))
        if not widen or largest < current or len(checked) == len(structures):
            break
        while current <= largest:
            current *= 2
    sub = convex_hull(x[checked], formation[checked])
    above = np.full(len(structures), np.nan)
    above[checked] = sub.energy_above_hull
    hull = ConvexHull(checked[sub.ground_states], sub.concentration, sub.mixing_energy, above)
    return HullRefinement(checked, x, formation, e_mtp, hull, calls, relaxed, current)


def _refuse_non_finite(energy: np.ndarray, indices: np.ndarray) -> None:
    bad = indices[~np.isfinite(energy[indices])]
    if len(bad):
        raise ValueError(f"the oracle gave a non-finite energy for candidates {bad.tolist()}: check its results")


__all__ = ["HullRefinement", "refine_near_hull"]
