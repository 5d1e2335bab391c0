"""Crystal graphs and the CGCNN regressor: graphs by hand, invariances to 1e-6, learning, and refusals."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from pymatgen.core import Lattice, Structure
from sklearn.base import clone

from matsci_ml.graph_network import CGConv, CrystalGraphRegressor, crystal_graph, gaussian_expansion


def _bcc_fe():
    return Structure(Lattice.cubic(2.87), ["Fe", "Fe"], [[0, 0, 0], [0.5, 0.5, 0.5]])


def _rocksalt():
    return Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])


def _triclinic(seed=0):
    rng = np.random.default_rng(seed)
    return Structure(Lattice.from_parameters(4.1, 5.3, 6.2, 81, 97, 105), ["Si", "O", "O", "Ge", "Li"],
                     rng.random((5, 3)))


def test_graph_keeps_ties_at_the_twelfth_neighbour():
    # bcc: 8 first neighbours at a*sqrt(3)/2, 6 second at a; cutting at exactly 12 would keep 4 of the 6 arbitrarily
    graph = crystal_graph(_bcc_fe())
    assert np.bincount(graph.centers).tolist() == [14, 14]
    np.testing.assert_allclose(np.sort(graph.distances[graph.centers == 0]),
                               [2.87 * 3 ** 0.5 / 2] * 8 + [2.87] * 6, atol=1e-9)
    # rock salt (8 atoms in the conventional cell): 6 unlike first neighbours at a/2, 12 like second at a/sqrt(2)
    salt = crystal_graph(_rocksalt())
    assert set(np.bincount(salt.centers)) == {18}
    assert salt.n_atoms == 8 and salt.numbers.tolist().count(11) == 4


def test_gaussian_expansion_peaks_at_the_distance():
    u = gaussian_expansion([1.0, 3.4])
    assert u.shape == (2, 41)                                   # 0, 0.2, ..., 8 Å
    assert np.argmax(u[0]) == 5 and np.argmax(u[1]) == 17 and u.max() == pytest.approx(1.0)


def test_cgconv_is_the_gated_update_of_the_paper():
    torch.manual_seed(0)
    conv = CGConv(4, 3).double()
    v, e = torch.randn(3, 4, dtype=torch.float64), torch.randn(4, 3, dtype=torch.float64)
    centers, neighbors = torch.tensor([0, 0, 1, 2]), torch.tensor([1, 2, 0, 0])
    W, b = conv.linear.weight.detach(), conv.linear.bias.detach()
    summed = torch.zeros(3, 4, dtype=torch.float64)
    for c, n, edge in zip(centers, neighbors, e):
        z = torch.cat([v[c], v[n], edge]) @ W.T + b
        summed[c] += torch.sigmoid(z[:4]) * torch.nn.functional.softplus(z[4:])
    expected = torch.nn.functional.softplus(v + conv.norm(summed))
    torch.testing.assert_close(conv(v, e, centers, neighbors), expected)


@pytest.fixture(scope="module")
def small_model():
    rng = np.random.default_rng(1)
    structures = [_triclinic(seed) for seed in range(6)] + [_bcc_fe(), _rocksalt()]
    y = rng.uniform(100, 600, len(structures))
    return CrystalGraphRegressor(hidden=8, n_conv=2, head=8, epochs=3, batch_size=4, validation_fraction=0.25,
                                 dtype="float64", n_models=2).fit(structures, y)


def test_prediction_is_invariant_to_rotation_translation_and_permutation(small_model):
    structure = _triclinic(3)
    order = [3, 0, 4, 1, 2]
    rotation = np.linalg.qr(np.random.default_rng(2).normal(size=(3, 3)))[0]
    lattice = Lattice(structure.lattice.matrix @ rotation.T)
    moved = Structure(lattice, [structure[k].specie for k in order],
                      [(structure[k].frac_coords + [0.31, -0.12, 0.5]) % 1.0 for k in order])
    assert not np.allclose(moved.cart_coords, structure.cart_coords)
    before, after = small_model.predict([structure, moved])
    assert after == pytest.approx(before, abs=1e-6)


def test_ensemble_spread_and_fit_on_graphs(small_model):
    graphs = [crystal_graph(_triclinic(seed)) for seed in range(3)]
    assert np.all(small_model.predict_std(graphs) > 0)
    single = clone(small_model).set_params(n_models=1, epochs=2).fit(graphs, [1.0, 2.0, 3.0])
    assert np.all(single.predict_std(graphs) == 0) and len(single.history_) == 2


def test_training_reduces_the_loss_and_a_time_cap_is_recorded():
    structures = [_triclinic(seed) for seed in range(12)]
    y = np.array([s.density for s in structures]) * 100
    model = CrystalGraphRegressor(hidden=16, n_conv=2, head=16, epochs=40, batch_size=4, learning_rate=5e-3,
                                  validation_fraction=0.0).fit(structures, y)
    losses = [r["train_loss"] for r in model.history_]
    assert losses[-1] < 0.5 * losses[0]
    capped = CrystalGraphRegressor(hidden=8, epochs=50, max_time_s=0.0, validation_fraction=0.0).fit(structures, y)
    assert len(capped.history_) == 1 and "max_time_s" in capped.stopped_because_


def test_bad_input_is_refused_with_a_reason():
    lonely = Structure(Lattice.cubic(20.0), ["Ar"], [[0, 0, 0]])
    with pytest.raises(ValueError, match="no neighbour within 8.0 Å"):
        crystal_graph(lonely)
    with pytest.raises(TypeError, match="AseAtomsAdaptor"):
        crystal_graph("NaCl")
    with pytest.raises(ValueError, match="positive target"):
        CrystalGraphRegressor(log_target=True).fit([_bcc_fe(), _rocksalt()], [1.0, -2.0])
