"""The reference's training step and inference in PyTorch, for measuring ours side by side.

A released architecture (our .arch.yaml) built as the original's fixed subnet per the spec (§2.3-§2.4, layer norm
off as in its final training, dead blocks computed as eager PyTorch computes them), one nn.Embedding per table with
dense gradients, torch.optim.Adagrad (eps 1e-2), global clipping at 5, BCE with logits: the reference's step
(spec §5.1). Written from the spec, not from the original's code; where the spec leaves a formulation open, the
cheaper one is taken, so that a ratio over it errs low.

Runs under Debian's PyTorch 1.13 (`apt-get install python3-torch libopenblas0-openmp`: OpenBLAS, as the issue's
1.13 figures were measured), with batches drawn as `nasrec bench train` draws them (seeded, uniform per table):

    /usr/bin/python3 tests/NasRec.Runtime.Tests/Benchmarks/pytorch_reference.py \
        spaces/criteo/nasrecnet-small.arch.yaml [--tables capped|full] [--steps 20] [--warmup 3] [--threads 2]

Prints one JSON line per architecture: training and inference samples/s. By default the process keeps freed memory
in glibc's heap as ours does (`NativeHeap`): with glibc's own policy PyTorch maps every block of 32 MB or more afresh
and faults on its pages at every step (Criteo Small's Adagrad step: 140 ms instead of 28), and the issue's figures
for PyTorch 1.13 match the faster process. `--glibc-heap` keeps glibc's policy.
"""
import argparse
import ctypes
import json
import math
import os
import pathlib
import sys
import time

# OpenBLAS picks its kernels by CPU when it loads, with torch: this machine's environment pins the older Haswell
# (AVX2) ones for safety, and OpenBLAS's own choice here (Cooperlake, AVX-512) runs products 1.6× faster. The faster
# reference is the one to measure against.
for pinned in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(pinned, None)

import torch
import torch.nn.functional as F
import yaml
from torch import nn

# The heap policy of our exporter's Python side, which is NativeHeap's: one statement of it for the Python files.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "python"))
from nasrec_torch import retain_freed_memory  # noqa: E402

EMBEDDING = 16
MERGER_TOKENS = 8
# As `nasrec bench train` and `bench supernet` step ours: a constant rate that keeps random batches from diverging.
LEARNING_RATE = 0.01


class TokenLinear(nn.Module):
    """A linear over the token axis: [B, N, E] → transpose → Linear(N→M) → transpose → [B, M, E]."""

    def __init__(self, tokens_in, tokens_out):
        super().__init__()
        self.linear = nn.Linear(tokens_in, tokens_out)

    def forward(self, x):
        return self.linear(x.transpose(1, 2)).transpose(1, 2)


class Fc(nn.Module):
    def __init__(self, width_in, width):
        super().__init__()
        self.linear = nn.Linear(width_in, width)

    def forward(self, dense_in, sparse_in, left, right):
        return F.relu(self.linear(dense_in), inplace=True)


class DotProduct(nn.Module):
    def __init__(self, width_in, tokens_in, width):
        super().__init__()
        k = round(math.sqrt(2 * width))
        self.project = nn.Linear(width_in, EMBEDDING) if width_in != EMBEDDING else None
        self.balance = TokenLinear(tokens_in, k) if tokens_in != k else None
        rows, cols = torch.tril_indices(k + 1, k + 1, offset=-1)
        self.register_buffer("rows", rows, persistent=False)
        self.register_buffer("cols", cols, persistent=False)
        self.output = nn.Linear(rows.numel(), width)

    def forward(self, dense_in, sparse_in, left, right):
        x = self.project(dense_in) if self.project is not None else dense_in
        y = self.balance(sparse_in) if self.balance is not None else sparse_in
        tokens = torch.cat([x.unsqueeze(1), y], 1)
        gram = torch.bmm(tokens, tokens.transpose(1, 2))
        return self.output(gram[:, self.rows, self.cols])


class Binary(nn.Module):
    """Sum and sigmoid gating: left and right zero-padded to one width W, then Lin(W→D) when W ≠ D."""

    def __init__(self, gated, width_left, width_right, width):
        super().__init__()
        self.padded = max(width_left, width_right)
        self.gate = nn.Linear(self.padded, self.padded) if gated else None
        self.output = nn.Linear(self.padded, width) if self.padded != width else None

    def forward(self, dense_in, sparse_in, left, right):
        left = F.pad(left, (0, self.padded - left.shape[1]))
        right = F.pad(right, (0, self.padded - right.shape[1]))
        out = torch.sigmoid(self.gate(left)) * right if self.gate is not None else left + right
        return self.output(out) if self.output is not None else out


class Efc(nn.Module):
    def __init__(self, tokens_in, tokens):
        super().__init__()
        self.linear = TokenLinear(tokens_in, tokens)

    def forward(self, sparse_in):
        return F.relu(self.linear(sparse_in), inplace=True)


