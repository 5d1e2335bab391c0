"""`matsci-ml warmup` compiles the kernels the lessons call, with the argument types they call them with."""

from __future__ import annotations

from ase.build import bulk

from matsci_ml.cluster_expansion.lesson_setup import CUPT_LATTICE_CONSTANT, cupt_cluster_expansion
from matsci_ml.warmup import lesson_lattice_hamiltonian


def _numba_type(value):
    from numba import typeof

    return typeof(value)


def test_warmup_compiles_the_lattice_kernels_for_lesson_05s_table_types():
    # numba compiles a kernel per argument type, and the lattice tables' type holds the number of groups of equal
    # V per cluster order: the warm-up's Hamiltonian must give the same type as the lesson's fitted expansion
    space, ecis = cupt_cluster_expansion()
    lesson = space.hamiltonian(bulk("Cu", "fcc", a=CUPT_LATTICE_CONSTANT, cubic=True).repeat(6), ecis)
    warm = lesson_lattice_hamiltonian()
    assert _numba_type(warm.tables()) == _numba_type(lesson.tables())
    assert [len(groups) for groups in warm.tables()[11:17:2]] == [8, 2, 1]
