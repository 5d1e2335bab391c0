"""The ``matsci-ml`` command: open the course, check the machine, manage data, run lessons."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from matsci_ml.paths import DATA_ENV_VAR, data_dir


def _cmd_lab(args: argparse.Namespace, extra: list[str]) -> int:
    from matsci_ml.workspace import install_lab_settings, lab_command, prepare_workspace, reset_lesson, workspace_dir

    root = workspace_dir()
    settings = install_lab_settings()
    if args.settings_only:
        print(f"JupyterLab settings: {settings or 'not installed (folder not writable)'}")
        return 0
    for name in args.reset:
        try:
            fresh, backup = reset_lesson(name, root)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
        print(f"reset {fresh.name}" + (f" (your copy is in {backup})" if backup else ""))
    copied = prepare_workspace(root)
    if copied:
        print(f"copied {len(copied)} lessons into your workspace {root}")
    if args.prepare:
        return 0
    command = lab_command(extra, root)
    print(f"Opening JupyterLab on {root} (your own copies of the lessons; Ctrl-C to stop)", flush=True)
    if os.name == "posix":
        os.execv(sys.executable, command)  # become JupyterLab, so signals (Ctrl-C, kill) reach it
    return subprocess.call(command)


def _cmd_doctor(args: argparse.Namespace, extra: list[str]) -> int:
    from matsci_ml.doctor import report, run_checks

    text, code = report(run_checks())
    print(text)
    return code


def _cmd_data(args: argparse.Namespace, extra: list[str]) -> int:
    from matsci_ml.data import DownloadError, fetch, file_status, select
    from matsci_ml.data.catalogue import DatasetIntegrityError

    try:
        datasets = select(args.names)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    root = Path(args.dir).resolve() if args.dir else data_dir()
    if args.action == "list":
        for d in datasets:
            size = f"{d.size_bytes / 1e6:.2f} MB" if d.size_bytes else "size unknown"
            print(f"{d.name}\n  file:     {d.path} ({size})\n  source:   {d.url}\n  sha256:   {d.sha256}\n"
                  f"  licence:  {d.licence}\n  cite:     {d.citation}")
            for variant, why in d.accepted_variants.items():
                print(f"  also accepted: {variant} ({why})")
        print(f"\nData folder: {root}  (set ${DATA_ENV_VAR} to change it)")
        return 0
    failures = 0
    for d in datasets:
        if args.action == "verify":
            status = file_status(d, root)
            print(f"[{status.state:^7}] {d.name}: {status.detail}")
            failures += status.state != "ok"
        else:
            try:
                source = (Path(args.source).resolve() / d.path).as_uri() if args.source else None
                status = fetch(d, root, url=source, progress=sys.stderr.isatty())
                print(f"[{status.state:^7}] {d.name}: {status.path if status.state == 'ok' else status.detail}")
                failures += status.state != "ok"
            except (DownloadError, DatasetIntegrityError) as error:
                print(f"[ FAIL  ] {d.name}: {error}")
                failures += 1
    print(f"{len(datasets) - failures} of {len(datasets)} datasets ok in {root}")
    return 1 if failures else 0


def _cmd_run(args: argparse.Namespace, extra: list[str]) -> int:
    import tempfile

    from matsci_ml.notebooks import check_verdicts, format_table, lesson_notebooks, run_notebook

    paths = [Path(p) for p in args.notebooks] or lesson_notebooks()
    runs = []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        # from a clean state: what a lesson saves beside itself (lessons 07, 08, 10: al_runs/) goes to a fresh
        # folder, so a second run is not a resumed one, and the learner's own saved runs are left as they are
        with tempfile.TemporaryDirectory(prefix="matsci-ml-run-") as workdir:
            run = run_notebook(path, cell_timeout_s=args.cell_timeout, solutions=args.solutions, workdir=workdir)
        if args.solutions and run.ok:
            failed = [i for i, text in check_verdicts(run.notebook).items() if "✅ Correct" not in text]
            if failed:
                run.ok, run.error = False, f"solution checks that did not pass: {', '.join(failed)}"
        runs.append(run)
    print(format_table(runs))
    over = [r for r in runs if args.max_seconds and r.wall_s > args.max_seconds
            or args.max_memory_mb and r.peak_mb > args.max_memory_mb]
    for run in over:
        print(f"{run.path.name} is over budget ({run.wall_s:.0f} s, {run.peak_mb:.0f} MB)")
    return 0 if all(r.ok for r in runs) and not over else 1


def _cmd_warmup(args: argparse.Namespace, extra: list[str]) -> int:
    import time

    from matsci_ml.warmup import warm_numba_cache

    start = time.perf_counter()
    names = warm_numba_cache()
    print(f"compiled or loaded from the cache in {time.perf_counter() - start:.1f} s:", ", ".join(names))
    return 0


def _cmd_bench(args: argparse.Namespace, extra: list[str]) -> int:
    import json

    from matsci_ml import bench

    if args.task == "gnn":
        folds = [int(k) for k in args.folds.split(",")]
        print(bench.bench_gnn(args.matbench_task, folds=folds, output=args.output))
        return 0
    if args.sizes and args.task not in ("mc", "kmc"):
        raise SystemExit("--sizes is for bench mc and bench kmc")
    options = {"repeat": args.repeat}
    if args.sizes:
        options["sizes"] = [int(n) for n in args.sizes.split(",")]
    if args.task == "mtp":
        options["train"], options["level"] = not args.no_training, args.level
    result = getattr(bench, f"bench_{args.task}")(**options)
    print(json.dumps(result.to_dict(), indent=1) if args.json else result)
    return 0


def _cmd_bundle(args: argparse.Namespace, extra: list[str]) -> int:
    from matsci_ml.bundle import write_bundle

    report = write_bundle(args.directory, platforms=tuple(args.platform), python_version=args.python_version,
                          torch_index=args.torch_index or None)
    print(report.summary())
    return 0


def _cmd_site(args: argparse.Namespace, extra: list[str]) -> int:
    from matsci_ml.site import EXECUTED_DIR, build_site

    report = build_site(args.out, executed=args.executed or EXECUTED_DIR, execute_missing=args.execute_missing)
    print(report.summary())
    return 1 if report.problems else 0


def _cmd_export_mlip(args: argparse.Namespace, extra: list[str]) -> int:
    from matsci_ml.data import load_mlearn
    from matsci_ml.mtp import MomentTensorPotential, minimum_distance, read_mtp
    from matsci_ml.mtp.mlip2_export import export_for_mlip2
    from matsci_ml.mtp.reference_values import SHIPPED_MO_MTP

    train, test = load_mlearn(args.element, "training"), load_mlearn(args.element, "test")
    if args.potential:
        potential = read_mtp(args.potential)
    elif args.element == "Mo":
        potential = read_mtp(SHIPPED_MO_MTP)
    else:
        shortest = min(minimum_distance(a) for a in train)
        potential = MomentTensorPotential.from_level(args.level, [args.element], min_dist=round(0.95 * shortest, 2),
                                                     max_dist=5.0, seed=0)
    commands = export_for_mlip2(args.out, potential, train, test)
    print(f"wrote {args.out}/train.cfg ({len(train)} configurations), test.cfg ({len(test)}), pot.mtp "
          f"(level {potential.level}, species {' '.join(potential.symbols)}), mlip.ini. With mlip-2, in that folder:")
    print("\n".join("  " + c for c in commands))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matsci-ml", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    lab = sub.add_parser("lab", help="open JupyterLab on your own copy of the lessons (extra options go to jupyter lab)",
                         description="Copies the lessons you do not have yet into your workspace ($MATSCI_ML_WORKSPACE, "
                                     "default ~/matsci-ml-work) and opens JupyterLab there.")
    lab.add_argument("--reset", action="append", default=[], metavar="LESSON",
                     help="replace your copy of LESSON (e.g. 05) with a fresh one; yours is kept in .backups/")
    lab.add_argument("--prepare", action="store_true", help="only copy the lessons and install the settings")
    lab.add_argument("--settings-only", action="store_true", help="only install the course's JupyterLab settings")
    lab.set_defaults(func=_cmd_lab)

    doctor = sub.add_parser("doctor", help="check Python, packages, numba, datasets, MP key and network")
    doctor.set_defaults(func=_cmd_doctor)

    data = sub.add_parser("data", help="list, fetch or verify the datasets")
    data.add_argument("action", choices=["list", "fetch", "verify"])
    data.add_argument("names", nargs="*", help="dataset or group names (default: all)")
    data.add_argument("--dir", help=f"data folder (default ${DATA_ENV_VAR} or ~/.cache/matsci-ml/datasets)")
    data.add_argument("--from", dest="source", metavar="FOLDER",
                      help="fetch: copy from this folder (an offline bundle's datasets/) instead of the internet; "
                           "every file is still hash-checked")
    data.set_defaults(func=_cmd_data)

    run = sub.add_parser("run", help="execute lessons headless, each from a clean state (what it saves, such as al_runs/, "
                         "goes to a fresh folder); table of wall time and peak memory")
    run.add_argument("notebooks", nargs="*", help="notebooks to run (default: every lesson)")
    run.add_argument("--cell-timeout", type=int, default=600, help="seconds per cell (default 600)")
    run.add_argument("--max-seconds", type=float, help="fail if a notebook takes longer")
    run.add_argument("--max-memory-mb", type=float, help="fail if a notebook's peak memory is higher")
    run.add_argument("--solutions", action="store_true",
                     help="run the solution version (every implementation exercise filled in; all checks must pass)")
    run.set_defaults(func=_cmd_run)

    bench = sub.add_parser("bench", help="time our implementation against a peer library, same process")
    bench.add_argument("task", choices=["featurize", "mc", "kmc", "mtp", "gnn"])
    bench.add_argument("--matbench-task", default="matbench_phonons", choices=["matbench_phonons", "matbench_jdft2d"],
                       help="gnn only: the Matbench task")
    bench.add_argument("--sizes", help="mc and kmc: fcc site counts 4 n^3 (default 4000,32000; e.g. 4000,32000,256000), "
                       "each in a fresh process with its peak memory; CLEASE up to 32,000 sites")
    bench.add_argument("--repeat", type=int, default=3, help="runs of each side, back to back (default 3): the "
                       "output gives the median and the range")
    bench.add_argument("--json", action="store_true", help="print the measurements as JSON (for scripts)")
    bench.add_argument("--no-training", action="store_true", help="mtp only: time the kernels, skip the Mo fit")
    bench.add_argument("--level", type=int, default=16, choices=[16, 18, 20], help="mtp only: level of the Mo fit "
                       "(16, the shipped potential's; 18 reaches the published energy error, 20 the force error; each "
                       "stops by 9 min)")
    bench.add_argument("--folds", default="0,1,2,3,4", help="gnn only: official folds to run, e.g. 0,1")
    bench.add_argument("--output", default=None, help="gnn only: where to write the JSON results "
                       "(default datasets/structure_models/cgcnn_<task>.json)")
    bench.set_defaults(func=_cmd_bench)

    bundle = sub.add_parser("bundle", help="write an offline workshop bundle: wheels, datasets, the course, a README")
    bundle.add_argument("directory")
    bundle.add_argument("--platform", action="append", default=[],
                        help="also download binary wheels for this pip platform tag (repeatable), e.g. win_amd64")
    bundle.add_argument("--python-version", help="participants' Python for --platform, e.g. 3.11 (default: this one)")
    bundle.add_argument("--torch-index", default="default", help="extra index for torch (default: PyTorch's CPU index on Linux; '' for none)")
    bundle.set_defaults(func=_cmd_bundle)

    site = sub.add_parser("site", help="build the course website (lessons with their outputs) and check it")
    site.add_argument("out", nargs="?", default="build/site", help="output folder (default build/site)")
    site.add_argument("--executed", help="folder of executed lessons (default build/executed, written by make test)")
    site.add_argument("--execute-missing", action="store_true", help="run the lessons missing there (minutes)")
    site.set_defaults(func=_cmd_site)

    export = sub.add_parser("export-mlip", help="write an mlearn training set and an MTP for mlip-2 (mlp, pair_style mlip)")
    export.add_argument("out", help="folder to write train.cfg, test.cfg, pot.mtp and mlip.ini into")
    export.add_argument("--element", default="Mo", choices=["Mo", "Si", "Ge", "Li"], help="mlearn element (default Mo)")
    export.add_argument("--potential", help="an .mtp file (default: the shipped Mo level-16 MTP for Mo, "
                                            "else an untrained template of --level)")
    export.add_argument("--level", type=int, default=16, help="level of the untrained template (default 16)")
    export.set_defaults(func=_cmd_export_mlip)

    warmup = sub.add_parser("warmup", help="compile the numba kernels into the cache")
    warmup.set_defaults(func=_cmd_warmup)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    from matsci_ml.data import DatasetIntegrityError, DatasetMissingError

    try:
        return args.func(args, extra)
    except (DatasetMissingError, DatasetIntegrityError) as error:
        print(f"matsci-ml {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
