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

Raw rows (a tsv, csv, libsvm or kdd2012 file, gzip or not) are read and encoded as the store the model trained on read
its own when the export was made with that store (`nasrec export-weights <checkpoint> --data <store>`):

    rows = nasrec_torch.RawRows.load("runs/final/best.pt")
    for row_numbers, labels, dense, sparse_ids in rows.read("test.txt", labelled=False):
        click_probability = model(dense, sparse_ids).sigmoid()
    _, dense, sparse_ids = rows.encode([{"I1": "3", "C1": "68fd1e64", ...}])   # rows a service receives

`python3 nasrec_torch.py best.pt --score test.txt --no-labels -o scores.csv` writes what `nasrec predict` writes.
"""
import csv
import gzip
import json
import math
import pathlib
import re
import struct
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


# Raw rows, read and encoded as the store the model trained on read its own (`nasrec predict`, in Python). The layout
# and the fitted encodings come from the description's "rawRows" (`nasrec export-weights --data <store>`).

class BadRow(ValueError):
    """A row that does not read, named by file and line."""


class RawRows:
    """Reads raw rows (tsv, csv, libsvm or kdd2012 text, gzip or not) into model inputs, as nasrec's preparation does:
    each feature from its column, through its transform or encoding, each id then into its table's rows."""

    MODULUS = 2147483647  # the reference's decimal-or-hex rule and `hash`
    MISSING = -1  # a missing or unknown categorical value: row 0 of its table

    def __init__(self, description, folder="."):
        rows = description.get("rawRows")
        if rows is None:
            raise ValueError("the description says nothing of raw rows: export with `nasrec export-weights --data <store>`")
        self.format, self.header, self.label = rows["format"], rows["header"], rows["label"]
        if self.format == "parquet":
            raise ValueError("parquet rows are read by `nasrec predict` only: convert them to csv, or score them there")
        self.columns = rows["columns"]
        self.dense, self.sparse = rows["dense"], rows["sparse"]
        self.tables = [rows - 1 for rows in description["tableRows"]]  # id = fmod(v, n - 1) + 1
        for feature in self.sparse:
            if feature["encoding"] not in _ENCODINGS:
                raise ValueError(f"unknown categorical encoding {feature['encoding']!r}: this file is older than the nasrec that exported it")
        self.vocabularies = [_read_vocabulary(pathlib.Path(folder) / f["vocabulary"]) if f["encoding"] == "vocabulary" else None
                             for f in self.sparse]

    @classmethod
    def load(cls, description):
        """The raw-row reader of an export's `.nasrec.json` (or of the weights beside it)."""
        path = pathlib.Path(description)
        if not path.name.endswith(".nasrec.json"):
            path = path.with_suffix(".nasrec.json")
        return cls(json.loads(path.read_text(encoding="utf-8")), path.parent)

    def read(self, path, labelled=True, batch_size=4096, skip_bad_rows=False):
        """Batches of (row numbers, labels, dense [B, n_dense] float32, ids [B, n_sparse] int64) from a file, or a folder's
        files (hidden ones aside) in name order. Row numbers count data rows from 0 across the files, headers excluded;
        without labels the labels are all 0. A bad row raises BadRow, unless skipped (then `self.skipped` counts it)."""
        if not labelled and self.format in ("libsvm", "kdd2012"):
            raise ValueError(f"{self.format} rows always hold their label: score them with labels")
        self.skipped = 0
        batch, row = [], 0
        for file in _files(path):
            for line, record, columns in self._records(file, labelled):
                try:
                    batch.append((row, *self._encode(record, columns, labelled)))
                except BadRow as error:
                    if not skip_bad_rows:
                        raise BadRow(f"{file}:{line}: {error}") from None
                    self.skipped += 1
                row += 1
                if len(batch) == batch_size:
                    yield _stack(batch)
                    batch = []
        if row == 0:
            raise BadRow(f"{path}: no rows")
        if batch:
            yield _stack(batch)

    def encode(self, records, labelled=False):
        """(labels, dense, ids) of rows given in memory, as a service receives them: each a dict of column name to raw
        value (text or a number; a missing key or None is an empty cell). A bad one raises BadRow naming its index."""
        columns = [self.label] + [f["column"] for f in self.dense + self.sparse if f["column"] is not None]
        encoded = []
        for index, record in enumerate(records):
            cells = ["" if record.get(column) is None else str(record[column]) for column in columns]
            try:
                encoded.append((index, *self._encode(cells, columns, labelled)))
            except BadRow as error:
                raise BadRow(f"record {index}: {error}") from None
        return _stack(encoded)[1:]

    def _records(self, file, labelled):
        """(line number, fields, column names) of each data row of one file."""
        columns = None if self.header else [c for c in self.columns if labelled or c != self.label]
        profiles = _kdd_profiles(file) if self.format == "kdd2012" else None
        opened = gzip.open(file, "rt", encoding="utf-8", errors="surrogateescape", newline="") if _is_gzip(file) \
            else open(file, encoding="utf-8", errors="surrogateescape", newline="")
        with opened as text:
            if self.format == "csv":
                reader, line = csv.reader(text), 1
                for record in reader:
                    record = record or [""]  # an empty line: one empty field
                    if columns is None:
                        columns, line = self._layout(record, labelled, file), reader.line_num + 1
                        continue
                    yield line, record, columns
                    line = reader.line_num + 1
                return
            for line, text_line in enumerate(text, 1):
                record = text_line.rstrip("\n")
                record = record[:-1] if record.endswith("\r") else record
                if self.format == "libsvm":
                    record = _libsvm(record, len(self.dense))
                elif profiles is not None:
                    record = _kdd2012(record, profiles)
                fields = record.split("\t")
                if columns is None:
                    columns = self._layout(fields, labelled, file)
                    continue
                yield line, fields, columns

    def _layout(self, names, labelled, file):
        """The header's column names, checked to hold every column the rows are read from."""
        needed = ([self.label] if labelled else []) + [f["column"] for f in self.dense + self.sparse if f["column"] is not None]
        for column in needed:
            if column not in names:
                raise BadRow(f"{file}: the rows read column '{column}', which the file does not have; its columns: {', '.join(names)}")
        return names

    def _encode(self, record, columns, labelled):
        """(label, dense features, table rows) of one row's fields."""
        if len(record) != len(columns):
            empty = " (an empty line)" if record == [""] else ""
            raise BadRow(f"expected {len(columns)} columns, found {len(record)}{empty}")
        fields = dict(zip(columns, record))
        label = 0
        if labelled:
            text = fields[self.label]
            if text not in ("0", "1"):
                raise BadRow(f"column {self.label}: expected a label 0 or 1, found {text!r}")
            label = int(text)
        dense = [self._dense(f, fields) for f in self.dense]
        ids = [self._row(self._stored(fields[f["column"]], k), k) for k, f in enumerate(self.sparse)]
        return label, dense, ids

    def _dense(self, feature, fields):
        if feature["transform"] == "zero":
            return 0.0
        text = fields[feature["column"]]
        value = 0.0
        if text:
            if not _NUMBER.fullmatch(text) or not math.isfinite(float(text)):
                raise BadRow(f"column {feature['column']}: expected a number, found {text!r}")
            value = float(text)
        transform = feature["transform"]
        if transform == "log1p":
            return math.log(max(value, 0.0) + 1.0)
        if transform == "standardize":
            stored = _float32(value)  # the store keeps the raw value as float32, then standardizes it
            centered = stored - feature["mean"]
            return centered / feature["deviation"] if feature["deviation"] > 0 else centered
        return value

    def _row(self, value, k):
        """The table row of a stored value: fmod(v, n - 1) + 1, so a missing value (-1) is row 0 (present ones are ≥ 0)."""
        return 0 if value == self.MISSING else value % self.tables[k] + 1

    def _stored(self, text, k):
        """The value the store keeps for sparse feature k's cell: its encoding's, or MISSING for an empty or unknown one."""
        if text == "":
            return self.MISSING
        feature = self.sparse[k]
        if feature["encoding"] == "hex-modulo":
            return _hex(text, feature["column"])
        if feature["encoding"] == "decimal-or-hex":
            return _decimal_or_hex(text, feature["column"])
        key = xxh64(_bytes(text))
        if feature["encoding"] == "hash":
            return key % self.MODULUS
        return self.vocabularies[k].get(key & _MASK63, self.MISSING)


