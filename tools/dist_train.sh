#!/usr/bin/env bash
# Distributed training on one node with torchrun:
#   bash tools/dist_train.sh CONFIG NUM_GPUS [train.py arguments...]
set -euo pipefail
CONFIG=$1
GPUS=$2
shift 2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHONPATH="$here/..:${PYTHONPATH:-}" \
exec python -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" --master_port="$PORT" \
    "$here/train.py" "$CONFIG" --launcher pytorch "$@"
