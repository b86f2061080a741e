"""Shared command line of the torch peers: --input, --device, --dtype, --threads and the shard
options of `_shard.py` (plus each peer's own options), with the thread count applied and the
job's JSON meta loaded."""
import argparse
import json

import torch

from _shard import add_shard_args

def parse_peer_args(add_extra=None, meta=True):
    """Parse the common options (and `add_extra(ap)`'s); returns (args, meta or None, dtype, device)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dtype", default="float64", choices=["float32", "float64"])
    ap.add_argument("--threads", type=int, default=0)
    add_shard_args(ap)
    if add_extra is not None:
        add_extra(ap)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    job = json.load(open(args.input + ".json")) if meta else None
    return args, job, getattr(torch, args.dtype), torch.device(args.device)
