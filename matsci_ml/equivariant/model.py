"""A NequIP model built in code (no YAML, no Hydra), saved and loaded as a small checkpoint.

NequIP (Batzner et al., Nat. Commun. 13, 2453 (2022)) is an E(3)-equivariant message-passing
network. Each atom carries features of rotation order :math:`l = 0, 1, ...` (scalars, vectors,
rank-2 tensors...). A layer mixes neighbours' features through a *convolution*

.. math:: h_i' = \\sum_{j \\in \\mathcal{N}(i)} R(r_{ij}) \\, Y^{(l)}(\\hat r_{ij}) \\otimes h_j ,

a learned radial function :math:`R` (an MLP of Bessel functions of :math:`r_{ij}` times a smooth cutoff)
times spherical harmonics :math:`Y^{(l)}`, coupled to :math:`h_j` by Clebsch--Gordan tensor products,
followed by a self-interaction and a gated nonlinearity. Every operation commutes with rotations, so
the scalar (:math:`l = 0`) outputs are invariant: :math:`E = \\sum_i E_i` is unchanged by a rotation
and :math:`F_i = -\\partial E/\\partial r_i` rotates with the structure.

Here the model is the real ``nequip`` package's (0.19), built by :func:`build_model`; the per-species
energy shifts and the scale come from the training data (:func:`energy_statistics`).
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field

import numpy as np


def _nequip():
    """Import nequip after initialising its global state (float64 default dtype, eager e3nn)."""
    try:
        from nequip.model import NequIPGNNModel
        from nequip.utils.global_state import set_global_state
    except ImportError as error:   # pragma: no cover - a broken install
        raise ImportError("NequIP needs the `nequip` package and torch: run `make setup` (or "
                          "`pip install torch==2.13.0 nequip==0.19.1`)") from error
    set_global_state()
    return NequIPGNNModel


@dataclass
class NequIPConfig:
    """Hyperparameters of a NequIP model (``nequip.model.NequIPGNNModel``).

    Attributes
    ----------
    species : list of str
        Element symbols, in the model's type order.
    r_max : float
        Cutoff radius, A.
    num_layers, l_max, num_features : int
        Interaction blocks, highest rotation order of the features, features per irrep.
    radial_mlp_depth, radial_mlp_width, num_bessels : int
        The learned radial functions.
    avg_num_neighbors : float or None
        Normalises the neighbour sums (set from the data).
    energy_shifts : dict of str to float
        Per-species energy (eV/atom) added to every site energy (set from the data).
    energy_scale : float
        Scale of the site energies (eV), e.g. the force RMS of the data.
    model_dtype : {"float64", "float32"}
    seed : int
        Seed of the initial weights; committee members differ by it.
    """

    species: list
    r_max: float = 4.5
    num_layers: int = 2
    l_max: int = 1
    num_features: int = 16
    radial_mlp_depth: int = 1
    radial_mlp_width: int = 32
    num_bessels: int = 8
    avg_num_neighbors: float | None = None
    energy_shifts: dict = field(default_factory=dict)
    energy_scale: float = 1.0
    model_dtype: str = "float64"
    seed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def build_model(config: NequIPConfig):
    """The ``nequip`` model of ``config`` (a ``torch.nn.Module`` in training mode)."""
    NequIPGNNModel = _nequip()
    shifts = {s: float(config.energy_shifts.get(s, 0.0)) for s in config.species}
    return NequIPGNNModel(
        seed=config.seed, model_dtype=config.model_dtype, r_max=config.r_max, type_names=list(config.species),
        num_layers=config.num_layers, l_max=config.l_max, num_features=config.num_features,
        radial_mlp_depth=config.radial_mlp_depth, radial_mlp_width=config.radial_mlp_width,
        num_bessels=config.num_bessels, avg_num_neighbors=config.avg_num_neighbors,
        per_type_energy_shifts=shifts, per_type_energy_scales={s: float(config.energy_scale) for s in config.species})


def data_statistics(frames, species, r_max: float) -> dict:
    """What the model normalises by, from labelled ``frames``: per-species energy shifts (least squares
    of E against species counts, eV/atom), the force RMS (eV/A; the energy scale) and the mean number
    of neighbours within ``r_max``. Returns keyword arguments for :class:`NequIPConfig`."""
    from ase.neighborlist import neighbor_list

    counts = np.array([[np.sum(a.numbers == _number(s)) for s in species] for a in frames], dtype=float)
    energies = np.array([a.get_potential_energy() for a in frames])
    shifts = np.linalg.lstsq(counts, energies, rcond=None)[0]
    forces = np.concatenate([a.get_forces().ravel() for a in frames])
    neighbours = sum(len(neighbor_list("i", a, r_max)) for a in frames) / sum(len(a) for a in frames)
    return {"energy_shifts": dict(zip(species, map(float, shifts))),
            "energy_scale": float(np.sqrt(np.mean(forces**2))) or 1.0, "avg_num_neighbors": float(neighbours)}


def _number(symbol: str) -> int:
    from ase.data import atomic_numbers

    return atomic_numbers[symbol]


def save_checkpoint(model, config: NequIPConfig) -> bytes:
    """The model's weights and config as bytes (``torch.save``); :func:`load_checkpoint` rebuilds it."""
    import torch

    buffer = io.BytesIO()
    torch.save({"config": config.as_dict(), "state_dict": model.state_dict()}, buffer)
    return buffer.getvalue()


def load_checkpoint(data: bytes):
    """``(model, config)`` from :func:`save_checkpoint` bytes; the model is in eval mode."""
    import torch

    checkpoint = torch.load(io.BytesIO(data), map_location="cpu", weights_only=False)
    config = NequIPConfig(**checkpoint["config"])
    model = build_model(config)
    model.load_state_dict(checkpoint["state_dict"])
    model.eval()
    return model, config
