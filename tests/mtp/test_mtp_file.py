"""mlip-2 .mtp files: exact round trip, and errors that name the line."""

import numpy as np
import pytest

from matsci_ml.mtp import MomentTensorPotential, MTPFileError, read_mtp


@pytest.fixture
def potential():
    mtp = MomentTensorPotential.from_level(10, ["Ni", "Pt"], min_dist=1.9, max_dist=4.8, seed=3)
    mtp.moment_coeffs = np.random.default_rng(1).normal(size=mtp.moment_coeffs.size)
    mtp.species_coeffs = np.array([-4.1, -5.7])
    return mtp


def test_round_trip_is_exact(potential, tmp_path):
    path = tmp_path / "NiPt.mtp"
    potential.write(path)
    again = read_mtp(path)
    assert again.species == potential.species and again.level == 10
    np.testing.assert_array_equal(again.parameters, potential.parameters)
    np.testing.assert_array_equal(again.alpha_index_times, potential.alpha_index_times)
    assert (again.min_dist, again.max_dist) == (1.9, 4.8)


def test_file_written_by_mlip_without_names_needs_species(potential, tmp_path):
    path = tmp_path / "plain.mtp"
    potential.write(path)
    text = path.read_text().replace("potential_tag = species Ni Pt level 10", "potential_tag = ")
    path.write_text(text)
    with pytest.raises(MTPFileError, match=r"pass species=\[\.\.\.\]"):
        read_mtp(path)
    assert read_mtp(path, species=["Ni", "Pt"]).species == (28, 78)


def _line_of(text, start):
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.strip().startswith(start))


# (line to spoil, its replacement, expected message, line the error is found on relative to it)
@pytest.mark.parametrize("start, replacement, message, offset", [
    ("alpha_moments_count", "alpha_moments_count = many", "must be an integer", 0),
    ("species_coeffs", "species_coeffs = {1.0}", "expected 2 species_coeffs", 0),
    ("0-1", "0-2", "expected the species pair header '0-1'", 0),
    ("radial_basis_size", "radial_basis_size = 7", "expected 7 radial coefficients, found 8", 4),
    ("alpha_index_times_count", "alpha_index_times_count = 3", "expected 3 rows", 1),
    ("version", "version = 2.0", "only version 1.1.0", 0),
    ("species_count", "species_count = -1", "species_count must be at least 1, got -1", 0),
    ("moment_coeffs", "moment_coeffs = {nan, 1.0}", "NaN or infinite", 0),
    ("min_dist", "min_dist = inf", "must be a finite number", 0),
    ("species_coeffs", "", "species_coeffs is missing", 0),
])
def test_malformed_file_names_the_line(potential, tmp_path, start, replacement, message, offset):
    path = tmp_path / "bad.mtp"
    potential.write(path)
    lines = path.read_text().splitlines()
    number = _line_of(path.read_text(), start)
    lines[number - 1] = replacement
    path.write_text("\n".join(lines) + "\n")
    if not replacement:          # a removed line: the error is on the line that now follows
        number += 1
    with pytest.raises(MTPFileError, match=message) as error:
        read_mtp(path)
    assert f"line {number + offset}:" in str(error.value)


def test_truncated_file(potential, tmp_path):
    path = tmp_path / "short.mtp"
    potential.write(path)
    path.write_text("\n".join(path.read_text().splitlines()[:14]) + "\n")
    with pytest.raises(MTPFileError, match="ends early|expected"):
        read_mtp(path)


def test_a_non_utf8_byte_names_its_line(potential, tmp_path):
    path = tmp_path / "binary.mtp"
    potential.write(path)
    data = path.read_bytes().splitlines(keepends=True)
    data[5] = b"min_dist = 1.9\xff\n"
    path.write_bytes(b"".join(data))
    with pytest.raises(MTPFileError, match=r"line 6: byte 0xff is not UTF-8"):
        read_mtp(path)