_ENCODINGS = ("hex-modulo", "decimal-or-hex", "hash", "vocabulary")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_HEX = re.compile(r"[0-9a-fA-F]+")
_MASK63 = (1 << 63) - 1


def _float32(value):
    return struct.unpack("f", struct.pack("f", value))[0]


def _bytes(text):
    return text.encode("utf-8", "surrogateescape")  # the file's own bytes, as nasrec hashes them


def _hex(text, column):
    if len(text) > 16 or not _HEX.fullmatch(text) or int(text, 16) > _MASK63:
        raise BadRow(f"column {column}: expected a hexadecimal value below 2^63 (hex-modulo), found {text!r}")
    return int(text, 16)


def _decimal_or_hex(text, column):
    """int(text) if it parses, else int(text, 16); then mod 2147483647, never negative (the reference's split tool)."""
    digits = text[1:] if text[0] in "+-" else text
    if digits.isascii() and digits.isdigit():
        value = int(digits)
    elif _HEX.fullmatch(digits):
        value = int(digits, 16)
    else:
        raise BadRow(f"column {column}: expected a decimal or hexadecimal integer (decimal-or-hex), found {text!r}")
    return (-value if text[0] == "-" else value) % RawRows.MODULUS


def _read_vocabulary(path):
    """Key (XxHash64 of the value's text, 63 bits) → rank, from the store's vocabulary file."""
    with open(path, encoding="utf-8") as lines:
        next(lines)  # key, count
        return {int(line.split("\t")[0], 16): rank for rank, line in enumerate(lines)}


