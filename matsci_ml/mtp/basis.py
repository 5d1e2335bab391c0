"""The MTP basis: every scalar contraction of moment tensors up to a level.

The moment tensors of the neighbourhood of atom :math:`i` are (Shapeev 2016)

.. math:: M_{\\mu,\\nu}(n_i) = \\sum_j f_\\mu(|r_{ij}|, z_i, z_j)\\,
          \\underbrace{\\hat r_{ij} \\otimes \\cdots \\otimes \\hat r_{ij}}_{\\nu\\ \\text{times}},

symmetric tensors of rank :math:`\\nu` with radial functions :math:`f_\\mu` (see :mod:`matsci_ml.mtp.potential`).
Their level is :math:`\\mathrm{lev}\\,M_{\\mu,\\nu} = 2 + 4\\mu + \\nu`; levels add under products and
contractions. A basis function :math:`B_\\alpha` is a *scalar* obtained by contracting at most four moment
tensors (:math:`\\mu \\le 5`, :math:`\\nu \\le 10`) so that every index is summed, with total level at
most ``lev_max``.

Such a contraction is a multigraph: one vertex per tensor (with degree :math:`\\nu`), one edge per pair
of contracted indices. Because each :math:`M_{\\mu,\\nu}` is symmetric, isomorphic graphs give the same
function, so the basis is the set of such graphs up to isomorphism (a disconnected graph is a product of
scalars, e.g. :math:`M_{0,0}\\,(M_{0,1}\\cdot M_{0,1})`). Counting them gives the sizes of mlip-2's bases:
1, 2, 5, 9, 16, 29, 52, 92, 163, 288, 500, 864 functions at levels 2, 4, ..., 24. A numerical check
(:meth:`MomentBasis.check_distinct`) confirms that no two graphs give the same function.

The basis is compiled into mlip-2's evaluation program, which is what a ``.mtp`` file stores:

* ``alpha_index_basic`` -- rows ``(mu, a, b, c)``: the component :math:`x^a y^b z^c` of
  :math:`M_{\\mu, a+b+c}` (symmetric tensors need only one component per monomial);
* ``alpha_index_times`` -- rows ``(i, j, k, l)``: :math:`m_l \\mathrel{+}= k\\, m_i m_j`, building
  every component of every intermediate tensor, in order;
* ``alpha_moment_mapping`` -- which of the :math:`m` are the scalar basis functions :math:`B_\\alpha`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from math import factorial

import numpy as np

MAX_TENSORS = 4
MAX_MU = 5
MAX_NU = 10


def moment_level(mu: int, nu: int) -> int:
    """Level of :math:`M_{\\mu,\\nu}`: :math:`2 + 4\\mu + \\nu`."""
    return 2 + 4 * mu + nu


@dataclass(frozen=True)
class Contraction:
    """One scalar basis function as a multigraph of moment tensors.

    Attributes
    ----------
    tensors : tuple of (mu, nu)
        The vertices, sorted.
    edges : tuple of (a, b, multiplicity)
        Indices contracted between tensors ``a < b``.
    """

    tensors: tuple[tuple[int, int], ...]
    edges: tuple[tuple[int, int, int], ...]

    @property
    def level(self) -> int:
        return sum(moment_level(mu, nu) for mu, nu in self.tensors)

    def __str__(self) -> str:
        names = [f"M{mu}{nu}" for mu, nu in self.tensors]
        bonds = ", ".join(f"{names[a]}-{names[b]}x{m}" for a, b, m in self.edges)
        return " ".join(names) + (f" [{bonds}]" if bonds else "")


def _canonical_edges(tensors, edges) -> tuple:
    """The lexicographically smallest edge list over vertex permutations that keep the labels."""
    k = len(tensors)
    best = None
    for perm in itertools.permutations(range(k)):
        if any(tensors[perm[i]] != tensors[i] for i in range(k)):
            continue
        key = tuple(sorted((min(perm[a], perm[b]), max(perm[a], perm[b]), m) for a, b, m in edges))
        if best is None or key < best:
            best = key
    return best


def _multigraphs(tensors: tuple[tuple[int, int], ...]) -> list[tuple]:
    """All multigraphs without loops whose vertex degrees are the ranks, up to isomorphism."""
    k = len(tensors)
    pairs = list(itertools.combinations(range(k), 2))
    found: set = set()
    degree = [nu for _, nu in tensors]
    chosen: list[tuple[int, int, int]] = []

    def place(pair_index: int) -> None:
        if pair_index == len(pairs):
            if not any(degree):
                found.add(_canonical_edges(tensors, chosen))
            return
        a, b = pairs[pair_index]
        # all remaining indices of `a` must go to later vertices
        for m in range(min(degree[a], degree[b]) + 1):
            degree[a] -= m
            degree[b] -= m
            if m:
                chosen.append((a, b, m))
            place(pair_index + 1)
            if m:
                chosen.pop()
            degree[a] += m
            degree[b] += m

    place(0)
    return sorted(found)


def enumerate_contractions(level: int, *, max_tensors: int = MAX_TENSORS, max_mu: int = MAX_MU,
                           max_nu: int = MAX_NU) -> list[Contraction]:
    """All scalar contractions of at most ``max_tensors`` moment tensors with level <= ``level``.

    Sorted by level, then by number of tensors. ``len(enumerate_contractions(16)) == 92``.
    """
    if level < 2:
        raise ValueError(f"the lowest MTP level is 2 (the basis {{M_00}}); got level={level}")
    moments = [(mu, nu) for mu in range(max_mu + 1) for nu in range(max_nu + 1) if moment_level(mu, nu) <= level]
    out = []
    for k in range(1, max_tensors + 1):
        for tensors in itertools.combinations_with_replacement(moments, k):
            if sum(moment_level(*t) for t in tensors) > level:
                continue
            out.extend(Contraction(tensors, edges) for edges in _multigraphs(tensors))
    out.sort(key=lambda c: (c.level, len(c.tensors), c.tensors, c.edges))
    return out


def _monomials(rank: int) -> list[tuple[int, int, int]]:
    """Exponents (a, b, c) with a + b + c = rank: the distinct components of a symmetric tensor."""
    return [(a, b, rank - a - b) for a in range(rank, -1, -1) for b in range(rank - a, -1, -1)]


def _multinomial(q: tuple[int, int, int]) -> int:
    return factorial(sum(q)) // (factorial(q[0]) * factorial(q[1]) * factorial(q[2]))


class _Node:
    """An intermediate tensor: a set of graph vertices with free index groups (one per vertex)."""

    def __init__(self, vertices: frozenset, free: dict[int, int], components: dict):
        self.vertices = vertices
        self.free = free            # vertex -> number of indices leaving the node
        self.components = components  # tuple of per-vertex powers -> symbolic key


def _outside_degree(vertex, inside, edges) -> int:
    return sum(m for a, b, m in edges if (a == vertex and b not in inside) or (b == vertex and a not in inside))


def _edge_multiplicity(edges, a, b) -> int:
    return sum(m for x, y, m in edges if {x, y} == {a, b})


def _group_powers(free: dict[int, int]):
    """All component labels of a node: one monomial per free group."""
    groups = sorted(v for v, d in free.items() if d)
    for combo in itertools.product(*(_monomials(free[v]) for v in groups)):
        yield tuple(zip(groups, combo))


def _contract(x: _Node, y: _Node, edges) -> _Node:
    """Contract two nodes over every graph edge between them (a plain product if there is none)."""
    inside = x.vertices | y.vertices
    free = {v: _outside_degree(v, inside, edges) for v in inside}
    bonds = [(v, w, _edge_multiplicity(edges, v, w)) for v in sorted(x.vertices) for w in sorted(y.vertices)]
    bonds = [b for b in bonds if b[2]]
    components = {}
    for label in _group_powers(free):
        rest = dict(label)
        terms: dict[tuple, int] = {}
        for split in itertools.product(*(_monomials(m) for _, _, m in bonds)):
            weight = 1
            px = {v: np.array(rest.get(v, (0, 0, 0))) for v in x.vertices if x.free[v]}
            py = {w: np.array(rest.get(w, (0, 0, 0))) for w in y.vertices if y.free[w]}
            for (v, w, _), q in zip(bonds, split):
                weight *= _multinomial(q)
                px[v] = px[v] + q
                py[w] = py[w] + q
            key_x = x.components[tuple((v, tuple(int(t) for t in px[v])) for v in sorted(px))]
            key_y = y.components[tuple((w, tuple(int(t) for t in py[w])) for w in sorted(py))]
            pair = (min(key_x, key_y), max(key_x, key_y))
            terms[pair] = terms.get(pair, 0) + weight
        components[label] = ("times", tuple(sorted(terms.items())))
    return _Node(inside, free, components)


def _merge_orders(n: int):
    """Every way to merge n nodes pairwise down to one (as lists of index pairs into a shrinking list)."""
    if n == 1:
        yield []
        return
    for i, j in itertools.combinations(range(n), 2):
        for rest in _merge_orders(n - 1):
            yield [(i, j), *rest]


def _node_cost(free: dict[int, int]) -> int:
    return int(np.prod([len(_monomials(d)) for d in free.values() if d] or [1]))


def _cheapest_order(contraction: Contraction) -> list[tuple[int, int]]:
    """The merge order creating the fewest intermediate components."""
    edges = contraction.edges
    best, best_cost = None, None
    for order in _merge_orders(len(contraction.tensors)):
        sets = [frozenset([v]) for v in range(len(contraction.tensors))]
        cost = 0
        for i, j in order:
            merged = sets[i] | sets[j]
            cost += _node_cost({v: _outside_degree(v, merged, edges) for v in merged})
            sets = [s for k, s in enumerate(sets) if k not in (i, j)] + [merged]
        if best_cost is None or cost < best_cost:
            best, best_cost = order, cost
    return best


class MomentBasis:
    """The scalar MTP basis of a level, compiled into mlip-2's evaluation program.

    Parameters
    ----------
    level : int
        ``lev_max``, an even number from 2 to 24 in practice (mlip-2 ships 2-28).

    Attributes
    ----------
    contractions : list of Contraction
        The basis functions :math:`B_\\alpha` as graphs, in the order of ``alpha_moment_mapping``.
    alpha_index_basic : ndarray (n_basic, 4) of int
    alpha_index_times : ndarray (n_times, 4) of int
    alpha_moment_mapping : ndarray (n_scalar,) of int
    alpha_moments_count : int
        Number of moment components computed (basic plus products).

    Examples
    --------
    >>> basis = MomentBasis(8)
    >>> len(basis), basis.radial_funcs_count
    (9, 2)
    >>> [str(c) for c in basis.contractions][:4]
    ['M00', 'M00 M00', 'M01 M01 [M01-M01x1]', 'M00 M00 M00']
    """

    def __init__(self, level: int):
        self.level = int(level)
        self.contractions = enumerate_contractions(self.level)
        self._compile()

    def __len__(self) -> int:
        return len(self.contractions)

    @property
    def radial_funcs_count(self) -> int:
        """Number of radial functions :math:`f_\\mu`: one more than the largest :math:`\\mu` used."""
        return 1 + max(mu for c in self.contractions for mu, _ in c.tensors)

    def parameter_count(self, n_species: int = 1, radial_basis_size: int = 8) -> int:
        """Free parameters: moment coefficients, one energy per species, radial coefficients."""
        return len(self) + n_species + n_species**2 * self.radial_funcs_count * radial_basis_size

    def _compile(self) -> None:
        keys: dict[tuple, int] = {}
        basic: list[tuple[int, int, int, int]] = []
        times: list[tuple[int, int, int, int]] = []
        # basic components first (mlip-2 evaluates them before any product)
        for c in self.contractions:
            for mu, nu in c.tensors:
                for powers in _monomials(nu):
                    key = ("basic", mu, powers)
                    if key not in keys:
                        keys[key] = len(basic)
                        basic.append((mu, *powers))
        n_basic = len(basic)
        product_keys: dict[tuple, int] = {}

        def index_of(key) -> int:
            if key[0] == "basic":
                return keys[key]
            if key not in product_keys:
                # operands first, so every row reads values computed by earlier rows
                rows = [(index_of(a), index_of(b), mult) for (a, b), mult in key[1]]
                target = n_basic + len(product_keys)
                times.extend((a, b, mult, target) for a, b, mult in rows)
                product_keys[key] = target
            return product_keys[key]

        mapping = []
        for c in self.contractions:
            nodes = [_Node(frozenset([v]), {v: nu}, {((v, p),) if nu else (): ("basic", mu, p) for p in _monomials(nu)})
                     for v, (mu, nu) in enumerate(c.tensors)]
            for i, j in _cheapest_order(c):
                merged = _contract(nodes[i], nodes[j], c.edges)
                nodes = [n for k, n in enumerate(nodes) if k not in (i, j)] + [merged]
            (scalar_key,) = nodes[0].components.values()
            mapping.append(index_of(scalar_key))
        self.alpha_index_basic = np.array(basic, dtype=np.int64).reshape(-1, 4)
        self.alpha_index_times = np.array(times, dtype=np.int64).reshape(-1, 4)
        self.alpha_moment_mapping = np.array(mapping, dtype=np.int64)
        self.alpha_moments_count = n_basic + len(product_keys)

    @cached_property
    def max_power(self) -> int:
        return int(self.alpha_index_basic[:, 1:].max(initial=0))

    def evaluate(self, unit_vectors: np.ndarray, radial_values: np.ndarray) -> np.ndarray:
        """Basis values of one neighbourhood (pure NumPy, for checks; the kernels do this fast).

        Parameters
        ----------
        unit_vectors : ndarray (n_neighbours, 3)
        radial_values : ndarray (radial_funcs_count, n_neighbours)
            :math:`f_\\mu(r_j)` for each neighbour.
        """
        mu, a, b, c = self.alpha_index_basic.T
        monomials = unit_vectors[:, 0][None, :] ** a[:, None] * unit_vectors[:, 1][None, :] ** b[:, None] \
            * unit_vectors[:, 2][None, :] ** c[:, None]
        values = np.zeros(self.alpha_moments_count)
        values[: len(mu)] = (radial_values[mu] * monomials).sum(axis=1)
        for i, j, k, target in self.alpha_index_times:
            values[target] += k * values[i] * values[j]
        return values[self.alpha_moment_mapping]

    def check_distinct(self, seed: int = 0, rtol: float = 1e-8) -> None:
        """Raise if two basis functions coincide, or one vanishes, on a random neighbourhood.

        The graphs are distinct by construction; this confirms that distinct graphs are distinct functions.
        """
        rng = np.random.default_rng(seed)
        vectors = rng.normal(size=(7, 3))
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        radial = rng.uniform(0.5, 1.5, size=(max(self.radial_funcs_count, 1), 7))
        values = self.evaluate(unit, radial)
        order = np.argsort(values)
        close = np.isclose(values[order][1:], values[order][:-1], rtol=rtol, atol=0)
        if np.any(close) or np.any(np.abs(values) < 1e-12):
            pairs = [(str(self.contractions[order[i]]), str(self.contractions[order[i + 1]]))
                     for i in np.flatnonzero(close)]
            raise AssertionError(f"coinciding or vanishing basis functions: {pairs}")
