"""The MTP basis: sizes against mlip-2's, distinct and rotation-invariant functions, a valid program."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from matsci_ml.mtp.basis import MomentBasis, enumerate_contractions

# mlip-2's single-species basis sizes at levels 2, 4, ..., 24 (COURSE.md; Novikov et al. 2021)
MLIP_BASIS_SIZES = {2: 1, 4: 2, 6: 5, 8: 9, 10: 16, 12: 29, 14: 52, 16: 92, 18: 163, 20: 288, 22: 500, 24: 864}
MLIP_PARAMETER_COUNTS = {8: 26, 10: 41, 16: 125, 20: 329}


@pytest.mark.parametrize("level", sorted(MLIP_BASIS_SIZES))
def test_basis_size_matches_mlip(level):
    assert len(enumerate_contractions(level)) == MLIP_BASIS_SIZES[level]


@pytest.mark.parametrize("level", sorted(MLIP_PARAMETER_COUNTS))
def test_parameter_count_matches_mlip(level):
    assert MomentBasis(level).parameter_count(n_species=1, radial_basis_size=8) == MLIP_PARAMETER_COUNTS[level]


def test_level_8_is_the_course_list():
    names = {str(c) for c in MomentBasis(8).contractions}
    assert names == {"M00", "M10", "M00 M00", "M01 M01 [M01-M01x1]", "M02 M02 [M02-M02x2]", "M00 M10",
                     "M00 M00 M00", "M00 M01 M01 [M01-M01x1]", "M00 M00 M00 M00"}


@pytest.mark.parametrize("level", [10, 16, 20])
def test_functions_are_distinct_and_program_is_ordered(level):
    basis = MomentBasis(level)
    basis.check_distinct(seed=1)
    times = basis.alpha_index_times
    assert np.all(np.maximum(times[:, 0], times[:, 1]) < times[:, 3])
    assert np.all(times[:, 3] >= len(basis.alpha_index_basic))


def test_basis_is_rotation_invariant_and_not_trivially_so():
    basis = MomentBasis(16)
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(9, 3))
    radial = rng.uniform(0.5, 1.5, size=(basis.radial_funcs_count, 9))

    def values(v):
        return basis.evaluate(v / np.linalg.norm(v, axis=1, keepdims=True), radial)

    rotated = vectors @ Rotation.random(random_state=4).as_matrix().T
    np.testing.assert_allclose(values(rotated), values(vectors), rtol=1e-10)
    assert not np.allclose(values(vectors + 0.3), values(vectors))


def test_level_below_two_is_refused():
    with pytest.raises(ValueError, match="lowest MTP level is 2"):
        enumerate_contractions(1)
