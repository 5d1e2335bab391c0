"""`matsci-ml bench mtp`: our kernels are at least as fast as motep's C extension on the same file."""

import pytest

import motep.calculator  # noqa: E402,F401 -- the peer is a test dependency: missing means a broken install, not a skip


def test_ours_is_not_slower_than_motep_c_extension(tmp_path):
    from matsci_ml.mtp.benchmark import bench_mtp

    result = bench_mtp(steps=10, repeat=2, train=False, tmp_dir=tmp_path)
    assert result.speed.details["max_force_difference"] < 1e-10
    assert len(result.speed.ours.kernel_rate) == len(result.speed.peer.end_to_end_s) == 2
    assert result.time_ratio <= 1.0, str(result)
    assert "atom-steps/s" in str(result) and "end to end (read the .mtp file" in str(result)
    assert result.to_dict()["speed"]["kernel_ratio"]["n"] == 2
