"""The reference's supernet training step in PyTorch, for measuring `nasrec bench supernet` side by side.

A space (our .space.yaml) over a dataset built as the original's supernet per the spec (§2.3-§2.5, elastic mode,
layer norm on): every operator at its maximum width (1,024 units, 64 tokens) with its output multiplied by a 0/1
mask, unselected inputs as cached zeros, the dense→sparse merger always appending 8 tokens; paths sampled at every
forward (§3.1: `full-path`, or `default`, i.e. any-path binomial-0.5 connections and single-path operators as after
the warm-up); one nn.Embedding per table (capped), dense gradients, Adagrad (eps 1e-2), clipping at 5 (§5.1). Written
from the spec, not from the original's code; where the spec leaves a formulation open the cheaper one is taken (an
input join is built only for an operator that reads it), so that a ratio over it errs low.

    /usr/bin/python3 tests/NasRec.Runtime.Tests/Benchmarks/pytorch_reference_supernet.py \
        spaces/nasrec-full.space.yaml [--dataset criteo] [--strategy default|full-path] [--steps 8] [--warmup 2]
"""
import argparse
import json
import math
import pathlib
import random

# First: it sets OpenBLAS's environment before torch loads it.
from pytorch_reference import (EMBEDDING, LEARNING_RATE, MERGER_TOKENS, Transformer, add_common_arguments, batches,
                               dataset_layout, initialize, prepare_process, train_samples_per_second)

import torch
import yaml
from torch import nn

MAX_WIDTH = 1024
MAX_TOKENS = 64
MERGER_WIDTH = MERGER_TOKENS * EMBEDDING
MAX_INPUTS = 4


class Masks:
    """0/1 masks keeping the first n units, cached per (length, n)."""

    def __init__(self):
        self.cache = {}

    def __call__(self, length, kept):
        key = (length, kept)
        if key not in self.cache:
            mask = torch.zeros(length)
            mask[:kept] = 1
            self.cache[key] = mask
        return self.cache[key]


class NormedLinear(nn.Module):
    """Lin(a→b) then LN(b), over the last axis."""

    def __init__(self, width_in, width, bias=False):
        super().__init__()
        self.linear = nn.Linear(width_in, width, bias=bias)
        self.norm = nn.LayerNorm(width)

    def forward(self, x):
        return self.norm(self.linear(x))


class NormedTokenLinear(nn.Module):
    """A linear over tokens N→S with LN over the S axis: [B, N, E] → [B, S, E]."""

    def __init__(self, tokens_in, tokens):
        super().__init__()
        self.inner = NormedLinear(tokens_in, tokens)

    def forward(self, x):
        return self.inner(x.transpose(1, 2)).transpose(1, 2)


