"""Where independent jobs run: in this process, a process pool, or a dask cluster, through one interface.

Everything in the course that runs independent jobs — oracle labels in active learning
(:func:`matsci_ml.atomistic.oracle.label_all`), cluster-expansion labels
(:func:`matsci_ml.cluster_expansion.label_structures`), Monte Carlo temperature and chemical-potential scans
(:mod:`matsci_ml.monte_carlo.metropolis`) — takes an ``executor`` and only calls ``executor.submit(f, *args)``
and ``future.result()``. So the same call runs

- in this process (``executor=None``),
- on the cores of one machine (``concurrent.futures.ProcessPoolExecutor``),
- on many machines: a ``dask.distributed.Client`` connected to a scheduler, e.g.
  ``Client("tcp://scheduler:8786")``, or to a SLURM allocation through dask-jobqueue
  (``SLURMCluster(cores=..., memory=...).scale(jobs=4)``; ``Client(cluster)``). That is the engine for oracles
  that are real DFT codes, where one label takes minutes.

A ``Client`` is used through its ``concurrent.futures`` view with ``pure=False``: dask would otherwise treat two
submissions with equal arguments as one task, which is right for labels but would merge two Monte Carlo runs
that differ only in what the caller meant to repeat. Results come back in submission order whatever the engine,
and every job carries its own seed, so a parallel run gives the serial run's numbers.
"""

from __future__ import annotations

import sys


class InProcessExecutor:
    """The smallest Executor: each job runs in this process when its result is first asked for (so a progress
    bar over the results moves as the work is done)."""

    class _Deferred:
        def __init__(self, function, args, kwargs):
            self._call, self._done, self._value = (function, args, kwargs), False, None

        def result(self, timeout=None):
            if not self._done:
                function, args, kwargs = self._call
                self._value, self._done, self._call = function(*args, **kwargs), True, None
            return self._value

    def submit(self, function, *args, **kwargs):
        return self._Deferred(function, args, kwargs)


def as_executor(executor=None):
    """``executor`` as something with ``submit`` returning futures: None gives :class:`InProcessExecutor`, a
    ``dask.distributed.Client`` its executor view (``pure=False``), anything else is returned unchanged."""
    if executor is None:
        return InProcessExecutor()
    distributed = sys.modules.get("distributed")           # a Client exists only if distributed was imported
    if distributed is not None and isinstance(executor, distributed.Client):
        return executor.get_executor(pure=False)
    if not callable(getattr(executor, "submit", None)):
        raise TypeError(f"executor must have a submit(function, *args) method (a concurrent.futures Executor or a "
                        f"dask.distributed Client), got {type(executor).__name__}")
    return executor


def run_all(function, argument_sets, executor=None) -> list:
    """``[function(**arguments) for arguments in argument_sets]`` on ``executor``, results in input order."""
    executor = as_executor(executor)
    futures = [executor.submit(function, **arguments) for arguments in argument_sets]
    return [future.result() for future in futures]


__all__ = ["InProcessExecutor", "as_executor", "run_all"]