class Transformer(nn.Module):
    """Attention on tokens (spec §2.4.6): a projection over tokens, 8 heads of width 2, two LN16 (weights 0.17) and the
    FFN. The supernet passes its normed projection and a token mask, applied after the projection and at the end."""

    def __init__(self, project):
        super().__init__()
        self.project = project
        self.attention = nn.MultiheadAttention(EMBEDDING, 8, batch_first=True)
        self.norm1 = nn.LayerNorm(EMBEDDING)
        self.norm2 = nn.LayerNorm(EMBEDDING)
        for norm in (self.norm1, self.norm2):
            nn.init.constant_(norm.weight, 0.17)
        self.ffn = nn.Sequential(nn.Linear(EMBEDDING, EMBEDDING), nn.ReLU(), nn.Linear(EMBEDDING, EMBEDDING))

    def forward(self, sparse_in, token_mask=None):
        h = self.project(sparse_in)
        if token_mask is not None:
            h = h * token_mask
        a, _ = self.attention(h, h, h, need_weights=False)
        u = self.norm1(a + h)
        v = self.norm2(u + self.ffn(u))
        return v if token_mask is None else v * token_mask


def initialize(model):
    """Spec §2.7: Xavier-normal embeddings, Xavier-uniform weights and zero biases of exact nn.Linear layers."""
    for module in model.modules():
        if isinstance(module, nn.Embedding):
            nn.init.xavier_normal_(module.weight)
        elif type(module) is nn.Linear:
            nn.init.xavier_uniform_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)


class Block(nn.Module):
    def __init__(self, spec, dense_widths, token_counts):
        super().__init__()
        dense, sparse = spec["dense"], spec["sparse"]
        self.dense_inputs = sorted(dense.get("inputs", []))
        self.sparse_inputs = sorted(sparse["inputs"])
        self.left, self.right = dense.get("left"), dense.get("right")
        width, tokens = dense["width"], sparse["tokens"]
        width_in = sum(dense_widths[j] for j in self.dense_inputs)
        tokens_in = sum(token_counts[j] for j in self.sparse_inputs)
        op = dense["op"]
        if op == "fc":
            self.dense = Fc(width_in, width)
        elif op == "dot-product":
            self.dense = DotProduct(width_in, tokens_in, width)
        elif op in ("sum", "sigmoid-gating"):
            self.dense = Binary(op == "sigmoid-gating", dense_widths[self.left], dense_widths[self.right], width)
        else:
            raise ValueError(f"unknown dense operator {op}")
        if sparse["op"] == "efc":
            self.sparse = Efc(tokens_in, tokens)
        elif sparse["op"] == "transformer":
            self.sparse = Transformer(TokenLinear(tokens_in, tokens))
        else:
            raise ValueError(f"unknown sparse operator {sparse['op']}")
        self.merger = spec["denseToSparse"]
        self.merger_projection = nn.Linear(width, MERGER_TOKENS * EMBEDDING) if self.merger and width != 128 else None
        self.fm_projection = nn.Linear(EMBEDDING, width) if spec["fm"] and width != EMBEDDING else None
        self.fm = spec["fm"]
        self.width, self.tokens = width, tokens + (MERGER_TOKENS if self.merger else 0)

    def forward(self, dense_list, sparse_list):
        def joined(parts, axis):
            return parts[0] if len(parts) == 1 else torch.cat(parts, axis)

        dense_in = joined([dense_list[j] for j in self.dense_inputs], 1) if self.dense_inputs else None
        sparse_in = joined([sparse_list[j] for j in self.sparse_inputs], 1)
        left = dense_list[self.left] if self.left is not None else None
        right = dense_list[self.right] if self.right is not None else None
        # A sum over the active nodes (one here): a new tensor, which the FM then adds into in place.
        dense_out = sum([self.dense(dense_in, sparse_in, left, right)])
        sparse_out = sum([self.sparse(sparse_in)])
        merged = None
        if self.merger:
            source = self.merger_projection(dense_out.clone()) if self.merger_projection is not None else dense_out
            merged = source.view(-1, MERGER_TOKENS, EMBEDDING)
        if self.fm:
            interaction = sparse_out.sum(1).pow(2) - sparse_out.pow(2).sum(1)
            dense_out.add_(self.fm_projection(interaction) if self.fm_projection is not None else interaction)
        if merged is not None:
            sparse_out = torch.cat([sparse_out, merged], 1)
        return dense_out, sparse_out


class ReferenceSubnet(nn.Module):
    def __init__(self, architecture, dense_features, table_rows):
        super().__init__()
        self.embeddings = nn.ModuleList(nn.Embedding(rows, EMBEDDING) for rows in table_rows)
        dense_widths, token_counts = [dense_features], [len(table_rows)]
        self.blocks = nn.ModuleList()
        for spec in architecture["blocks"]:
            block = Block(spec, dense_widths, token_counts)
            self.blocks.append(block)
            dense_widths.append(block.width)
            token_counts.append(block.tokens)
        self.head = nn.Linear(dense_widths[-1] + token_counts[-1] * EMBEDDING, 1)
        initialize(self)

    def forward(self, dense, ids):
        sparse = torch.stack([table(ids[:, j]) for j, table in enumerate(self.embeddings)], 1)
        dense_list, sparse_list = [dense], [sparse]
        for block in self.blocks:
            dense_out, sparse_out = block(dense_list, sparse_list)
            dense_list.append(dense_out)
            sparse_list.append(sparse_out)
        return self.head(torch.cat([dense_list[-1], sparse_list[-1].flatten(1)], 1))


