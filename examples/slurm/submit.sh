#!/usr/bin/env bash
# Submit the shard array and the merge job that waits for it:
#   CLAIMBENCH_RUN_DIR=$PWD/results/run-1 bash examples/slurm/submit.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p logs "${CLAIMBENCH_RUN_DIR:?set CLAIMBENCH_RUN_DIR to the run folder}"
array=$(sbatch --parsable --export=ALL "$here/claimbench.sbatch")
sbatch --dependency="afterany:${array}" --export=ALL "$here/merge.sbatch"
