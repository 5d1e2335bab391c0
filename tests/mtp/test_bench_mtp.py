"""`matsci-ml bench mtp`: our kernels are at least as fast as motep's C extension on the same file."""

import pytest

import motep.calculator  # noqa: E402,F401 -- the peer is a test dependency: missing means a broken install, not a skip


def test_ours_is_not_slower_than_motep_c_extension(tmp_path):
    from matsci_ml.mtp.benchmark import bench_mtp

    result = bench_mtp(steps=10, train=False, tmp_dir=tmp_path)
    assert result.max_force_difference < 1e-10
    assert result.ratio <= 1.0, str(result)
    assert "s per atom per step" in str(result)
