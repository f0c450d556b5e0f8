"""Run a subnet trained by nasrec in PyTorch: the same modules, under the same names, with the same arithmetic.

`nasrec export-weights <checkpoint> --format pt|safetensors` writes the weights (a state dict) and, beside them, the
subnet's description (`<name>.nasrec.json`: its blocks' modules, their sizes and their wiring). This file builds the
subnet from that description and loads the weights strictly:

    import torch, nasrec_torch
    model = nasrec_torch.load("runs/final/best.pt")        # reads runs/final/best.nasrec.json
    model.eval()
    with torch.no_grad():
        click_probability = model(dense, sparse_ids).sigmoid()   # dense [B, n_dense] float32, ids [B, n_sparse] int64

The inputs are what a nasrec data store holds: dense features already transformed, each sparse id in 0..rows-1 of its
table. The model is plain PyTorch, so `torch.onnx.export(model, (dense, sparse_ids), "model.onnx")` and
`torch.jit.trace` work on it (`python3 nasrec_torch.py best.pt --onnx model.onnx` does the first). Needs only PyTorch
(1.13 or later).
"""
import json
import math
import pathlib
import sys

import torch
import torch.nn.functional as F
from torch import nn

FORMAT, VERSION = "nasrec-subnet", 1
ACTIVATIONS = {"relu": F.relu, "silu": F.silu, "identity": lambda x: x}


class Settings:
    """What every operator of one subnet shares, from its description."""

    def __init__(self, description):
        self.layer_norm = description["layerNorm"]
        self.activation = ACTIVATIONS[description["activation"]]
        self.epsilon = description["layerNormEpsilon"]
        self.merger_tokens = description["mergerTokens"]
        self.heads = description["transformerHeads"]

    def norm(self, size, present=True):
        """A layer norm over `size` units when the subnet has layer norm on and the part it follows exists."""
        return nn.LayerNorm(size, eps=self.epsilon) if self.layer_norm and present else None


def load(weights, description=None, map_location="cpu"):
    """The subnet of an export, its weights loaded. `description` defaults to the `.nasrec.json` beside `weights`."""
    weights = pathlib.Path(weights)
    description = pathlib.Path(description) if description else weights.with_suffix(".nasrec.json")
    if not description.exists():
        raise FileNotFoundError(f"{description} is missing: `nasrec export-weights` writes it beside the weights")
    model = NasRecSubnet(json.loads(description.read_text(encoding="utf-8")))
    if weights.suffix == ".safetensors":
        state = {name: tensor.to(map_location) for name, tensor in read_safetensors(weights).items()}
    else:
        state = torch.load(weights, map_location=map_location)
    model.load_state_dict(state, strict=True)
    return model


SAFETENSORS_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
                      "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8}


def read_safetensors(path):
    """A .safetensors file's tensors, without the safetensors package: an 8-byte header length, a JSON header naming
    each tensor's dtype, shape and byte range, then the bytes (little-endian)."""
    data = pathlib.Path(path).read_bytes()
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + length])
    header.pop("__metadata__", None)
    body = memoryview(data)[8 + length:]
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        dtype = SAFETENSORS_DTYPES[entry["dtype"]]
        flat = torch.frombuffer(bytearray(body[start:end]), dtype=dtype) if end > start else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(entry["shape"])
    return tensors


def _apply(norm, x):
    return x if norm is None else norm(x)


def _pad(x, width):
    return F.pad(x, (0, width - x.shape[-1]))


def _over_tokens(linear, norm, tokens):
    """A linear over the token axis of [B, N, E], with its layer norm over the output tokens: [B, M, E]."""
    return _apply(norm, linear(tokens.transpose(1, 2))).transpose(1, 2)


class FcOperator(nn.Module):
    def __init__(self, width_in, width, settings):
        super().__init__()
        self.linear = nn.Linear(width_in, width, bias=not settings.layer_norm)
        self.norm = settings.norm(width)
        self.activation = settings.activation

    def forward(self, dense):
        return self.activation(_apply(self.norm, self.linear(dense)))


