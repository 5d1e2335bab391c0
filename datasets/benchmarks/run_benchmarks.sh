#!/usr/bin/env bash
# The saved benchmark runs README's table is made from: three invocations of each `matsci-ml bench` comparison,
# one after the other on a quiet machine (this project's 2-core CI machine, no GPU), each written as JSON here.
# Then: python -c "from matsci_ml.bench import readme_table; print(readme_table('datasets/benchmarks'))"
# and paste the table into README.md (tests/test_bench_table.py checks that the two agree).
set -euo pipefail
cd "$(dirname "$0")"
for task in featurize mc kmc; do
  for i in 1 2 3; do matsci-ml bench "$task" --json > "$task.$i.json"; done
done
for i in 1 2 3; do matsci-ml bench mtp --no-training --json > "mtp.$i.json"; done