class SupernetBlock(nn.Module):
    def __init__(self, dense_operators, sparse_operators, width_in, tokens_in):
        super().__init__()
        self.dense = nn.ModuleDict()
        for op in dense_operators:
            if op == "fc":
                self.dense[op] = NormedLinear(width_in, MAX_WIDTH)
            elif op == "dot-product":
                k = round(math.sqrt(2 * MAX_WIDTH))
                self.dense[op] = nn.ModuleDict({
                    "project": NormedLinear(width_in, EMBEDDING), "balance": NormedTokenLinear(tokens_in, k),
                    "output": NormedLinear(k * (k + 1) // 2, MAX_WIDTH)})
                rows, cols = torch.tril_indices(k + 1, k + 1, offset=-1)
                self.register_buffer("rows", rows, persistent=False)
                self.register_buffer("cols", cols, persistent=False)
            elif op == "sigmoid-gating":
                self.dense[op] = nn.ModuleDict({
                    "gate": nn.Linear(width_in, width_in), "output": NormedLinear(width_in, MAX_WIDTH, bias=True)})
            elif op == "sum":
                self.dense[op] = NormedLinear(width_in, MAX_WIDTH)
            else:
                raise ValueError(f"unknown dense operator {op}")
        self.sparse = nn.ModuleDict()
        for op in sparse_operators:
            if op == "efc":
                self.sparse[op] = NormedTokenLinear(tokens_in, MAX_TOKENS)
            elif op == "transformer":
                self.sparse[op] = Transformer(NormedTokenLinear(tokens_in, MAX_TOKENS))
            else:
                raise ValueError(f"unknown sparse operator {op}")
        self.merger = NormedLinear(MAX_WIDTH, MERGER_WIDTH)
        self.fm = NormedLinear(EMBEDDING, MAX_WIDTH)

    def dense_output(self, op, dense_in, sparse_in, left, right):
        module = self.dense[op]
        if op == "fc":
            return torch.relu(module(dense_in))
        if op == "dot-product":
            tokens = torch.cat([module["project"](dense_in).unsqueeze(1), module["balance"](sparse_in)], 1)
            gram = torch.bmm(tokens, tokens.transpose(1, 2))
            return module["output"](gram[:, self.rows, self.cols])
        if op == "sigmoid-gating":
            return module["output"](torch.sigmoid(module["gate"](left)) * right)
        return module(left + right)

    def sparse_output(self, op, sparse_in, token_mask):
        if op == "efc":
            return torch.relu(self.sparse[op](sparse_in)) * token_mask
        return self.sparse[op](sparse_in, token_mask)

    def forward(self, dense_list, sparse_list, path, masks, zeros):
        def joined(parts, chosen):
            return torch.cat([part if j in chosen else zeros(part.shape) for j, part in enumerate(parts)], 1)

        readers = {"fc", "dot-product"} & set(path["dense_ops"])
        dense_in = joined(dense_list, path["dense_idx"]) if readers else None
        sparse_in = joined(sparse_list, path["sparse_idx"])
        binary = {"sum", "sigmoid-gating"} & set(path["dense_ops"])
        left = joined(dense_list, path["left"]) if binary else None
        right = joined(dense_list, path["right"]) if binary else None
        dense_mask = masks(MAX_WIDTH, path["width"])
        token_mask = masks(MAX_TOKENS, path["tokens"]).view(1, MAX_TOKENS, 1)
        dense_out = sum(self.dense_output(op, dense_in, sparse_in, left, right) for op in path["dense_ops"]) * dense_mask
        sparse_out = sum(self.sparse_output(op, sparse_in, token_mask) for op in path["sparse_ops"])
        merged = (self.merger(dense_out).view(-1, MERGER_TOKENS, EMBEDDING) if path["dense_to_sparse"]
                  else zeros((dense_out.shape[0], MERGER_TOKENS, EMBEDDING)))
        if path["fm"]:
            interaction = sparse_out.sum(1).pow(2) - sparse_out.pow(2).sum(1)
            dense_out = dense_out + self.fm(interaction) * dense_mask
        return dense_out, torch.cat([sparse_out, merged], 1)


class Sampler:
    """A path per block at every forward (spec §3.1), from one seeded source."""

    def __init__(self, space, strategy, seed=1):
        self.space, self.strategy, self.random = space, strategy, random.Random(seed)

    def connections(self, n):
        """binomial-0.5: 1 + Binomial(min(n−1, 3), 0.5)."""
        return 1 + sum(self.random.random() < 0.5 for _ in range(min(n - 1, MAX_INPUTS - 1)))

    def __call__(self, block):
        n = block + 1
        if self.strategy == "full-path":
            every = set(range(n))
            return {"dense_idx": every, "sparse_idx": every, "left": every, "right": every,
                    "dense_ops": self.space["denseOperators"], "sparse_ops": self.space["sparseOperators"],
                    "width": MAX_WIDTH, "tokens": MAX_TOKENS, "dense_to_sparse": True, "fm": True}
        return {"dense_idx": set(self.random.sample(range(n), self.connections(n))),
                "sparse_idx": set(self.random.sample(range(n), self.connections(n))),
                "left": {self.random.randrange(n)}, "right": {self.random.randrange(n)},
                "dense_ops": [self.random.choice(self.space["denseOperators"])],
                "sparse_ops": [self.random.choice(self.space["sparseOperators"])],
                "width": self.random.choice(self.space["denseWidths"]),
                "tokens": self.random.choice(self.space["sparseTokens"]),
                "dense_to_sparse": self.random.random() < 0.5, "fm": self.random.random() < 0.5}


class ReferenceSupernet(nn.Module):
    def __init__(self, space, dense_features, table_rows, strategy):
        super().__init__()
        self.embeddings = nn.ModuleList(nn.Embedding(rows, EMBEDDING) for rows in table_rows)
        self.blocks = nn.ModuleList(
            SupernetBlock(space["denseOperators"], space["sparseOperators"],
                          dense_features + MAX_WIDTH * i, len(table_rows) + (MAX_TOKENS + MERGER_TOKENS) * i)
            for i in range(space["blocks"]))
        self.head = nn.Linear(MAX_WIDTH + (MAX_TOKENS + MERGER_TOKENS) * EMBEDDING, 1)
        self.sampler = Sampler(space, strategy)
        self.masks = Masks()
        self.zero_cache = {}
        initialize(self)

    def zeros(self, shape):
        shape = tuple(shape)
        if shape not in self.zero_cache:
            self.zero_cache[shape] = torch.zeros(shape)
        return self.zero_cache[shape]

    def forward(self, dense, ids):
        sparse = torch.stack([table(ids[:, j]) for j, table in enumerate(self.embeddings)], 1)
        dense_list, sparse_list = [dense], [sparse]
        for i, block in enumerate(self.blocks):
            dense_out, sparse_out = block(dense_list, sparse_list, self.sampler(i), self.masks, self.zeros)
            dense_list.append(dense_out)
            sparse_list.append(sparse_out)
        return self.head(torch.cat([dense_list[-1], sparse_list[-1].flatten(1)], 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("space", type=pathlib.Path)
    parser.add_argument("--dataset", default="criteo")
    parser.add_argument("--strategy", choices=["default", "full-path"], default="default")
    parser.add_argument("--batch", type=int, default=512)
    add_common_arguments(parser, steps=8)
    args = parser.parse_args()
    process = prepare_process(args)
    space = yaml.safe_load(args.space.read_text())
    dataset, dense_features, rows = dataset_layout(args.space.parent / "datasets", args.dataset, args.cap_rows)
    model = ReferenceSupernet(space, dense_features, rows, args.strategy)
    parameters = sum(p.numel() for name, p in model.named_parameters() if not name.startswith("embeddings"))
    speed, loss = train_samples_per_second(
        model, batches(dense_features, rows, args.batch), args.steps, args.warmup, LEARNING_RATE)
    print(json.dumps({"space": space["name"], "dataset": dataset["name"], "strategy": args.strategy,
                      "batch": args.batch, **process, "nonEmbeddingParams": parameters,
                      "trainSamplesPerSecond": round(speed, 1), "lastLoss": round(loss, 5)}), flush=True)


if __name__ == "__main__":
    main()
