"""Training a NequIP model from ASE ``Atoms`` on the CPU (a GPU is used when there is one).

The loss of a minibatch of configurations :math:`k` with :math:`N_k` atoms is

.. math:: L = w_e \\langle (E_k - E_k^\\mathrm{ref})^2 / N_k^2 \\rangle
          + w_f \\langle |F_{ki} - F_{ki}^\\mathrm{ref}|^2 / 3 \\rangle
          + w_s \\langle (\\sigma_k - \\sigma_k^\\mathrm{ref})^2 \\rangle ,

energy per atom (eV), force components (eV/A) and stress components (eV/A^3, only for
configurations that have one), minimised with Adam. This is a plain PyTorch loop over the real
``nequip`` model and data pipeline (``from_ase``, the type mapper and neighbour-list transforms);
``nequip-train`` with its Hydra configs and Lightning trainer would do the same at scale.
"""

from __future__ import annotations

import time

import numpy as np
from ase.calculators.singlepoint import SinglePointCalculator

from matsci_ml.atomistic.estimators import PotentialTrainerMixin
from matsci_ml.atomistic.metrics import prediction_errors
from matsci_ml.equivariant.model import NequIPConfig, build_model, data_statistics, load_checkpoint, save_checkpoint
from matsci_ml.progress import finish_bar, progress_bar



def _device(device: str | None):
    import torch

    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(device)


def _transforms(config: NequIPConfig):
    from nequip.data.transforms import ChemicalSpeciesToAtomTypeMapper, NeighborListTransform

    return [ChemicalSpeciesToAtomTypeMapper(model_type_names=list(config.species)),
            NeighborListTransform(r_max=config.r_max)]


def _labelled(atoms):
    """A copy with the labels in a SinglePointCalculator (what nequip's ``from_ase`` reads)."""
    if atoms.calc is None:
        raise ValueError("a training configuration has no energy/forces attached (atoms.calc is None)")
    copy = atoms.copy()
    results = {"energy": atoms.get_potential_energy(), "forces": atoms.get_forces()}
    if "stress" in atoms.calc.results:
        results["stress"] = atoms.calc.results["stress"]
    copy.calc = SinglePointCalculator(copy, **results)
    return copy


def to_graphs(frames, config: NequIPConfig) -> list:
    """nequip ``AtomicDataDict`` of each frame, with atom types and the neighbour list within ``r_max``."""
    from nequip.data import from_ase

    transforms = _transforms(config)
    graphs = []
    for atoms in frames:
        data = from_ase(_labelled(atoms) if atoms.calc is not None else atoms)
        for transform in transforms:
            data = transform(data)
        graphs.append(data)
    return graphs


def nequip_calculator(model, config: NequIPConfig, device: str | None = None):
    """nequip's ASE calculator for an in-memory model (eager: no TorchScript compile, which fails on torch >= 2.10)."""
    from nequip.integrations.ase import NequIPCalculator

    model.eval()
    return NequIPCalculator(model=model, device=_device(device), transforms=_transforms(config))


def _batch(graphs, device):
    from nequip.data import AtomicDataDict

    return AtomicDataDict.to_(AtomicDataDict.batched_from_list(graphs), device)