def blas_kernels():
    """The kernels OpenBLAS chose (when libblas is OpenBLAS)."""
    try:
        blas = ctypes.CDLL("libblas.so.3")
        blas.openblas_get_corename.restype = ctypes.c_char_p
        return blas.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return "not OpenBLAS"


def batches(dense_features, table_rows, size, count=8, seed=7):
    generator = torch.Generator().manual_seed(seed)
    return [(torch.rand(size, dense_features, generator=generator),
             torch.stack([torch.randint(rows, (size,), generator=generator) for rows in table_rows], 1),
             (torch.rand(size, 1, generator=generator) < 0.25).float()) for _ in range(count)]


def train_samples_per_second(model, data, steps, warmup, learning_rate):
    optimizer = torch.optim.Adagrad(model.parameters(), lr=learning_rate, eps=1e-2, initial_accumulator_value=0)
    loss_function = nn.BCEWithLogitsLoss()

    def step(i):
        dense, ids, label = data[i % len(data)]
        optimizer.zero_grad()
        loss = loss_function(model(dense, ids), label)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        return loss.item()

    for i in range(warmup):
        step(i)
    start = time.perf_counter()
    losses = [step(i) for i in range(steps)]
    # The last loss comes along as a check that the kernels computed (a wrong BLAS kernel shows as NaN or nonsense).
    return steps * data[0][0].shape[0] / (time.perf_counter() - start), losses[-1]


def inference_samples_per_second(model, data, steps, warmup):
    model.eval()
    with torch.no_grad():
        for i in range(warmup):
            model(*data[i % len(data)][:2])
        start = time.perf_counter()
        for i in range(steps):
            model(*data[i % len(data)][:2])
    model.train()
    return steps * data[0][0].shape[0] / (time.perf_counter() - start)


def add_common_arguments(parser, steps):
    """The options both reference scripts take: the table cap, the timing and the process's settings."""
    parser.add_argument("--cap-rows", type=int, default=500_000)
    parser.add_argument("--steps", type=int, default=steps)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--glibc-heap", action="store_true", help="keep glibc's heap policy (slower)")


def prepare_process(args):
    """Applies the heap policy and thread count; returns what every result line says of the process."""
    if not args.glibc_heap:
        retain_freed_memory()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    return {"threads": args.threads, "torch": torch.__version__, "blas": blas_kernels(),
            "heap": "glibc" if args.glibc_heap else "retained"}


def dataset_layout(datasets, name, cap_rows):
    """A dataset document's dense feature count and its tables' rows, capped when cap_rows is given."""
    dataset = yaml.safe_load((datasets / f"{name.lower()}.dataset.yaml").read_text())
    sizes = [feature["tableSize"] for feature in dataset["sparse"]["features"]]
    return dataset, len(dataset["dense"]["features"]), [min(size, cap_rows or size) for size in sizes]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("architectures", nargs="+", type=pathlib.Path)
    parser.add_argument("--tables", choices=["capped", "full"], default="capped")
    parser.add_argument("--batch", type=int, help="default: the reference's (256; KDD 512)")
    parser.add_argument("--inference-batch", type=int, default=4096, help="0 skips inference")
    parser.add_argument("--inference-steps", type=int, default=5)
    add_common_arguments(parser, steps=20)
    args = parser.parse_args()
    process = prepare_process(args)
    for path in args.architectures:
        architecture = yaml.safe_load(path.read_text())
        _, dense_features, rows = dataset_layout(
            path.parent.parent / "datasets", architecture["dataset"], args.cap_rows if args.tables == "capped" else None)
        batch = args.batch or (512 if architecture["dataset"] == "Kdd" else 256)
        model = ReferenceSubnet(architecture, dense_features, rows)
        speed, loss = train_samples_per_second(
            model, batches(dense_features, rows, batch), args.steps, args.warmup, LEARNING_RATE)
        result = {"model": architecture["name"], "tables": args.tables, "batch": batch, **process,
                  "trainSamplesPerSecond": round(speed, 1), "lastLoss": round(loss, 5)}
        if args.inference_batch > 0:
            result["inferenceBatch"] = args.inference_batch
            result["inferenceSamplesPerSecond"] = round(inference_samples_per_second(
                model, batches(dense_features, rows, args.inference_batch, count=2), args.inference_steps, 1), 1)
        print(json.dumps(result), flush=True)
        del model


if __name__ == "__main__":
    main()
