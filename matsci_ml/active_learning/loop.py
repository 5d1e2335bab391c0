"""The bootstrapping loop of active learning (Novikov et al. 2021, Podryabinkin & Shapeev 2017).

Each iteration:

(a) train the MTP on the training set and build its active set (MaxVol over the training rows);
(b) run the simulations (MD, relaxations) with it, collecting configurations with
    :math:`\\gamma > \\gamma_\\text{select}` and stopping each at :math:`\\gamma > \\gamma_\\text{break}`;
(c) MaxVol-select among the collected configurations (at most the number of linear parameters);
(d) label them with the oracle (any ASE calculator; EMT by default) through an Executor;
(e) append them to the training set, and (f) retrain;

until every simulation runs to its end with nothing above :math:`\\gamma_\\text{select}`.

Nothing is lost: the state (training set, model, candidates, selection, iteration log) is
written atomically to ``state_path`` after every phase, and a loop created with the same settings
and the same ``state_path`` resumes where the last one stopped -- killed, crashed or interrupted --
and ends with the same training set as a run that was never interrupted.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.calculators.emt import EMT

from matsci_ml.active_learning.learners import Learner, MTPLearner
from matsci_ml.atomistic.oracle import label_all, oracle_key
from matsci_ml.atomistic.serialization import atoms_as_dict, atoms_from_dict
from matsci_ml.paths import atomic_write_text
from matsci_ml.progress import finish_bar, progress_bar

STATE_VERSION = 3


#: Keys of a saved state and their types: a file that lacks one, or holds another type, was not written by the loop.
_STATE_FIELDS = {"version": int, "fingerprint": str, "iteration": int, "phase": str, "training": list, "model": (dict, type(None)),
                 "candidates": list, "selected": list, "log": list, "runs": list, "converged": bool, "checksum": str}
_PHASES = ("label_initial", "train", "explore", "select", "label", "done")


def _checksum(state: dict) -> str:
    body = {k: v for k, v in state.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def read_state(path: Path) -> dict:
    """Read and check a saved active-learning state; ``ValueError`` saying what is wrong and what to do.

    The loop writes the state atomically with a sha256 checksum of its content, so a file that does not decode,
    does not parse, lacks a field, or no longer matches its checksum (a training set shortened by hand, say) was
    changed by something else, and resuming from it would silently give another run.
    """
    path = Path(path)
    advice = "Move it away (or delete it) to start this run afresh."
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"the active-learning state {path} is not UTF-8 text (byte {error.start}); the loop writes "
                         f"plain JSON, so another program wrote it. {advice}") from None
    try:
        state = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"the active-learning state {path} is not valid JSON ({error}); it is written atomically, so "
                         f"it was changed by hand or by another program. {advice}") from None
    if not isinstance(state, dict):
        raise ValueError(f"the active-learning state {path} holds a JSON {type(state).__name__}, not the loop's "
                         f"state. {advice}")
    wrong = [k for k, kind in _STATE_FIELDS.items() if not isinstance(state.get(k, _Missing), kind)]
    if wrong or state["phase"] not in _PHASES:
        raise ValueError(f"the active-learning state {path} is not one the loop wrote (missing or malformed: "
                         f"{', '.join(wrong) or 'phase'}). {advice}")
    if state["checksum"] != _checksum(state):
        raise ValueError(f"the active-learning state {path} was changed after the loop wrote it (its checksum does "
                         f"not match; it holds {len(state['training'])} training configurations). Resuming would "
                         f"silently give another run. {advice}")
    return state


class _Missing:
    """Marks a field absent from a state file."""


def _describe(exploration) -> dict:
    fields = {k: v for k, v in vars(exploration).items() if k != "atoms"}
    return {"type": type(exploration).__name__, **fields, "atoms": atoms_as_dict(exploration.atoms)}


class ActiveLearningLoop:
    """Active learning, resumable: by default of an MTP with the MaxVol grade.

    Parameters
    ----------
    initial : list of Atoms
        Starting configurations, labelled by the oracle to form the first training set (they must
        span the basis: a few rattled or strained cells, not one perfect crystal).
    explorations : list of MDExploration or RelaxExploration
        The simulations of step (b), rerun in every iteration.
    state_path : str or Path, optional
        JSON file of the loop's state; with an existing file from the same settings the loop resumes, with
        other settings it refuses (nothing is overwritten).
    state_dir : str or Path, optional
        Instead of ``state_path``: a folder holding one state file per set of settings, named by the
        settings' fingerprint. The same settings resume their run; changed settings (a threshold, a seed,
        another simulation) start a new run beside the old one, which stays available. Meant for notebooks,
        where trying another setting must not raise.
    oracle : ASE calculator or callable returning one
        Default :class:`ase.calculators.emt.EMT`.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Where labelling runs (default: in this process).
    learner : learner, optional
        What is trained and how its uncertainty is graded (:mod:`~matsci_ml.active_learning.learners`);
        default ``MTPLearner()``: a level-10 MTP with the MaxVol grade.
    gamma_select, gamma_break : float
        The two thresholds.
    max_iterations : int
        Training rounds at most (the last one only trains and explores).
    max_selected : int, optional
        Cap on configurations labelled per iteration (never more than the number of linear parameters).
    validation : list of labelled Atoms, optional
        Errors on it are logged after every training.
    progress : bool

    Attributes (after :meth:`run`)
    ------------------------------
    training_set : list of Atoms
    model
        The learner's last model (for :class:`MTPLearner` an
        :class:`~matsci_ml.active_learning.grade.ActiveSet`, with the potential as ``model.potential``).
    log : list of dict
        One entry per iteration: training size, oracle calls, reliability, candidates, selected,
        train/validation errors, times.
    results : list of ExplorationResult
        The simulations of the last iteration.
    converged : bool
    """

    def __init__(self, initial, explorations, *, learner=None, state_path=None, state_dir=None, oracle=EMT,
                 executor=None, gamma_select: float = 2.0, gamma_break: float = 10.0, max_iterations: int = 10,
                 max_selected: int | None = None, validation=None, progress: bool = True):
        if len(initial) == 0:
            raise ValueError("give at least one starting configuration (better: a few rattled cells)")
        if not 0.0 < gamma_select <= gamma_break:
            raise ValueError(f"need 0 < gamma_select <= gamma_break, got {gamma_select} and {gamma_break}")
        self.initial = list(initial)
        self.explorations = list(explorations)
        self.state_path = Path(state_path) if state_path is not None else None
        self.oracle = oracle
        self.executor = executor
        self.learner = MTPLearner() if learner is None else learner
        if not isinstance(self.learner, Learner):
            raise TypeError(f"learner must provide settings(), train(), model() and errors() (see "
                            f"matsci_ml.active_learning.learners.Learner), got {type(self.learner).__name__}")
        self.gamma_select = gamma_select
        self.gamma_break = gamma_break
        self.max_iterations = max_iterations
        self.max_selected = max_selected
        self.validation = validation
        self.progress = progress
        self.results = []
        if state_dir is not None:
            if state_path is not None:
                raise ValueError("give state_path or state_dir, not both")
            self.state_path = Path(state_dir) / f"run-{self.fingerprint()[:12]}.json"

    # ------------------------------------------------------------------ state
    def fingerprint(self) -> str:
        """Hash of everything that determines the run except ``max_iterations`` (which may be raised to go on)."""
        settings = {"initial": [atoms_as_dict(a) for a in self.initial],
                    "explorations": [_describe(e) for e in self.explorations], "learner": self.learner.settings(),
                    "gammas": [self.gamma_select, self.gamma_break], "max_selected": self.max_selected,
                    "oracle": oracle_key(self.oracle)}
        return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()

    def _new_state(self) -> dict:
        return {"version": STATE_VERSION, "fingerprint": self.fingerprint(), "iteration": 0, "phase": "label_initial",
                "training": [], "model": None, "candidates": [], "selected": [], "log": [], "runs": [],
                "converged": False}

    def _load_state(self) -> dict:
        if self.state_path is None or not self.state_path.exists():
            return self._new_state()
        state = read_state(self.state_path)
        if state.get("version") != STATE_VERSION or state.get("fingerprint") != self.fingerprint():
            raise ValueError(f"{self.state_path} holds a run with other settings (starting configurations, "
                             f"simulations, learner, thresholds, oracle or seed), or from another version of this "
                             f"code. Use another state_path, or delete the file to start this run afresh.")
        if state["phase"] == "done" and state["iteration"] + 1 < self.max_iterations and not state["converged"]:
            state["phase"] = "select"   # max_iterations was raised: go on from the last exploration
        return state

    def _save(self, state: dict) -> None:
        if self.state_path is not None:
            atomic_write_text(self.state_path, json.dumps({**state, "checksum": _checksum(state)}))

    # ------------------------------------------------------------------ phases
    def _label_initial(self, state: dict) -> None:
        self._say(f"labelling {len(self.initial)} starting configurations")
        labelled = label_all(self.initial, self.oracle, executor=self.executor)
        state["training"] = [atoms_as_dict(a) for a in labelled]
        state["phase"] = "train"

    def _train(self, state: dict) -> None:
        training = [atoms_from_dict(d) for d in state["training"]]
        state["model"], info = self.learner.train(training, state["model"])
        entry = {"iteration": state["iteration"], "training_size": len(training),
                 "oracle_calls": len(training) - sum(e["oracle_calls"] for e in state["log"]), **info}
        if self.validation is not None:
            entry["validation_errors"] = self.learner.errors(state["model"], self.validation)
        state["log"].append(entry)
        state["phase"] = "explore"

    def _explore(self, state: dict) -> None:
        model = self._model(state)
        start = time.perf_counter()
        results = []
        for exploration in self._bar(self.explorations, "simulations"):
            results.append(exploration.run(model, gamma_select=self.gamma_select, gamma_break=self.gamma_break,
                                           iteration=state["iteration"]))
        self.results = results
        candidates = [c for r in results for c in r.candidates]
        entry = state["log"][-1]
        entry.update(explore_time_s=time.perf_counter() - start, candidates=len(candidates),
                     reliability=float(np.mean([r.reliability for r in results])),
                     broken=int(sum(r.broken for r in results)),
                     steps=int(sum(r.steps_done for r in results)),
                     max_grade=float(max(r.max_grade for r in results)))
        state["runs"] = [_result_to_dict(r) for r in results]
        state["candidates"] = [atoms_as_dict(c) for c in candidates]
        if not candidates:
            state["converged"] = True
            state["phase"] = "done"
        elif state["iteration"] + 1 >= self.max_iterations:
            state["phase"] = "done"
        else:
            state["phase"] = "select"

    def _select(self, state: dict) -> None:
        candidates = [atoms_from_dict(d) for d in state["candidates"]]
        chosen = self._model(state).select(candidates, limit=self.max_selected)
        state["selected"] = [state["candidates"][i] for i in chosen]
        state["log"][-1]["selected"] = len(chosen)
        state["phase"] = "label"

    def _label(self, state: dict) -> None:
        selected = [atoms_from_dict(d) for d in state["selected"]]
        self._say(f"labelling {len(selected)} configurations")
        labelled = label_all(selected, self.oracle, executor=self.executor)
        state["training"].extend(atoms_as_dict(a) for a in labelled)
        state["candidates"], state["selected"] = [], []
        state["iteration"] += 1
        state["phase"] = "train"

    # ------------------------------------------------------------------ driver
    def _model(self, state: dict):
        return self.learner.model(state["model"], [atoms_from_dict(d) for d in state["training"]])

    def _bar(self, items, description):
        """Iterate ``items``, showing ``description k/n`` on the loop's one progress bar (no nested bars: a nested
        bar that closes itself leaves a dead widget in a saved notebook)."""
        bar = getattr(self, "_outer_bar", None)
        if bar is None:
            return items

        def stepping():
            for k, item in enumerate(items, start=1):
                bar.set_postfix_str(f"{description} {k}/{len(items)}")
                yield item
        return stepping()

    def _say(self, text: str) -> None:
        bar = getattr(self, "_outer_bar", None)
        if bar is not None:
            bar.set_postfix_str(text)

    def run(self) -> ActiveLearningLoop:
        """Run (or resume) until converged or ``max_iterations``; returns ``self``."""
        state = self._load_state()
        phases = {"label_initial": self._label_initial, "train": self._train, "explore": self._explore,
                  "select": self._select, "label": self._label}
        bar = progress_bar(self.max_iterations, "active learning", unit="iter", show=self.progress,
                           initial=state["iteration"])
        self._outer_bar = bar
        try:
            while state["phase"] != "done":
                iteration = state["iteration"]
                phases[state["phase"]](state)
                self._save(state)
                if bar is not None:
                    bar.update(state["iteration"] - iteration)
                    if state["log"]:
                        last = state["log"][-1]
                        bar.set_postfix(train=last["training_size"], reliability=last.get("reliability", float("nan")))
        finally:
            self._outer_bar = None
            if state["phase"] == "done":   # a full bar, whatever max_iterations was (iteration 0 counts as one)
                outcome = "converged" if state["converged"] else "stopped at max_iterations"
                finish_bar(bar, f"{outcome}, {len(state['training'])} configurations labelled")
            elif bar is not None:
                bar.close()                # interrupted: the bar stays where the run got to
        self._state = state
        self.training_set = [atoms_from_dict(d) for d in state["training"]]
        self.model = self.learner.model(state["model"], self.training_set)
        self.log = state["log"]
        self.runs = state["runs"]
        self.converged = state["converged"]
        return self

    def final_energy_per_atom(self) -> np.ndarray:
        """Energy per atom (eV) at the end of each simulation of the last iteration (nan where it broke)."""
        return np.array([run["final"]["info"].get("energy", np.nan) / len(run["final"]["numbers"]) for run in self.runs])

    def final_structures(self) -> list[Atoms]:
        """The configuration at the end of each simulation of the last iteration (e.g. the MTP-relaxed candidates)."""
        return [atoms_from_dict(run["final"]) for run in self.runs]

    @property
    def oracle_calls(self) -> int:
        """Configurations labelled by the oracle so far (the size of the training set)."""
        return len(self.training_set)


def _result_to_dict(result) -> dict:
    return {"name": result.name, "steps_requested": result.steps_requested, "steps_done": result.steps_done,
            "broken": result.broken, "converged": result.converged, "grades": result.grades.tolist(),
            "final": atoms_as_dict(result.final)}
