r"""Fine-tuning a universal model on a few DFT configurations, and the learning curve against an MTP from scratch.

CHGNet is fine-tuned with its own package's recipe (``chgnet.trainer.Trainer``, as in CHGNet's fine-tuning example):
the embeddings, basis expansions, bond and angle layers and all but the last atom-convolution layer are frozen; the
last atom convolution and the readout are trained with Adam, a cosine learning-rate schedule and an MSE loss on
energies per atom and forces (weight 1 each). One step is ours, before it: the per-element shift of
:func:`~matsci_ml.universal.zero_shot.elemental_shift`, fitted on the same training configurations, is added to
CHGNet's elemental reference energies (its ``AtomRef`` layer, in eV/atom, which the recipe keeps frozen), so the
network's few trainable layers learn the shape of the energy surface rather than a constant.

The learning curve (:func:`learning_curve`) trains, for each training-set size :math:`n`, on the same :math:`n`
configurations drawn at random (seeded) from the training set: an MTP from scratch (lesson 06's settings) and the
fine-tuned CHGNet, and reports test errors and training times. Large sizes take minutes each on a laptop CPU;
``datasets/universal/learning_curve_mo.py`` ran them and ships the result.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import time

import numpy as np

from matsci_ml.universal.models import UniversalCalculator, _default_dtype_float32, checkpoint_path, release_freed_memory
from matsci_ml.universal.zero_shot import elemental_shift, zero_shot_errors

#: CHGNet's fine-tuning recipe (its example notebook): these blocks are frozen; the rest is trained.
CHGNET_FROZEN = ("atom_embedding", "bond_embedding", "angle_embedding", "bond_basis_expansion",
                 "angle_basis_expansion", "atom_conv_layers[:-1]", "bond_conv_layers", "angle_layers")

#: Settings of the fine-tuning in the shipped learning curve and in lesson 10. Batch size 1: training on forces
#: differentiates the forces (a double backward pass), and a batch of four 54-atom Mo cells takes about 1 GB for it
#: on a CPU (measured with torch's profiler), half of a Binder session's 2 GB; one cell takes about 0.45 GB.
FINE_TUNE_SETTINGS = {"epochs": 5, "min_steps": 60, "learning_rate": 1e-2, "batch_size": 1}


def _frozen_blocks(model):
    blocks = []
    for name in CHGNET_FROZEN:
        if name.endswith("[:-1]"):
            blocks.append(getattr(model, name[:-5])[:-1])
        else:
            blocks.append(getattr(model, name))
    return blocks


def fine_tune_chgnet(training, *, epochs: int = 5, min_steps: int = 60, learning_rate: float = 1e-2, batch_size: int = 1, seed: int = 0,
                     shift: bool = True, verbose: bool = False) -> tuple[UniversalCalculator, dict]:
    """CHGNet 0.3.0 fine-tuned on ``training`` (labelled ASE frames) by its package's recipe (module docstring).

    The recipe's 5 ``epochs`` are raised, for a small training set, until the optimiser takes at least
    ``min_steps`` steps (5 configurations one at a time make 5 steps an epoch: 12 epochs).
    Returns the fine-tuned model as an ASE calculator and ``{"fit_time_s", "shift", "epochs", "train_mae"}``
    (``train_mae``: CHGNet's own energy (eV/atom) and force (eV/Å) MAE on the training set in the last epoch).
    ``fit_time_s`` counts the shift fit and the training, not loading the weights.
    """
    import torch
    from chgnet.data.dataset import StructureData, collate_graphs
    from chgnet.model import CHGNet
    from chgnet.model.dynamics import CHGNetCalculator
    from chgnet.trainer import Trainer
    from pymatgen.io.ase import AseAtomsAdaptor
    from torch.utils.data import DataLoader

    if len(training) == 0:
        raise ValueError("give at least one labelled training configuration")
    release_freed_memory()
    with _default_dtype_float32():
        model = CHGNet.from_file(str(checkpoint_path("chgnet")), verbose=False)
        start = time.perf_counter()
        mu = {}
        if shift:
            mu = elemental_shift(UniversalCalculator("chgnet", CHGNetCalculator(model, use_device="cpu")), training)
            with torch.no_grad():
                for symbol, value in mu.items():
                    from ase.data import atomic_numbers

                    model.composition_model.fc.weight[0, atomic_numbers[symbol] - 1] += value
        for block in _frozen_blocks(model):
            for parameter in block.parameters():
                parameter.requires_grad = False
        structures = [AseAtomsAdaptor.get_structure(a) for a in training]
        quiet = contextlib.redirect_stdout(io.StringIO()) if not verbose else contextlib.nullcontext()
        with quiet:
            data = StructureData(structures, [a.get_potential_energy() / len(a) for a in training],
                                 [a.get_forces() for a in training], shuffle=False)
            generator = torch.Generator().manual_seed(seed)
            loader = DataLoader(data, batch_size=batch_size, shuffle=True, collate_fn=collate_graphs,
                                generator=generator)
            check = DataLoader(torch.utils.data.Subset(data, [0]), batch_size=1, collate_fn=collate_graphs)
            epochs = max(epochs, -(-min_steps // len(loader)))
            trainer = Trainer(model=model, targets="ef", optimizer="Adam", scheduler="CosLR", criterion="MSE",
                              epochs=epochs, learning_rate=learning_rate, use_device="cpu", print_freq=10**6,
                              torch_seed=seed, data_seed=seed)
            with tempfile.TemporaryDirectory() as folder:
                trainer.train(loader, check, save_dir=folder)
        fit_time = time.perf_counter() - start
        model = trainer.model
        model.eval()
        calculator = UniversalCalculator("chgnet-fine-tuned", CHGNetCalculator(model, use_device="cpu"))
    history = trainer.training_history
    return calculator, {"fit_time_s": fit_time, "shift": mu, "epochs": epochs,
                        "train_mae": {"energy_ev_per_atom": float(history["e"]["train"][-1]),
                                      "force_ev_per_a": float(history["f"]["train"][-1])}}


def training_subset(training, n: int, seed: int = 0) -> list:
    """``n`` configurations of ``training`` drawn without replacement (seeded), the same for every model."""
    if not 0 < n <= len(training):
        raise ValueError(f"n must be between 1 and {len(training)}, got {n}")
    order = np.random.default_rng(seed).permutation(len(training))
    return [training[i] for i in order[:n]]


def learning_curve_point(training, test, n: int, *, models=("mtp", "chgnet-fine-tuned"), seed: int = 0,
                         mtp_settings: dict | None = None, fine_tune: dict | None = None) -> list[dict]:
    """Test errors and training time of each model trained on the same ``n`` configurations (rows of a table)."""
    from matsci_ml.mtp.benchmark import MO_FIT_SETTINGS
    from matsci_ml.mtp.calculator import MTPCalculator
    from matsci_ml.mtp.training import MTPTrainer

    subset = training_subset(training, n, seed)
    rows = []
    for name in models:
        if name == "mtp":
            settings = {**MO_FIT_SETTINGS, "seed": seed, "progress": False, **(mtp_settings or {})}
            trainer = MTPTrainer(**settings).fit(subset)
            calculator, fit_time = MTPCalculator(trainer.potential_), trainer.fit_time_s_
        elif name == "chgnet-fine-tuned":
            calculator, info = fine_tune_chgnet(subset, seed=seed, **{**FINE_TUNE_SETTINGS, **(fine_tune or {})})
            fit_time = info["fit_time_s"]
        else:
            raise ValueError(f"unknown model {name!r}: 'mtp' or 'chgnet-fine-tuned'")
        errors = zero_shot_errors(calculator, test)
        rows.append({"model": name, "n_train": n, "fit_time_s": fit_time,
                     **{k: v for k, v in errors.items() if k != "seconds_per_atom"}})
    return rows


__all__ = ["CHGNET_FROZEN", "FINE_TUNE_SETTINGS", "fine_tune_chgnet", "learning_curve_point", "training_subset"]