def _libsvm(record, dense_columns):
    """`label idx:val …` as the tab-separated row nasrec reads: the label (±1 as 0/1), empty dense cells, the indices."""
    tokens = [t for t in record.split(" ") if t]
    if not tokens:
        return ""
    label = {"-1": "0", "+1": "1"}.get(tokens[0], tokens[0])
    return "\t".join([label] + [""] * dense_columns + [t.split(":", 1)[0] for t in tokens[1:]])


_KDD_ORDER = (0, 1, 5, 6, 2, 3, 4, 7, 8, 9, 10, 11)


def _kdd2012(record, profiles):
    """A KDD Cup 2012 training line reordered, its label Click > 0, and the user's Gender and Age appended."""
    fields = record.split("\t")
    if len(fields) != 12:
        return record
    fields = [fields[i] for i in _KDD_ORDER]
    if re.fullmatch(r"[+-]?\d+", fields[0]):
        fields[0] = "1" if int(fields[0]) > 0 else "0"
    user = re.match(r"[+-]?\d+", fields[11])
    gender, age = profiles.get(int(user.group()), (0, 0)) if user else (0, 0)
    return "\t".join(fields + [str(gender), str(age)])


def _kdd_profiles(file):
    path = pathlib.Path(file).resolve().parent / "userid_profile.txt"
    if not path.exists():
        raise BadRow(f"{path}: missing; the kdd2012 source joins userid_profile.txt from the training file's folder")
    profiles = {}
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or not all(re.fullmatch(r"[+-]?\d+", f) for f in fields):
                raise BadRow(f"{path}:{number}: expected UserID, Gender and Age as integers, found {line.rstrip()!r}")
            profiles[int(fields[0])] = (int(fields[1]), int(fields[2]))
    return profiles


def _files(path):
    path = pathlib.Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise BadRow(f"{path}: no such file or folder")
    files = sorted((f for f in path.iterdir() if f.is_file() and not f.name.startswith(".")), key=lambda f: f.name)
    if not files:
        raise BadRow(f"{path}: the folder holds no files")
    return files


def _is_gzip(path):
    with open(path, "rb") as start:
        return start.read(2) == b"\x1f\x8b"


def _stack(batch):
    rows, labels, dense, ids = zip(*batch)
    return (list(rows), torch.tensor(labels, dtype=torch.float32),
            torch.tensor(dense, dtype=torch.float32), torch.tensor(ids, dtype=torch.int64))


_P1, _P2, _P3, _P4, _P5 = (0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63,
                           0x27D4EB2F165667C5)
_U64 = (1 << 64) - 1


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & _U64


def _round(accumulator, lane):
    return _rotl((accumulator + lane * _P2) & _U64, 31) * _P1 & _U64


def _merge(h, accumulator):
    return ((h ^ _round(0, accumulator)) * _P1 + _P4) & _U64


def xxh64(data, seed=0):
    """XXH64 of bytes (the hash of nasrec's `hash` and `vocabulary` encodings), in plain Python."""
    n, i = len(data), 0
    if n >= 32:
        v = [(seed + _P1 + _P2) & _U64, (seed + _P2) & _U64, seed, (seed - _P1) & _U64]
        while i + 32 <= n:
            for lane in range(4):
                v[lane] = _round(v[lane], int.from_bytes(data[i:i + 8], "little"))
                i += 8
        h = (_rotl(v[0], 1) + _rotl(v[1], 7) + _rotl(v[2], 12) + _rotl(v[3], 18)) & _U64
        for accumulator in v:
            h = _merge(h, accumulator)
    else:
        h = (seed + _P5) & _U64
    h = (h + n) & _U64
    while i + 8 <= n:
        h = (_rotl(h ^ _round(0, int.from_bytes(data[i:i + 8], "little")), 27) * _P1 + _P4) & _U64
        i += 8
    if i + 4 <= n:
        h = (_rotl(h ^ (int.from_bytes(data[i:i + 4], "little") * _P1 & _U64), 23) * _P2 + _P3) & _U64
        i += 4
    while i < n:
        h = _rotl(h ^ (data[i] * _P5 & _U64), 11) * _P1 & _U64
        i += 1
    h ^= h >> 33
    h = h * _P2 & _U64
    h ^= h >> 29
    h = h * _P3 & _U64
    return h ^ (h >> 32)


