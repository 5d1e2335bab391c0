r"""The averaged SOAP power spectrum of a crystal (Bartók, Kondor & Csányi, *Phys. Rev. B* 87, 184115 (2013)), by DScribe.

Around each atom :math:`i` the density of each element :math:`Z` is a sum of Gaussians (width ``sigma``) on its
neighbours within ``r_cut``; it is expanded on radial functions :math:`g_n` and spherical harmonics :math:`Y_{lm}`,
:math:`\rho^Z_i(\mathbf r) = \sum_{nlm} c^{Z}_{nlm}(i)\, g_n(r) Y_{lm}(\hat{\mathbf r})`, and the power spectrum

.. math::

    p^{Z Z'}_{n n' l}(i) = \pi \sqrt{\tfrac{8}{2l+1}} \sum_m c^{Z}_{nlm}(i)^{*}\, c^{Z'}_{n'lm}(i)

sums over :math:`m`, which removes the orientation: it is invariant to rotations (and, being built from
neighbour positions relative to the atom, to translations and to permuting the atoms). ``average="inner"``
averages the coefficients over the atoms of the cell before the sum over :math:`m` (DScribe's convention), so a
crystal is one vector. With 64 elements the full spectrum has :math:`64^2 n_{\max}^2 (l_{\max}+1)/2` entries;
``compression="mu1nu1"`` (Darby *et al.*, *npj Comput. Mater.* 8, 166 (2022)) pairs each element with the sum over
all elements and grows linearly with their number instead. What SOAP loses: anything beyond ``r_cut`` and, after
averaging, which atom had which environment.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted


class AveragedSoap(TransformerMixin, BaseEstimator):
    """DScribe's averaged SOAP of pymatgen ``Structure`` objects (or ASE ``Atoms``), periodic.

    Parameters
    ----------
    r_cut : float
        Cutoff radius, Å.
    n_max, l_max : int
        Radial and angular basis sizes.
    sigma : float
        Width of the atomic Gaussians, Å.
    compression : str
        DScribe's ``compression["mode"]``: ``"mu1nu1"`` (default), ``"off"``, ``"mu2"`` or ``"crossover"``.
    n_jobs : int

    Attributes
    ----------
    species_ : list of str
        The elements seen by ``fit``; a structure with another element is refused by ``transform``.
    """

    def __init__(self, r_cut: float = 5.0, n_max: int = 4, l_max: int = 3, sigma: float = 1.0,
                 compression: str = "mu1nu1", n_jobs: int = 1):
        self.r_cut, self.n_max, self.l_max, self.sigma = r_cut, n_max, l_max, sigma
        self.compression, self.n_jobs = compression, n_jobs

    def fit(self, X, y=None):
        from dscribe.descriptors import SOAP

        atoms = _as_atoms(X)
        self.species_ = sorted({symbol for a in atoms for symbol in a.get_chemical_symbols()})
        self.descriptor_ = SOAP(species=self.species_, r_cut=self.r_cut, n_max=self.n_max, l_max=self.l_max,
                                sigma=self.sigma, periodic=True, average="inner",
                                compression={"mode": self.compression})
        self.n_features_in_ = 1
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "descriptor_")
        atoms = _as_atoms(X)
        unseen = sorted({s for a in atoms for s in a.get_chemical_symbols()} - set(self.species_))
        if unseen:
            raise ValueError(f"element(s) {unseen} were not in the structures given to fit(); fit on all structures "
                             "(the descriptor needs no targets, only the list of elements)")
        return np.atleast_2d(self.descriptor_.create(atoms, n_jobs=self.n_jobs))


def _as_atoms(structures) -> list:
    from pymatgen.io.ase import AseAtomsAdaptor

    return [s if hasattr(s, "get_chemical_symbols") else AseAtomsAdaptor.get_atoms(s) for s in structures]
