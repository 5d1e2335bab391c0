r"""A crystal graph convolutional neural network (CGCNN; Xie & Grossman, *Phys. Rev. Lett.* 120, 145301 (2018)).

Each atom :math:`i` carries a feature vector :math:`\mathbf v_i` (first a linear map of its element's
properties). A convolution updates it from its neighbours :math:`j` (edges of
:func:`~matsci_ml.graph_network.graphs.crystal_graph`, with Gaussian-expanded bond lengths
:math:`\mathbf u_{ij}`) by the paper's gated update, Eq. (5):

.. math::

    \mathbf z_{ij} = \mathbf v_i \oplus \mathbf v_j \oplus \mathbf u_{ij}, \qquad
    \mathbf v_i \leftarrow g\Big(\mathbf v_i + \mathrm{LN}\Big[\sum_j
        \sigma(\mathbf z_{ij} W_f + \mathbf b_f) \odot g(\mathbf z_{ij} W_s + \mathbf b_s)\Big]\Big),

with :math:`\sigma` the logistic sigmoid (the *gate*: how much neighbour :math:`j` matters), :math:`g` the
softplus, :math:`\oplus` concatenation and :math:`\odot` the elementwise product. The original code normalises
with batch normalisation; we use layer normalisation (LN) of the summed messages, which does not couple the
crystals of a batch, so a prediction does not depend on what else is in the batch.
After ``n_conv`` updates the atom vectors are averaged over the crystal (the target is intensive) and a
two-layer perceptron gives the property.

Invariances: the inputs are element properties and distances, and the sum over neighbours and the mean over
atoms do not depend on the order of the atoms, so the prediction is invariant to translations, rotations and
permutations of the atoms (tested to 1e-6 in double precision). It is not invariant to the choice of
supercell only to the extent that the graph is not (it is, for a perfect supercell).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence

import numpy as np
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted
from torch import nn
from torch.nn import functional as F

from matsci_ml.graph_network.graphs import CUTOFF, MAX_NEIGHBORS, CrystalGraph, crystal_graph, element_features, \
    gaussian_expansion


POOLINGS = ("mean", "max", "mean+max")


class CGConv(nn.Module):
    """One gated graph convolution (module docstring): node features (n_atoms, node_dim) -> the same shape."""

    def __init__(self, node_dim: int, edge_dim: int):
        super().__init__()
        self.linear = nn.Linear(2 * node_dim + edge_dim, 2 * node_dim)
        self.norm = nn.LayerNorm(node_dim)

    def summed_messages(self, v, edge_features, centers, neighbors):
        """The sum over each atom's neighbours of the gated messages, before normalisation: (n_atoms, node_dim)."""
        z = torch.cat([v[centers], v[neighbors], edge_features], dim=1)
        gate, core = self.linear(z).chunk(2, dim=1)
        messages = torch.sigmoid(gate) * F.softplus(core)
        return torch.zeros_like(v).index_add_(0, centers, messages)

    def forward(self, v, edge_features, centers, neighbors):
        return F.softplus(v + self.norm(self.summed_messages(v, edge_features, centers, neighbors)))


class CGCNN(nn.Module):
    """Embedding, ``n_conv`` :class:`CGConv` layers, mean pooling over atoms, perceptron head: one number per crystal."""

    def __init__(self, node_in: int, edge_dim: int, hidden: int = 64, n_conv: int = 3, head: int = 128,
                 pooling: str = "mean"):
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
        self.pooling = pooling
        self.embed = nn.Linear(node_in, hidden)
        self.convs = nn.ModuleList(CGConv(hidden, edge_dim) for _ in range(n_conv))
        pooled = 2 * hidden if pooling == "mean+max" else hidden
        self.head = nn.Sequential(nn.Softplus(), nn.Linear(pooled, head), nn.Softplus(), nn.Linear(head, 1))

    def forward(self, batch: dict) -> torch.Tensor:
        v = self.embed(batch["nodes"])
        for conv in self.convs:
            v = conv(v, batch["edges"], batch["centers"], batch["neighbors"])
        parts = []
        if self.pooling in ("mean", "mean+max"):
            summed = torch.zeros(batch["n_graphs"], v.shape[1], dtype=v.dtype).index_add_(0, batch["graph"], v)
            parts.append(summed / batch["counts"][:, None])
        if self.pooling in ("max", "mean+max"):
            index = batch["graph"][:, None].expand_as(v)
            parts.append(torch.full((batch["n_graphs"], v.shape[1]), -torch.inf, dtype=v.dtype)
                         .scatter_reduce(0, index, v, reduce="amax"))
        return self.head(torch.cat(parts, dim=1)).squeeze(-1)


