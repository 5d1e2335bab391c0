"""Cluster space of a binary alloy: orbits mapped onto supercells, correlation functions, Hamiltonians.

Each lattice site carries an occupation variable :math:`\\sigma_i = +1` (first species) or
:math:`-1` (second species). For an orbit :math:`\\alpha` of symmetry-equivalent clusters, the
*correlation function* of a configuration is the average cluster product

.. math:: \\varphi_\\alpha(\\sigma) = \\frac{1}{N_\\alpha} \\sum_{c \\in \\alpha} \\prod_{i \\in c} \\sigma_i ,

taken over the :math:`N_\\alpha` clusters of the orbit in the (periodic) supercell; it lies in
:math:`[-1, 1]`. The empty cluster has :math:`\\varphi_0 = 1` and the point cluster
:math:`\\varphi_1 = \\langle\\sigma\\rangle = x_+ - x_-`. The cluster expansion of the energy per site is

.. math:: E/N = \\sum_\\alpha J_\\alpha \\varphi_\\alpha(\\sigma),

with effective cluster interactions (ECIs) :math:`J_\\alpha` in eV/site. This is CLEASE's convention;
icet writes :math:`E/N = \\sum_\\alpha m_\\alpha J^{icet}_\\alpha \\varphi_\\alpha` with :math:`m_\\alpha` the
number of clusters of the orbit per site, so :math:`J^{icet}_\\alpha = J_\\alpha / m_\\alpha`.

The expansion is exact in the limit of all clusters (the cluster functions form a complete
orthonormal basis of functions of the configuration, Sanchez, Ducastelle & Gratias 1984); it
converges quickly for alloys, so a few pairs and a triplet or two usually suffice.

On a supercell big enough that no cluster wraps onto itself, the same expansion is a lattice
Hamiltonian: every cluster :math:`c` of orbit :math:`\\alpha` gets the interaction
:math:`V_c = J_\\alpha / m_\\alpha`, which :meth:`ClusterSpace.hamiltonian` hands to the Monte Carlo kernels.
The binary basis :math:`\\pm 1` is the two-component case of the orthonormal point functions of
Sanchez et al.; a multicomponent basis would replace the product of spins by a product of point
functions, leaving the orbit machinery unchanged.
"""

from __future__ import annotations

import numpy as np
from ase import Atoms

from matsci_ml.cluster_expansion.orbits import Orbit, _Lattice, cluster_orbits
from matsci_ml.monte_carlo.hamiltonian import ClusterHamiltonian
from matsci_ml.monte_carlo.lattice_hamiltonian import LATTICE_ORDERS, LatticeHamiltonian, repeat_structure

_KEY_SCALE = 100000


def _keys(fractional: np.ndarray) -> np.ndarray:
    """Integer keys of wrapped fractional coordinates (resolution 1e-5), one per row."""
    wrapped = np.mod(np.round(fractional, 6), 1.0)
    digits = np.round(wrapped * _KEY_SCALE).astype(np.int64) % _KEY_SCALE
    return (digits[:, 0] * _KEY_SCALE + digits[:, 1]) * _KEY_SCALE + digits[:, 2]


