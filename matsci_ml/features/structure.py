r"""Features of a crystal structure for a property model (lesson 09), as a scikit-learn transformer.

:class:`StructureFeaturizer` joins four blocks, each from a maintained library or checked against one:

* **composition** -- the Magpie statistics, valence orbitals and stoichiometry of lesson 02
  (:class:`~matsci_ml.features.CompositionFeaturizer`, equal to matminer's);
* **sine matrix** -- the eigenvalues of the sine Coulomb matrix (:mod:`matsci_ml.features.sine_matrix`), largest
  first, padded with zeros to the largest cell seen in ``fit``;
* **density** -- mass density (g/cm³) and volume per atom (Å³/atom);
* **site statistics** -- matminer's ``SiteStatsFingerprint`` of ``GaussianSymmFunc``: for every atom, Behler and
  Parrinello's radial and angular symmetry functions (Behler, *J. Chem. Phys.* 134, 074106 (2011)),

  .. math::

      G^2_i = \sum_{j} e^{-\eta r_{ij}^2} f_c(r_{ij}), \qquad
      G^4_i = 2^{1-\zeta} \sum_{j,k \ne i} (1 + \lambda \cos\theta_{ijk})^\zeta
              e^{-\eta (r_{ij}^2 + r_{ik}^2 + r_{jk}^2)} f_c(r_{ij}) f_c(r_{ik}) f_c(r_{jk}),

  with the cosine cutoff :math:`f_c(r) = \tfrac12[\cos(\pi r / r_c) + 1]` at :math:`r_c` = 6.5 Å (matminer's
  default :math:`\eta`, :math:`\zeta`, :math:`\lambda`); then the mean, standard deviation, minimum and maximum
  of each over the atoms of the cell.

Invariances: all four are unchanged by translating, rotating or permuting the atoms (distances, angles and
multisets of atoms). Composition and density cannot tell polymorphs of equal density apart; the symmetry
functions do not see which element a neighbour is (they count neighbours by distance only), and site statistics
forget which atom had which environment.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from matsci_ml.features.composition import CompositionFeaturizer
from matsci_ml.features.sine_matrix import sine_matrix_eigenvalues

SITE_STATS = ("mean", "std_dev", "minimum", "maximum")
BLOCKS = ("composition", "sine_matrix", "density", "site_stats")


def _site_stats_featurizer():
    from matminer.featurizers.site import GaussianSymmFunc
    from matminer.featurizers.structure import SiteStatsFingerprint

    return SiteStatsFingerprint(GaussianSymmFunc(), stats=SITE_STATS)


def _site_stats_chunk(structures) -> list:
    featurizer = _site_stats_featurizer()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [featurizer.featurize(structure) for structure in structures]


def site_statistics(structures, n_jobs: int = 1) -> np.ndarray:
    """matminer's ``SiteStatsFingerprint(GaussianSymmFunc())`` of each structure, shape (n, 32); ``n_jobs`` processes."""
    structures = list(structures)
    if n_jobs == 1 or len(structures) < 50:
        return np.array(_site_stats_chunk(structures), dtype=float)
    from joblib import Parallel, delayed

    chunks = [structures[i::4 * n_jobs] for i in range(4 * n_jobs)]
    parts = Parallel(n_jobs=n_jobs)(delayed(_site_stats_chunk)(chunk) for chunk in chunks)
    rows = np.empty((len(structures), len(parts[0][0])))
    for i, part in enumerate(parts):
        rows[i::4 * n_jobs] = part
    return rows


def density_features(structure) -> list[float]:
    """Mass density (g/cm³) and volume per atom (Å³/atom) of a pymatgen ``Structure``."""
    return [float(structure.density), structure.volume / len(structure)]


class StructureFeaturizer(TransformerMixin, BaseEstimator):
    """Composition, sine-matrix, density and site-statistics features of pymatgen ``Structure`` objects.

    Parameters
    ----------
    blocks : tuple of str
        Any of ``"composition"``, ``"sine_matrix"``, ``"density"``, ``"site_stats"`` (module docstring).
    n_jobs : int
        Processes for the site statistics, the slow block (about 25 ms per structure of 8 atoms).

    Attributes
    ----------
    n_sine_ : int
        Length of the sine-matrix block: the largest number of atoms in a cell seen by ``fit``.
    feature_names_out_ : ndarray of str

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> nacl = Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> X = StructureFeaturizer(blocks=("density",)).fit_transform([nacl])
    >>> [round(float(v), 3) for v in X[0]]
    [2.165, 44.85]
    """

    def __init__(self, blocks: tuple[str, ...] = BLOCKS, n_jobs: int = 1):
        self.blocks = blocks
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        unknown = set(self.blocks) - set(BLOCKS)
        if unknown:
            raise ValueError(f"unknown feature block(s) {sorted(unknown)}; choose from {BLOCKS}")
        structures = list(X)
        self.n_sine_ = max(len(s) for s in structures)
        self._composition = CompositionFeaturizer().fit([s.composition for s in structures])
        names = []
        for block in self.blocks:
            if block == "composition":
                names += list(self._composition.get_feature_names_out())
            elif block == "sine_matrix":
                names += [f"sine matrix eigenvalue {k}" for k in range(self.n_sine_)]
            elif block == "density":
                names += ["density (g/cm3)", "volume per atom (A3)"]
            else:
                names += list(_site_stats_featurizer().feature_labels())
        self.feature_names_out_ = np.array(names, dtype=object)
        self.n_features_in_ = 1
        return self

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "feature_names_out_")
        structures = list(X)
        parts = []
        for block in self.blocks:
            if block == "composition":
                parts.append(self._composition.transform([s.composition for s in structures]))
            elif block == "sine_matrix":
                too_big = [len(s) for s in structures if len(s) > self.n_sine_]
                if too_big:
                    raise ValueError(f"a cell of {max(too_big)} atoms is larger than the {self.n_sine_} seen by fit(); "
                                     "fit on all structures (the features need no targets)")
                parts.append(np.array([sine_matrix_eigenvalues(s, self.n_sine_) for s in structures]))
            elif block == "density":
                parts.append(np.array([density_features(s) for s in structures]))
            else:
                parts.append(site_statistics(structures, self.n_jobs))
        return np.hstack(parts)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_