def score(model, rows, path, output, labelled=True, batch_size=4096, skip_bad_rows=False):
    """Writes each raw row's click probability to `output` as `nasrec predict` does (row,label,probability, or
    row,probability without labels; row: the 0-based data row) and returns the rows scored. Nothing is written when a
    row is bad (unless skipped): the CSV is written beside and moved into place at the end."""
    output = pathlib.Path(output)
    partial = output.with_name(f".{output.name}.partial")
    count = 0
    try:
        with open(partial, "w", encoding="utf-8", newline="") as scores, torch.no_grad():
            scores.write("row,label,probability\n" if labelled else "row,probability\n")
            for numbers, labels, dense, ids in rows.read(path, labelled, batch_size, skip_bad_rows):
                probabilities = model(dense, ids).view(-1).sigmoid().tolist()
                for number, label, probability in zip(numbers, labels.tolist(), probabilities):
                    scores.write(f"{number},{int(label)},{probability:.9g}\n" if labelled else f"{number},{probability:.9g}\n")
                count += len(numbers)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    if rows.skipped:
        print(f"skipped {rows.skipped:,} bad rows", file=sys.stderr)
    return count


def retain_freed_memory():
    """Keeps the memory PyTorch frees in the process's heap, as nasrec's runtime does (glibc only; elsewhere nothing).

    With glibc's own policy every block of 32 MB or more is mapped afresh and its pages faulted on at each use: at batch
    4096 most of a forward's intermediate tensors are that large, and scoring rows took 1.75x as long. Process-wide, so
    the command line calls it and a program importing this file chooses for itself. Returns whether it took effect."""
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        # M_TRIM_THRESHOLD (-1): keep up to 512 MB free at the heap's top; M_MMAP_MAX (-4): no block gets a mapping of its own.
        return bool(libc.mallopt(-1, 512 << 20)) and bool(libc.mallopt(-4, 0))
    except (OSError, AttributeError):
        return False


def _main():
    import argparse

    parser = argparse.ArgumentParser(description="Load weights exported by `nasrec export-weights` into PyTorch.")
    parser.add_argument("weights", help="the .pt or .safetensors file; its .nasrec.json description lies beside it")
    parser.add_argument("--onnx", metavar="FILE", help="export the subnet to ONNX (inputs: dense, sparse_ids; output: logits)")
    parser.add_argument("--logits", metavar="BATCH", help='print the logits of a JSON batch {"dense": [[...]], "ids": [[...]]}')
    parser.add_argument("--score", metavar="INPUT", help="score raw rows (a file, or a folder's files) as `nasrec predict` does; "
                        "needs an export made with --data <store>")
    parser.add_argument("-o", "--output", metavar="FILE", default="scores.csv", help="with --score: the CSV of row,label,probability")
    parser.add_argument("--no-labels", action="store_true", help="with --score: the rows have no label column")
    parser.add_argument("--skip-bad-rows", action="store_true", help="with --score: skip and count bad rows instead of stopping")
    parser.add_argument("--batch-size", type=int, default=4096, help="with --score: rows per forward")
    args = parser.parse_args()
    retain_freed_memory()

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
    if args.score:
        try:
            scored = score(model, RawRows.load(args.weights), args.score, args.output, labelled=not args.no_labels,
                           batch_size=args.batch_size, skip_bad_rows=args.skip_bad_rows)
        except (OSError, ValueError) as error:
            sys.exit(f"error: {error}")
        print(f"scored {scored:,} rows of {args.score} into {args.output}", file=sys.stderr)
    if args.onnx:
        dense = torch.zeros(2, model.dense_features)
        ids = torch.zeros(2, len(model.embedding.offsets), dtype=torch.int64)
        torch.onnx.export(model, (dense, ids), args.onnx, input_names=["dense", "sparse_ids"], output_names=["logits"],
                          dynamic_axes={"dense": {0: "batch"}, "sparse_ids": {0: "batch"}, "logits": {0: "batch"}},
                          opset_version=14)
        print(f"Wrote {args.onnx}", file=sys.stderr)


if __name__ == "__main__":
    _main()