class NequIPTrainer(PotentialTrainerMixin):
    """Train a small NequIP model: a scikit-learn estimator (:mod:`matsci_ml.atomistic.estimators`).

    Parameters
    ----------
    r_max, num_layers, l_max, num_features, radial_mlp_width : model hyperparameters (:class:`NequIPConfig`)
    max_epochs : int
    batch_size : int
        Configurations per optimiser step.
    learning_rate : float
        Adam's step size; halved when the training loss has not improved for 10 epochs.
    energy_weight, force_weight, stress_weight : float
        :math:`w_e, w_f, w_s`.
    max_time_s : float or None
        Stop after this wall time (the weights of the best epoch are kept).
    seed : int
        Seed of the weights and of the minibatch order.
    device : str or None
        ``"cpu"`` or ``"cuda"``; default: a GPU if there is one.
    progress : bool

    Attributes
    ----------
    model_, config_ : the fitted ``nequip`` model (eval mode) and its :class:`NequIPConfig`
    history_ : list of dict (``epoch``, ``time_s``, ``loss``)
    fit_time_s_ : float
    """

    def __init__(self, *, r_max: float = 4.5, num_layers: int = 2, l_max: int = 1, num_features: int = 16,
                 radial_mlp_width: int = 32, max_epochs: int = 50, batch_size: int = 4, learning_rate: float = 0.01,
                 energy_weight: float = 1.0, force_weight: float = 1.0, stress_weight: float = 0.0,
                 max_time_s: float | None = None, seed: int = 0, device: str | None = None, progress: bool = True):
        self.r_max = r_max
        self.num_layers = num_layers
        self.l_max = l_max
        self.num_features = num_features
        self.radial_mlp_width = radial_mlp_width
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.energy_weight = energy_weight
        self.force_weight = force_weight
        self.stress_weight = stress_weight
        self.max_time_s = max_time_s
        self.seed = seed
        self.device = device
        self.progress = progress

    def config_for(self, frames) -> NequIPConfig:
        from ase.data import chemical_symbols

        species = [chemical_symbols[z] for z in sorted({int(z) for a in frames for z in a.numbers})]
        return NequIPConfig(species=species, r_max=self.r_max, num_layers=self.num_layers, l_max=self.l_max,
                            num_features=self.num_features, radial_mlp_width=self.radial_mlp_width, seed=self.seed,
                            **data_statistics(frames, species, self.r_max))

    def fit(self, frames, y=None, *, initial: bytes | None = None, validation=None,
            validate_every: int = 5) -> NequIPTrainer:
        """Train on labelled ``frames``; ``initial`` (checkpoint bytes) continues from those weights.

        With ``validation`` frames, their errors (:func:`prediction_errors`) are added to ``history_``
        every ``validate_every`` epochs and after the last; ``time_s`` counts training time only.
        """
        import torch

        if len(frames) == 0:
            raise ValueError("no configurations to train on")
        device = _device(self.device)
        if initial is not None:
            model, config = load_checkpoint(initial)
            model.train()
        else:
            config = self.config_for(frames)
            model = build_model(config)
        model.to(device)
        graphs = to_graphs(frames, config)
        n_atoms = torch.tensor([len(a) for a in frames], dtype=torch.float64)
        generator = torch.Generator().manual_seed(self.seed)
        optimiser = torch.optim.Adam(model.parameters(), lr=self.learning_rate)
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimiser, factor=0.5, patience=10)
        bar = progress_bar(self.max_epochs, "NequIP epochs", unit="epoch", show=self.progress)
        self.history_ = []
        best = (np.inf, None)
        start = time.perf_counter()
        validating = 0.0   # seconds spent on validation, left out of the training time
        try:
            for epoch in range(self.max_epochs):
                order = torch.randperm(len(graphs), generator=generator).tolist()
                total = 0.0
                for first in range(0, len(order), self.batch_size):
                    chosen = order[first:first + self.batch_size]
                    batch = _batch([graphs[i] for i in chosen], device)
                    optimiser.zero_grad()
                    loss = self._loss(model(batch), batch, n_atoms[chosen].to(device))
                    loss.backward()
                    optimiser.step()
                    total += float(loss.detach()) * len(chosen)
                total /= len(graphs)
                scheduler.step(total)
                elapsed = time.perf_counter() - start - validating
                entry = {"epoch": epoch + 1, "time_s": elapsed, "loss": total}
                last = epoch + 1 == self.max_epochs or (self.max_time_s is not None and elapsed > self.max_time_s)
                if validation is not None and ((epoch + 1) % validate_every == 0 or last):
                    tick = time.perf_counter()
                    model.eval()
                    entry["validation"] = prediction_errors(nequip_calculator(model, config, str(device)), validation)
                    model.train()
                    validating += time.perf_counter() - tick
                self.history_.append(entry)
                if total < best[0]:
                    best = (total, {k: v.detach().clone() for k, v in model.state_dict().items()})
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(loss=f"{total:.4g}")
                if self.max_time_s is not None and elapsed > self.max_time_s:
                    break
        finally:
            finish_bar(bar, f"kept epoch of lowest training loss {best[0]:.4g}")
        model.load_state_dict(best[1])
        model.eval()
        self.fit_time_s_ = time.perf_counter() - start - validating
        self.model_, self.config_ = model, config
        return self

    def _loss(self, out, batch, n_atoms):
        from nequip.data import AtomicDataDict

        energy = out[AtomicDataDict.TOTAL_ENERGY_KEY].reshape(-1)
        reference = batch[AtomicDataDict.TOTAL_ENERGY_KEY].reshape(-1)
        loss = self.energy_weight * (((energy - reference) / n_atoms) ** 2).mean()
        loss = loss + self.force_weight * ((out[AtomicDataDict.FORCE_KEY] - batch[AtomicDataDict.FORCE_KEY]) ** 2).mean()
        if self.stress_weight and AtomicDataDict.STRESS_KEY in batch:
            difference = (out[AtomicDataDict.STRESS_KEY] - batch[AtomicDataDict.STRESS_KEY]).reshape(len(n_atoms), -1)
            known = ~difference.isnan().any(dim=1)
            if known.any():
                loss = loss + self.stress_weight * (difference[known] ** 2).mean()
        return loss

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")

    def calculator(self, device: str | None = None):
        """nequip's ASE calculator for the fitted model (eager mode)."""
        self._check_fitted()
        return nequip_calculator(self.model_, self.config_, device or self.device)

    def checkpoint(self) -> bytes:
        """The fitted model as bytes (write them to a file to keep it); :func:`load_checkpoint` reads them."""
        self._check_fitted()
        return save_checkpoint(self.model_, self.config_)

    def errors(self, frames) -> dict[str, float]:
        """RMSE and MAE of energy per atom (meV/atom), force components (eV/A) and, where known, stress (GPa)."""
        self._check_fitted()
        return prediction_errors(self.calculator(), frames)