class ClusterSpace:
    """The orbits of a parent lattice and the map from configurations to correlation functions.

    Parameters
    ----------
    primitive : ase.Atoms
        Primitive cell of the parent lattice (e.g. ``ase.build.bulk("Cu", "fcc", a=3.8)``).
    cutoffs : dict
        ``{order: cutoff_A}``, e.g. ``{2: 5.5, 3: 3.0}``: pairs with both sites within 5.5 A and
        triplets whose three distances are all at most 3.0 A.
    species : pair of str
        The two elements, in the order +1, -1, e.g. ``("Cu", "Pt")``.

    Examples
    --------
    >>> from ase.build import bulk
    >>> space = ClusterSpace(bulk("Cu", "fcc", a=3.8), {2: 4.0}, ("Cu", "Pt"))
    >>> space.names
    ['0', '1', '2_2.687', '2_3.800']
    >>> l10 = bulk("Cu", "fcc", a=3.8, cubic=True)
    >>> l10.symbols = "CuCuPtPt"
    >>> space.correlations(l10).round(6).tolist()   # L1_0: 4 unlike and 2 like NN, like 2nd neighbours
    [1.0, 0.0, -0.333333, 1.0]
    """

    def __init__(self, primitive: Atoms, cutoffs: dict[int, float], species: tuple[str, str]):
        species = tuple(species)
        if len(species) != 2 or species[0] == species[1]:
            raise ValueError(f"species must be two different elements, e.g. ('Cu', 'Pt'); got {species!r}")
        self.primitive = primitive.copy()
        self.cutoffs = dict(cutoffs)
        self.species = species
        self._lattice = _Lattice(self.primitive, symprec=1e-5)
        self.orbits: list[Orbit] = self._point_orbits() + cluster_orbits(self.primitive, self.cutoffs)

    def _point_orbits(self) -> list[Orbit]:
        groups: dict[int, set] = {}
        for b in range(len(self.primitive)):
            images = {self._lattice.apply(op, (b, (0, 0, 0)))[0] for op in range(len(self._lattice.rotations))}
            groups.setdefault(min(images), set()).update(images)
        return [Orbit(1, 0.0, ((b0, (0, 0, 0)),), tuple(((b, (0, 0, 0)),) for b in sorted(members)))
                for b0, members in sorted(groups.items())]

    # -- description -------------------------------------------------------------------------

    @property
    def n_basis(self) -> int:
        """Sites per primitive cell."""
        return len(self.primitive)

    @property
    def names(self) -> list[str]:
        """One name per correlation function: ``'0'``, ``'1'``, then ``'<order>_<radius in A>'``."""
        names = ["0"] + ["1" if len(self.orbits_of_order(1)) == 1 else f"1_{o.representative[0][0]}"
                         for o in self.orbits_of_order(1)]
        return names + [f"{o.order}_{o.radius:.3f}" for o in self.orbits if o.order > 1]

    @property
    def n_parameters(self) -> int:
        """Number of correlation functions (and ECIs), the empty cluster included."""
        return 1 + len(self.orbits)

    @property
    def orders(self) -> np.ndarray:
        """Cluster order of each correlation function (0 for the empty cluster)."""
        return np.array([0] + [o.order for o in self.orbits])

    @property
    def radii(self) -> np.ndarray:
        """Cluster radius (largest intra-cluster distance, A) of each correlation function."""
        return np.array([0.0] + [o.radius for o in self.orbits])

    @property
    def clusters_per_site(self) -> np.ndarray:
        """:math:`m_\\alpha`: clusters of each orbit per lattice site (1 for the empty cluster)."""
        return np.array([1.0] + [o.multiplicity / self.n_basis for o in self.orbits])

    def orbits_of_order(self, order: int) -> list[Orbit]:
        return [o for o in self.orbits if o.order == order]

    def __repr__(self) -> str:
        return (f"ClusterSpace({self.primitive.get_chemical_formula()} parent, species={self.species}, "
                f"cutoffs={self.cutoffs}, {self.n_parameters} correlation functions)")

    # -- supercells ---------------------------------------------------------------------------

    def _supercell_matrix(self, atoms: Atoms) -> np.ndarray:
        cell = np.asarray(atoms.get_cell())
        matrix = cell @ np.linalg.inv(np.asarray(self.primitive.get_cell()))
        if not np.allclose(matrix, np.round(matrix), atol=1e-4) or abs(np.linalg.det(matrix)) < 0.5:
            raise ValueError("the structure's cell is not a supercell of the parent lattice: its cell vectors must be "
                             "integer combinations of the primitive cell's (build it with ase.build.make_supercell, "
                             "and pass the ideal, unrelaxed lattice positions)")
        return np.round(matrix).astype(int)

    def cluster_sites(self, atoms: Atoms) -> list[np.ndarray]:
        """Supercell site indices of every cluster of every orbit: one (n_clusters, order) array per orbit.

        ``atoms`` must sit on the ideal sites of the parent lattice in a supercell of it; otherwise a
        ``ValueError`` says what does not match.
        """
        matrix = self._supercell_matrix(atoms)
        n_cells = int(round(abs(np.linalg.det(matrix))))
        if len(atoms) != n_cells * self.n_basis:
            raise ValueError(f"a supercell of {n_cells} primitive cells has {n_cells * self.n_basis} sites; "
                             f"the structure has {len(atoms)} atoms (vacancies are not part of a binary cluster space)")
        prim_cell = np.asarray(self.primitive.get_cell())
        to_super = np.linalg.inv(np.asarray(atoms.get_cell()))
        site_keys = _keys(atoms.get_positions() @ to_super)
        order = np.argsort(site_keys)
        sorted_keys = site_keys[order]
        if np.any(np.diff(sorted_keys) == 0):
            raise ValueError("two atoms occupy the same lattice site")

        def lookup(lattice_fractional: np.ndarray) -> np.ndarray:
            keys = _keys(lattice_fractional @ prim_cell @ to_super)
            where = np.searchsorted(sorted_keys, keys)
            where[where == len(sorted_keys)] = 0
            if np.any(sorted_keys[where] != keys):
                raise ValueError("the atoms are not on the ideal sites of the parent lattice; pass the unrelaxed "
                                 "structure (relaxed positions belong to the energy, not to the configuration)")
            return order[where]

        # lattice coordinates of the atoms: basis b and cell n; the cells of basis-0 atoms are the translations
        fractional_prim = atoms.get_positions() @ np.linalg.inv(prim_cell)
        basis = self._lattice.fractional
        offset = fractional_prim - basis[0]
        translations = np.round(offset[np.all(np.abs(offset - np.round(offset)) <= 1e-4, axis=1)])
        if len(translations) != n_cells:
            raise ValueError("the atoms are not on the ideal sites of the parent lattice")
        lookup(fractional_prim)   # every atom must be on a site
        result = []
        for orbit in self.orbits:
            columns = []
            for position in range(orbit.order):
                offsets = np.array([basis[cluster[position][0]] + np.array(cluster[position][1])
                                    for cluster in orbit.clusters])                       # (m, 3)
                points = (translations[:, None, :] + offsets[None, :, :]).reshape(-1, 3)  # (n_cells * m, 3)
                columns.append(lookup(points))
            result.append(np.stack(columns, axis=1).astype(np.int64))
        return result

    def occupations(self, atoms: Atoms) -> np.ndarray:
        """:math:`\\sigma_i`: +1 where the first species sits, -1 for the second (int8)."""
        symbols = np.array(atoms.get_chemical_symbols())
        unknown = sorted(set(symbols) - set(self.species))
        if unknown:
            raise ValueError(f"the structure contains {', '.join(unknown)}, outside this cluster space's species "
                             f"{self.species}")
        return np.where(symbols == self.species[0], 1, -1).astype(np.int8)

    # -- correlation functions ----------------------------------------------------------------

    def correlations(self, atoms: Atoms) -> np.ndarray:
        """Correlation functions :math:`\\varphi_\\alpha` (empty cluster first) of a structure on the lattice."""
        spins = self.occupations(atoms).astype(float)
        return np.array([1.0] + [float(np.mean(np.prod(spins[sites], axis=1))) for sites in self.cluster_sites(atoms)])

    def correlation_matrix(self, structures) -> np.ndarray:
        """Rows of correlation functions, one per structure: the feature matrix of the fit."""
        return np.array([self.correlations(atoms) for atoms in structures])

    # -- Monte Carlo -------------------------------------------------------------------------

    def hamiltonian(self, supercell: Atoms, ecis, *, tables: str = "auto"):
        """The expansion with ECIs ``ecis`` (eV/site) as a lattice Hamiltonian on ``supercell``.

        Its energy is the total energy :math:`N \\sum_\\alpha J_\\alpha \\varphi_\\alpha` (eV). The supercell
        must be large enough that no cluster contains the same site twice (a ``ValueError`` names the
        orbit that wraps onto itself and asks for a larger supercell).

        ``tables``: ``"lattice"`` gives a :class:`~matsci_ml.monte_carlo.lattice_hamiltonian.LatticeHamiltonian`,
        whose tables are stored once per site of the unit cell (the supercell must be ``unit.repeat((n0, n1, n2))``
        in ASE's site order, as ``bulk(...).repeat(n)`` is, and hold clusters of up to 4 sites): setup, memory and
        the cost of a Monte Carlo move do not grow with the supercell. ``"site"`` gives a
        :class:`~matsci_ml.monte_carlo.hamiltonian.ClusterHamiltonian` with tables per site (any supercell and site
        order). ``"auto"`` (default): lattice tables where possible.
        """
        ecis = np.asarray(ecis, dtype=float)
        if ecis.shape != (self.n_parameters,):
            raise ValueError(f"expected {self.n_parameters} ECIs ({', '.join(self.names)}), got shape {ecis.shape}")
        if tables not in ("auto", "lattice", "site"):
            raise ValueError(f"tables must be 'auto', 'lattice' or 'site', got {tables!r}")
        if tables != "site":
            lattice, why = self._lattice_hamiltonian(supercell, ecis)
            if lattice is not None:
                return lattice
            if tables == "lattice":
                raise ValueError(f"no lattice tables for this supercell: {why}; use tables='site'")
        terms = []
        for eci, orbit, sites, per_site in zip(ecis[1:], self.orbits, self.cluster_sites(supercell),
                                               self.clusters_per_site[1:]):
            if eci == 0.0:
                continue
            _check_no_wrap(orbit, sites)
            terms.append((eci / per_site, [tuple(c) for c in sites]))
        return ClusterHamiltonian.from_clusters(len(supercell), terms, constant=ecis[0] * len(supercell))

    def _lattice_hamiltonian(self, supercell: Atoms, ecis: np.ndarray):
        """(LatticeHamiltonian, "") or (None, why not)."""
        if any(o.order > max(LATTICE_ORDERS) for o, eci in zip(self.orbits, ecis[1:]) if eci != 0.0):
            return None, f"it has clusters of more than {max(LATTICE_ORDERS)} sites"
        structure = repeat_structure(supercell)
        if structure is None:
            return None, "the supercell is not unit.repeat((n0, n1, n2)) in ASE's site order"
        n_basis, n_cells = structure
        unit_cell = np.asarray(supercell.get_cell()) / np.array(n_cells)[:, None]
        unit = Atoms(supercell.numbers[:n_basis], positions=supercell.positions[:n_basis], cell=unit_cell, pbc=True)
        self._supercell_matrix(unit)                                           # the unit must be a parent supercell
        # a reference supercell just big enough that no cluster wraps: every cluster through the unit's sites
        spacing = abs(np.linalg.det(unit_cell)) / np.linalg.norm(np.cross(unit_cell[[1, 2, 0]], unit_cell[[2, 0, 1]]),
                                                                  axis=1)
        reach = np.ceil(max(self.cutoffs.values(), default=0.0) / spacing).astype(int) + 1
        m = np.minimum(np.array(n_cells), 2 * reach + 1)
        reference = unit.repeat(tuple(int(k) for k in m))
        shifts = {order: [[] for _ in range(n_basis)] for order in LATTICE_ORDERS}
        partners = {order: [[] for _ in range(n_basis)] for order in LATTICE_ORDERS}
        values = {order: [[] for _ in range(n_basis)] for order in LATTICE_ORDERS}
        point_values = np.zeros(n_basis)
        for eci, orbit, sites, per_site in zip(ecis[1:], self.orbits, self.cluster_sites(reference),
                                               self.clusters_per_site[1:]):
            if eci == 0.0:
                continue
            _check_no_wrap(orbit, sites)
            value = eci / per_site
            if orbit.order == 1:
                np.add.at(point_values, sites[sites[:, 0] < n_basis, 0], value)
                continue
            for b in range(n_basis):
                for row in sites[np.any(sites == b, axis=1)]:
                    others = [int(j) for j in row if j != b]
                    cells = np.stack(np.unravel_index(np.array(others) // n_basis, tuple(m)), axis=1)
                    cells = np.where(cells > m // 2, cells - m, cells)                       # nearest image
                    shifts[orbit.order][b].append(cells)
                    partners[orbit.order][b].append(np.array(others) % n_basis)
                    values[orbit.order][b].append(value)
        return LatticeHamiltonian(tuple(int(k) for k in n_cells), n_basis, float(ecis[0] * len(supercell)),
                                  point_values, *_padded(shifts, partners, values, n_basis)), ""


def _check_no_wrap(orbit: Orbit, sites: np.ndarray) -> None:
    if orbit.order > 1 and np.any(np.sort(sites, axis=1)[:, 1:] == np.sort(sites, axis=1)[:, :-1]):
        raise ValueError(f"the supercell is too small for orbit {orbit.order}_{orbit.radius:.3f}: a cluster "
                         "wraps onto itself; repeat the supercell (each side longer than twice the cutoff)")


def _padded(shifts: dict, partners: dict, values: dict, n_basis: int) -> tuple:
    """Per-order lists of clusters per basis site -> (shifts, partners, values) arrays padded with V = 0."""
    out_shifts, out_partners, out_values = [], [], []
    for order in LATTICE_ORDERS:
        k = max(len(v) for v in values[order])
        s = np.zeros((n_basis, k, order - 1, 3), dtype=np.int64)
        p = np.tile(np.arange(n_basis)[:, None, None], (1, k, order - 1)).astype(np.int64)   # padding: the site itself
        v = np.zeros((n_basis, k))
        for b in range(n_basis):
            order_by_value = np.argsort(values[order][b], kind="stable")       # as the per-site tables: by V
            for slot, c in enumerate(order_by_value):
                s[b, slot], p[b, slot], v[b, slot] = shifts[order][b][c], partners[order][b][c], values[order][b][c]
        out_shifts.append(s)
        out_partners.append(p)
        out_values.append(v)
    return tuple(out_shifts), tuple(out_partners), tuple(out_values)