class DotProductOperator(nn.Module):
    """The lower triangle of the Gram matrix of the projected dense vector and k = round(√(2d)) tokens, then a linear."""

    def __init__(self, width_in, tokens_in, width, embedding_dim, settings):
        super().__init__()
        bias = not settings.layer_norm
        tokens = round(math.sqrt(2.0 * width))  # halves to even, as nasrec rounds
        self.dense_projection = nn.Linear(width_in, embedding_dim, bias=bias) if width_in != embedding_dim else None
        self.dense_norm = settings.norm(embedding_dim, present=width_in != embedding_dim)
        self.token_projection = nn.Linear(tokens_in, tokens, bias=bias) if tokens_in != tokens else None
        self.token_norm = settings.norm(tokens, present=tokens_in != tokens)
        self.output = nn.Linear(tokens * (tokens + 1) // 2, width, bias=bias)
        self.output_norm = settings.norm(width)
        rows, columns = torch.tril_indices(tokens + 1, tokens + 1, offset=-1)
        self.register_buffer("pair_positions", rows * (tokens + 1) + columns, persistent=False)

    def forward(self, dense, tokens):
        if self.dense_projection is not None:
            dense = self.dense_projection(dense)
        if self.token_projection is not None:
            tokens = _over_tokens(self.token_projection, self.token_norm, tokens)
        dense = _apply(self.dense_norm, dense)
        joined = torch.cat([dense.unsqueeze(1), tokens], 1)
        gram = torch.bmm(joined, joined.transpose(1, 2))
        return _apply(self.output_norm, self.output(gram.flatten(1)[:, self.pair_positions]))


class SumOperator(nn.Module):
    def __init__(self, width_left, width_right, width, settings):
        super().__init__()
        self.padded = max(width_left, width_right)
        self.projection = nn.Linear(self.padded, width, bias=not settings.layer_norm) if self.padded != width else None
        self.norm = settings.norm(width)

    def forward(self, left, right):
        result = _pad(left, self.padded) + _pad(right, self.padded)
        if self.projection is not None:
            result = self.projection(result)
        return _apply(self.norm, result)


class SigmoidGatingOperator(nn.Module):
    """sigmoid(gate(left)) ⊙ right, both zero-padded to the wider; its linears keep their biases under layer norm."""

    def __init__(self, width_left, width_right, width, settings):
        super().__init__()
        self.padded = max(width_left, width_right)
        self.gate = nn.Linear(self.padded, self.padded)
        self.projection = nn.Linear(self.padded, width) if self.padded != width else None
        self.norm = settings.norm(width)

    def forward(self, left, right):
        result = torch.sigmoid(self.gate(_pad(left, self.padded))) * _pad(right, self.padded)
        if self.projection is not None:
            result = self.projection(result)
        return _apply(self.norm, result)


class DenseZeros(nn.Module):
    def __init__(self, width, settings):
        super().__init__()
        self.width = width

    def forward(self, dense):
        return dense.new_zeros(dense.shape[0], self.width)


class EfcOperator(nn.Module):
    def __init__(self, tokens_in, tokens, settings):
        super().__init__()
        self.linear = nn.Linear(tokens_in, tokens, bias=not settings.layer_norm)
        self.norm = settings.norm(tokens)
        self.activation = settings.activation

    def forward(self, tokens):
        return self.activation(_over_tokens(self.linear, self.norm, tokens))


class TransformerOperator(nn.Module):
    """A projection over tokens, then one post-norm encoder layer: 8-head self-attention and a ReLU feed-forward."""

    def __init__(self, tokens_in, tokens, embedding_dim, settings):
        super().__init__()
        self.token_projection = nn.Linear(tokens_in, tokens, bias=not settings.layer_norm)
        self.token_norm = settings.norm(tokens)
        self.attention = nn.MultiheadAttention(embedding_dim, settings.heads, batch_first=True)
        # The encoder's own norms exist with layer norm off too.
        self.norm1 = nn.LayerNorm(embedding_dim, eps=settings.epsilon)
        self.feed_forward1 = nn.Linear(embedding_dim, embedding_dim)
        self.feed_forward2 = nn.Linear(embedding_dim, embedding_dim)
        self.norm2 = nn.LayerNorm(embedding_dim, eps=settings.epsilon)

    def forward(self, tokens):
        h = _over_tokens(self.token_projection, self.token_norm, tokens)
        attended, _ = self.attention(h, h, h, need_weights=False)
        u = self.norm1(attended + h)
        return self.norm2(u + self.feed_forward2(F.relu(self.feed_forward1(u))))


class SparseZeros(nn.Module):
    def __init__(self, tokens, embedding_dim, settings):
        super().__init__()
        self.tokens, self.embedding_dim = tokens, embedding_dim

    def forward(self, tokens):
        return tokens.new_zeros(tokens.shape[0], self.tokens, self.embedding_dim)


class FactorizationMachine(nn.Module):
    """The FM interaction of a block's tokens, (Σ e)² − Σ e², projected to the dense width unless it is E already."""

    def __init__(self, embedding_dim, width, settings):
        super().__init__()
        self.projection = nn.Linear(embedding_dim, width, bias=not settings.layer_norm) if width != embedding_dim else None
        self.norm = settings.norm(width, present=width != embedding_dim)

    def forward(self, tokens):
        result = tokens.sum(1).pow(2) - tokens.pow(2).sum(1)
        if self.projection is not None:
            result = self.projection(result)
        return _apply(self.norm, result)


class DenseToSparseMerger(nn.Module):
    """A block's dense output as 8 more tokens, projected to 8·E unless it is that wide already."""

    def __init__(self, width, embedding_dim, settings):
        super().__init__()
        self.tokens, self.embedding_dim = settings.merger_tokens, embedding_dim
        merged = self.tokens * embedding_dim
        self.projection = nn.Linear(width, merged, bias=not settings.layer_norm) if width != merged else None
        self.norm = settings.norm(merged, present=width != merged)

    def forward(self, dense):
        merged = self.projection(dense) if self.projection is not None else dense
        return _apply(self.norm, merged).reshape(dense.shape[0], self.tokens, self.embedding_dim)


OPERATORS = {kind.__name__: kind for kind in (
    FcOperator, DotProductOperator, SumOperator, SigmoidGatingOperator, DenseZeros,
    EfcOperator, TransformerOperator, SparseZeros, FactorizationMachine, DenseToSparseMerger)}


def _operator(module, settings):
    kind = OPERATORS.get(module["module"])
    if kind is None:
        raise ValueError(f"unknown nasrec operator module {module['module']!r}: this file is older than the nasrec that exported it")
    return kind(*module["sizes"], settings)


class NasRecSubnet(nn.Module):
    """A nasrec subnet from its description: dense [B, n_dense] and sparse ids [B, n_sparse] to logits [B, 1]."""

    def __init__(self, description):
        super().__init__()
        if description.get("format") != FORMAT or description.get("version") != VERSION:
            raise ValueError(f"not a {FORMAT} description of version {VERSION}")
        self.name = description["name"]
        self.embedding = _FusedEmbedding(description["tableRows"], description["embeddingDim"])
        self.dense_features = description["denseFeatures"]
        settings = Settings(description)
        self.plans = description["blocks"]
        for index, plan in enumerate(self.plans):
            for part, name in (("dense", "dense"), ("sparse", "sparse"), ("fm", "fm"), ("merger", "dense_to_sparse")):
                if plan[part] is not None:
                    self.add_module(f"block{index}_{name}", _operator(plan[part], settings))
        self.head = nn.Linear(description["headInput"], 1)

    def forward(self, dense, sparse_ids):
        dense_outputs, sparse_outputs = [dense], [self.embedding(sparse_ids)]
        for index, plan in enumerate(self.plans):
            dense_out, sparse_out = self._block(index, plan, dense_outputs, sparse_outputs)
            dense_outputs.append(dense_out)
            sparse_outputs.append(sparse_out)
        return self.head(torch.cat([dense_outputs[-1], sparse_outputs[-1].flatten(1)], 1))

    def _block(self, index, plan, dense, sparse):
        def part(name):
            return getattr(self, f"block{index}_{name}", None)

        def joined(outputs, inputs):
            return outputs[inputs[0]] if len(inputs) == 1 else torch.cat([outputs[j] for j in inputs], 1)

        def read(what):
            if what == "dense":
                return joined(dense, plan["denseInputs"])
            if what == "tokens":
                return joined(sparse, plan["tokenInputs"])
            return dense[plan[what]]  # left or right

        # A part that reads nothing gets the raw input of its kind, for its batch size.
        dense_node = sparse_node = None
        if plan["dense"] is not None:
            reads = plan["dense"]["reads"]
            dense_node = part("dense")(*([read(r) for r in reads] if reads else [dense[0]]))
        if plan["sparse"] is not None:
            reads = plan["sparse"]["reads"]
            sparse_node = part("sparse")(*([read(r) for r in reads] if reads else [sparse[0]]))
        post_fm = None
        if plan["postFm"]:
            post_fm = dense_node + part("fm")(sparse_node) if plan["fm"] is not None else dense_node
        sparse_out = None
        if plan["sparseOut"]:
            if plan["merger"] is not None:
                merged = part("dense_to_sparse")(post_fm if plan["mergerAfterFm"] else dense_node)
                sparse_out = torch.cat([sparse_node, merged], 1)
            else:
                sparse_out = sparse_node
        return (post_fm if plan["denseOut"] else None), sparse_out


class _FusedEmbedding(nn.Module):
    """Every sparse feature's table in one [Σ rows, E] weight, one block of rows per feature in feature order."""

    def __init__(self, rows, embedding_dim):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(sum(rows), embedding_dim))
        offsets = torch.tensor([0] + rows[:-1], dtype=torch.int64).cumsum(0)
        self.register_buffer("offsets", offsets, persistent=False)

    def forward(self, ids):
        tokens = self.weight.index_select(0, (ids + self.offsets).reshape(-1))
        return tokens.view(ids.shape[0], ids.shape[1], self.weight.shape[1])