class _Encoded:
    """A crystal graph as the arrays the network reads (node and edge features precomputed once)."""

    __slots__ = ("nodes", "edges", "centers", "neighbors")

    def __init__(self, graph: CrystalGraph, table: np.ndarray, cutoff: float):
        self.nodes = table[graph.numbers]
        self.edges = gaussian_expansion(graph.distances, cutoff)
        self.centers, self.neighbors = graph.centers, graph.neighbors


def _collate(items: Sequence[_Encoded], dtype) -> dict:
    sizes = np.array([len(item.nodes) for item in items])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    as_tensor = lambda a, t=dtype: torch.as_tensor(np.concatenate(a), dtype=t)  # noqa: E731
    return {"nodes": as_tensor([i.nodes for i in items]), "edges": as_tensor([i.edges for i in items]),
            "centers": as_tensor([i.centers + o for i, o in zip(items, offsets)], torch.long),
            "neighbors": as_tensor([i.neighbors + o for i, o in zip(items, offsets)], torch.long),
            "graph": torch.as_tensor(np.repeat(np.arange(len(items)), sizes), dtype=torch.long),
            "counts": torch.as_tensor(sizes, dtype=dtype), "n_graphs": len(items)}


class CrystalGraphRegressor(RegressorMixin, BaseEstimator):
    """CGCNN as a scikit-learn regressor: ``fit(structures, y)``, ``predict(structures)``.

    ``X`` is a sequence of pymatgen ``Structure`` objects or of :class:`CrystalGraph` (build the graphs once
    with :func:`crystal_graph` when fitting several models on the same crystals).

    Parameters
    ----------
    hidden, n_conv, head : int
        Atom-vector length, number of convolutions, width of the head (CGCNN's defaults: 64, 3, 128).
    epochs, batch_size, learning_rate, weight_decay :
        Adam with a cosine-decaying learning rate, the L1 loss (the Matbench metric is the MAE) on the
        standardised target.
    validation_fraction : float
        Part of the training data held out to pick the epoch with the lowest validation MAE (the test
        fold is never seen). 0 keeps the last epoch.
    cutoff, max_neighbors :
        Graph construction (Å, count): :func:`crystal_graph`.
    pooling : {"mean", "max", "mean+max"}
        How the atom vectors become one crystal vector: CGCNN's mean (right for an intensive average such as a
        formation energy per atom), the maximum over atoms, or both side by side (for a property set by the most
        extreme environment, such as the highest phonon frequency).
    n_models : int
        An ensemble of this many networks, each with its own seed and validation split; the prediction is their
        mean and :meth:`predict_std` their spread.
    log_target : bool
        Learn :math:`\\log y` (for a positive target spanning decades); predictions are transformed back.
    random_state : int
        Seeds the weights, the validation split and the batch order (network ``k`` uses ``random_state + k``).
    max_time_s : float, optional
        Stop training after this many seconds (the best epoch so far is kept); ``history_`` says so.
    dtype : {"float32", "float64"}

    Attributes
    ----------
    models_ : list of CGCNN
    history_ : list of dict
        Of the first network.
        Per epoch: ``epoch``, ``train_loss`` (L1, standardised units), ``validation_mae`` (target units), ``seconds``.
    stopped_because_ : str
    """

    def __init__(self, *, hidden: int = 64, n_conv: int = 3, head: int = 128, epochs: int = 150,
                 batch_size: int = 32, learning_rate: float = 3e-3, weight_decay: float = 0.0,
                 validation_fraction: float = 0.1, cutoff: float = CUTOFF, max_neighbors: int = MAX_NEIGHBORS,
                 pooling: str = "mean", n_models: int = 1, log_target: bool = False, random_state: int = 0,
                 max_time_s: float | None = None, progress: bool = False, dtype: str = "float32"):
        self.hidden, self.n_conv, self.head = hidden, n_conv, head
        self.epochs, self.batch_size, self.learning_rate, self.weight_decay = epochs, batch_size, learning_rate, weight_decay
        self.validation_fraction, self.cutoff, self.max_neighbors = validation_fraction, cutoff, max_neighbors
        self.pooling, self.n_models, self.log_target = pooling, n_models, log_target
        self.random_state, self.max_time_s, self.progress, self.dtype = random_state, max_time_s, progress, dtype

    # -- data --------------------------------------------------------------------------------------
    def _encode(self, X) -> list[_Encoded]:
        table = element_features()
        encoded = []
        for item in X:
            graph = item if isinstance(item, CrystalGraph) else crystal_graph(item, self.cutoff, self.max_neighbors)
            encoded.append(_Encoded(graph, table, self.cutoff))
        return encoded

    @property
    def _torch_dtype(self):
        return {"float32": torch.float32, "float64": torch.float64}[self.dtype]

    # -- scikit-learn API ----------------------------------------------------------------------------
    def fit(self, X, y):
        y = np.asarray(y, dtype=float)
        if self.log_target and np.any(y <= 0):
            raise ValueError("log_target=True needs a positive target; "
                             f"{int(np.sum(y <= 0))} values are <= 0")
        data = self._encode(X)
        if len(data) != len(y):
            raise ValueError(f"X has {len(data)} crystals but y has {len(y)} values")
        target = np.log(y) if self.log_target else y
        start = time.perf_counter()
        fits = [self._fit_one(data, target, self.random_state + k) for k in range(self.n_models)]
        self.models_ = [model for model, _, _ in fits]
        self.history_, self.stopped_because_ = fits[0][1], fits[0][2]
        self.best_epoch_ = (int(np.argmin([r["validation_mae"] for r in self.history_])) + 1
                            if "validation_mae" in self.history_[0] else len(self.history_))
        self.fit_seconds_ = time.perf_counter() - start
        return self

    def _fit_one(self, data, y, seed):
        from tqdm.auto import tqdm

        rng = np.random.default_rng(seed)
        torch.manual_seed(seed)
        order = rng.permutation(len(data))
        n_val = int(round(self.validation_fraction * len(data)))
        val, train = order[:n_val], order[n_val:]
        self.y_mean_, self.y_std_ = float(y[train].mean()), float(y[train].std() or 1.0)
        target = torch.as_tensor((y - self.y_mean_) / self.y_std_, dtype=self._torch_dtype)
        model = CGCNN(data[0].nodes.shape[1], data[0].edges.shape[1], self.hidden, self.n_conv, self.head,
                      self.pooling)
        model = model.to(self._torch_dtype)
        optimiser = torch.optim.Adam(model.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=self.epochs)
        val_batch = _collate([data[i] for i in val], self._torch_dtype) if n_val else None
        best, best_state, history = np.inf, None, []
        stopped = f"ran all {self.epochs} epochs"
        start = time.perf_counter()
        for epoch in tqdm(range(self.epochs), desc="CGCNN epochs", disable=not self.progress, leave=False):
            model.train()
            losses = []
            for chunk in np.array_split(rng.permutation(train), max(1, len(train) // self.batch_size)):
                batch = _collate([data[i] for i in chunk], self._torch_dtype)
                loss = F.l1_loss(model(batch), target[chunk])
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                losses.append(loss.item() * len(chunk))
            schedule.step()
            record = {"epoch": epoch + 1, "train_loss": sum(losses) / len(train)}
            if val_batch is not None:
                model.eval()
                with torch.no_grad():
                    predicted = self._back(model(val_batch).numpy())
                record["validation_mae"] = float(np.mean(np.abs(predicted - self._back_target(y[val]))))
                if record["validation_mae"] < best:
                    best, best_state = record["validation_mae"], copy.deepcopy(model.state_dict())
            record["seconds"] = time.perf_counter() - start
            history.append(record)
            if self.max_time_s is not None and record["seconds"] > self.max_time_s and epoch + 1 < self.epochs:
                stopped = f"stopped after {epoch + 1} of {self.epochs} epochs: max_time_s={self.max_time_s}"
                break
        if best_state is not None:
            model.load_state_dict(best_state)
        model.scale_ = (self.y_mean_, self.y_std_)
        return model.eval(), history, stopped

    def _back(self, standardised, scale=None) -> np.ndarray:
        mean, std = scale if scale is not None else (self.y_mean_, self.y_std_)
        return self._back_target(standardised * std + mean)

    def _back_target(self, values) -> np.ndarray:
        return np.exp(values) if self.log_target else values

    def _predict_each(self, X, batch_size: int = 256) -> np.ndarray:
        check_is_fitted(self, "models_")
        data = self._encode(X)
        out = np.empty((len(self.models_), len(data)))
        with torch.no_grad():
            for begin in range(0, len(data), batch_size):
                batch = _collate(data[begin:begin + batch_size], self._torch_dtype)
                for k, model in enumerate(self.models_):
                    out[k, begin:begin + batch_size] = self._back(model(batch).numpy(), model.scale_)
        return out

    def predict(self, X) -> np.ndarray:
        """Mean prediction of the ensemble (target units)."""
        return self._predict_each(X).mean(axis=0)

    def predict_std(self, X) -> np.ndarray:
        """Spread (standard deviation) of the ensemble's predictions; zero for one network."""
        return self._predict_each(X).std(axis=0)
