using System.Globalization;
using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;
using NasRec.Dsl.Validation;
using YamlDotNet.RepresentationModel;

namespace NasRec.Dsl.Parsing;

/// <summary>
/// Reads a <c>kind: Architecture</c> document and checks what needs no other document: input
/// ranges, duplicates, the genes each operator needs, and the genes it ignores (reported, dropped).
/// </summary>
internal static class ArchitectureReader
{
    public static Architecture? Read(DocumentReader document, MappingReader root)
    {
        var name = document.Identifier(root, "name");
        if (name is not null && GeneratedNames.ArchitectureMember(name) is { } member)
        {
            document.Report(DiagnosticCatalog.NameIsAMember, root.Value("name", required: false)!, name, member);
            name = null;
        }
        var space = root.String("space");
        var dataset = root.String("dataset");
        var layerNorm = root.Bool("layerNorm", required: false);
        var items = root.Sequence("blocks", maxItems: DocumentLimits.MaxBlocks);
        root.RejectUnknownKeys();

        var blocks = new List<Block>();
        bool valid = items is not null;
        foreach (var (node, path) in items ?? Array.Empty<(YamlNode, string)>())
        {
            var block = ReadBlock(document, node, path, blocks.Count);
            if (block is null) valid = false;
            blocks.Add(block!);
        }
        if (!valid || name is null || space is null || dataset is null) return null;
        return new Architecture(name, space, dataset, layerNorm, blocks.ToEquatableArray());
    }

    private static Block? ReadBlock(DocumentReader document, YamlNode node, string path, int index)
    {
        var block = document.Mapping(node, path, "blocks", string.Format(CultureInfo.InvariantCulture, "block {0}", index));
        if (block is null) return null;
        var denseMapping = block.Mapping("dense", Describe(index, "dense operator"));
        var sparseMapping = block.Mapping("sparse", Describe(index, "sparse operator"));
        var denseToSparse = block.Bool("denseToSparse", required: false) ?? false;
        var fm = block.Bool("fm", required: false) ?? false;
        block.RejectUnknownKeys();

        DenseOperator? denseOp = null;
        var dense = denseMapping is null ? null : ReadDense(document, denseMapping, index, out denseOp);
        var sparse = sparseMapping is null ? null : ReadSparse(document, sparseMapping, index, denseOp);
        return dense is null || sparse is null ? null : new Block(dense, sparse, denseToSparse, fm);
    }

    /// <param name="op">The operator, also when another gene is wrong (whether the sparse inputs are read depends on it).</param>
    private static DenseChoice? ReadDense(DocumentReader document, MappingReader dense, int index, out DenseOperator? op)
    {
        op = dense.Enum("op", YamlNames.DenseOperators, rule: DiagnosticCatalog.UnknownOperator, what: "dense");
        var width = dense.Int("width", minimum: 1, maximum: DocumentLimits.MaxWidth);
        bool readsInputs = op is DenseOperator.Fc or DenseOperator.DotProduct;
        bool readsLeftRight = op is DenseOperator.Sum or DenseOperator.SigmoidGating;
        var inputs = op is null ? null : Inputs(document, dense, "inputs", index, readsInputs, op.Value.Name());
        int? left = op is null ? null : LeftRight(document, dense, "left", index, readsLeftRight, op.Value.Name());
        int? right = op is null ? null : LeftRight(document, dense, "right", index, readsLeftRight, op.Value.Name());
        if (op is null) Skip(dense, "inputs", "left", "right");
        dense.RejectUnknownKeys();

        if (op is null || width is null || (readsInputs && inputs is null) || (readsLeftRight && (left is null || right is null)))
            return null;
        return new DenseChoice(op.Value, width.Value, inputs ?? EquatableArray<int>.Empty, left, right);
    }

    private static SparseChoice? ReadSparse(DocumentReader document, MappingReader sparse, int index, DenseOperator? denseOp)
    {
        var op = sparse.Enum("op", YamlNames.SparseOperators, rule: DiagnosticCatalog.UnknownOperator, what: "sparse");
        var tokens = sparse.Int("tokens", minimum: 1, maximum: DocumentLimits.MaxTokens);
        bool read = op is not null && (op != SparseOperator.Zeros || denseOp == DenseOperator.DotProduct);
        var inputs = op is null ? null : Inputs(document, sparse, "inputs", index, read, op.Value.Name());
        if (op is null) Skip(sparse, "inputs");
        sparse.RejectUnknownKeys();

        if (op is null || tokens is null || (read && inputs is null)) return null;
        return new SparseChoice(op.Value, tokens.Value, inputs ?? EquatableArray<int>.Empty);
    }

    /// <summary>A set of connection indices, sorted; null when missing (if read) or invalid.</summary>
    private static EquatableArray<int>? Inputs(DocumentReader document, MappingReader mapping, string key, int index, bool read, string opName)
    {
        if (!read)
        {
            if (mapping.Has(key)) document.Report(DiagnosticCatalog.IgnoredGene, mapping.KeyNode(key), key, opName);
            mapping.Value(key, required: false);
            return null;
        }
        var items = mapping.Sequence(key);
        if (items is null) return null;
        if (items.Count == 0)
        {
            document.Report(DiagnosticCatalog.EmptyInputs, mapping.Value(key, required: false)!, opName, key);
            return null;
        }
        var inputs = new SortedSet<int>();
        bool valid = true;
        foreach (var (node, _) in items)
        {
            var input = ConnectionIndex(document, node, key, index);
            if (input is null) { valid = false; continue; }
            if (!inputs.Add(input.Value)) { document.Report(DiagnosticCatalog.DuplicateInput, node, input.Value); valid = false; }
        }
        return valid ? inputs.ToEquatableArray() : null;
    }

    private static int? LeftRight(DocumentReader document, MappingReader mapping, string key, int index, bool read, string opName)
    {
        if (!read)
        {
            if (mapping.Has(key)) document.Report(DiagnosticCatalog.IgnoredGene, mapping.KeyNode(key), key, opName);
            mapping.Value(key, required: false);
            return null;
        }
        var value = mapping.Value(key, required: false);
        if (value is null)
        {
            document.Report(DiagnosticCatalog.MissingLeftRight, mapping.Node, opName, key, index);
            return null;
        }
        return ConnectionIndex(document, value, key, index);
    }

    private static int? ConnectionIndex(DocumentReader document, YamlNode node, string key, int index)
    {
        var input = document.ReadInt(node, key, minimum: 0, maximum: int.MaxValue);
        if (input is null) return null;
        if (input <= index) return input;
        document.Report(DiagnosticCatalog.InputOutOfRange, node, index, input.Value);
        return null;
    }

    /// <summary>The genes of an unknown operator: its own error says enough, they are not unknown keys.</summary>
    private static void Skip(MappingReader mapping, params string[] keys)
    {
        foreach (var key in keys) mapping.Value(key, required: false);
    }

    private static string Describe(int index, string what) =>
        string.Format(CultureInfo.InvariantCulture, "block {0}'s {1}", index, what);
}