def _main():
    import argparse

    parser = argparse.ArgumentParser(description="Load weights exported by `nasrec export-weights` into PyTorch.")
    parser.add_argument("weights", help="the .pt or .safetensors file; its .nasrec.json description lies beside it")
    parser.add_argument("--onnx", metavar="FILE", help="export the subnet to ONNX (inputs: dense, sparse_ids; output: logits)")
    parser.add_argument("--logits", metavar="BATCH", help='print the logits of a JSON batch {"dense": [[...]], "ids": [[...]]}')
    args = parser.parse_args()

    try:
        model = load(args.weights).eval()
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        sys.exit(f"error: {error}")
    parameters = sum(p.numel() for name, p in model.named_parameters() if not name.startswith("embedding."))
    print(f"{model.name}: {parameters:,} parameters besides the embedding tables", file=sys.stderr)
    if args.logits:
        batch = json.loads(pathlib.Path(args.logits).read_text(encoding="utf-8"))
        with torch.no_grad():
            logits = model(torch.tensor(batch["dense"], dtype=torch.float32), torch.tensor(batch["ids"], dtype=torch.int64))
        print(json.dumps(logits.view(-1).tolist()))
    if args.onnx:
        dense = torch.zeros(2, model.dense_features)
        ids = torch.zeros(2, len(model.embedding.offsets), dtype=torch.int64)
        torch.onnx.export(model, (dense, ids), args.onnx, input_names=["dense", "sparse_ids"], output_names=["logits"],
                          dynamic_axes={"dense": {0: "batch"}, "sparse_ids": {0: "batch"}, "logits": {0: "batch"}},
                          opset_version=14)
        print(f"Wrote {args.onnx}", file=sys.stderr)


if __name__ == "__main__":
    _main()
