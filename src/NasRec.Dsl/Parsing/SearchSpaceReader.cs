using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;
using YamlDotNet.RepresentationModel;

namespace NasRec.Dsl.Parsing;

/// <summary>Reads a <c>kind: SearchSpace</c> document.</summary>
internal static class SearchSpaceReader
{
    public static SearchSpace? Read(DocumentReader document, MappingReader root)
    {
        var name = document.Identifier(root, "name");
        var referenceKey = root.String("referenceKey", required: false);
        var blocks = root.Int("blocks", minimum: 1, maximum: DocumentLimits.MaxBlocks);
        var embeddingDim = root.Int("embeddingDim", minimum: 1, maximum: DocumentLimits.MaxEmbeddingDim);
        var dense = OperatorList(document, root, "denseOperators", YamlNames.DenseOperators, "dense");
        var sparse = OperatorList(document, root, "sparseOperators", YamlNames.SparseOperators, "sparse");
        var widths = Choices(document, root, "denseWidths", DocumentLimits.MaxWidth);
        var tokens = Choices(document, root, "sparseTokens", DocumentLimits.MaxTokens);
        var maxInputs = root.Int("maxInputs", minimum: 1);

        bool denseToSparse = true, fm = true;
        if (root.Mapping("interactions", "'interactions'", required: false) is { } interactions)
        {
            denseToSparse = interactions.Bool("denseToSparse") ?? true;
            fm = interactions.Bool("fm") ?? true;
            interactions.RejectUnknownKeys();
        }
        var layerNorm = root.Bool("layerNorm", required: false) ?? true;
        var activation = root.Enum("activation", YamlNames.Activations, required: false) ?? Activation.Relu;

        var sampling = new SamplingDefaults(SamplingStrategy.Default, ConnectionCount.Binomial, DefaultWarmupSteps);
        if (root.Mapping("sampling", "'sampling'", required: false) is { } samplingMapping)
        {
            sampling = new SamplingDefaults(
                samplingMapping.Enum("strategy", YamlNames.Strategies, required: false) ?? sampling.Strategy,
                samplingMapping.Enum("connections", YamlNames.Connections, required: false) ?? sampling.Connections,
                samplingMapping.Int("warmupSteps", required: false, minimum: 0) ?? sampling.WarmupSteps);
            samplingMapping.RejectUnknownKeys();
        }
        root.RejectUnknownKeys();

        if (name is null || blocks is null || embeddingDim is null || dense is null || sparse is null
            || widths is null || tokens is null || maxInputs is null)
        {
            return null;
        }
        return new SearchSpace(name, referenceKey, blocks.Value, embeddingDim.Value, dense.Value, sparse.Value,
            widths.Value, tokens.Value, maxInputs.Value, denseToSparse, fm, layerNorm, activation, sampling);
    }

    /// <summary>NASRec's Criteo supernet scripts decay the full-path probability over 15,000 steps.</summary>
    private const int DefaultWarmupSteps = 15000;

    private static EquatableArray<T>? OperatorList<T>(DocumentReader document, MappingReader root, string key, NameTable<T> names, string what)
        where T : struct, Enum
    {
        var items = root.Sequence(key);
        if (items is null) return null;
        var operators = new List<T>();
        var seen = new HashSet<T>();
        bool valid = items.Count > 0;
        if (!valid) document.Report(DiagnosticCatalog.InvalidValue, root.Value(key, required: false)!, key, "a non-empty list", "an empty list");
        foreach (var (node, _) in items)
        {
            if (node is YamlScalarNode { Value: { } text } && names.TryParse(text, out var op))
            {
                if (!seen.Add(op)) { document.Report(DiagnosticCatalog.DuplicateInput, node, text); valid = false; }
                operators.Add(op);
            }
            else
            {
                document.Report(DiagnosticCatalog.UnknownOperator, node, what, (node as YamlScalarNode)?.Value ?? "", string.Join(", ", names.Names));
                valid = false;
            }
        }
        return valid ? operators.ToEquatableArray() : null;
    }

    private static EquatableArray<int>? Choices(DocumentReader document, MappingReader root, string key, int maximum)
    {
        var items = root.Sequence(key);
        if (items is null) return null;
        var values = new List<int>();
        var seen = new HashSet<int>();
        bool valid = items.Count > 0;
        if (!valid) document.Report(DiagnosticCatalog.InvalidValue, root.Value(key, required: false)!, key, "a non-empty list", "an empty list");
        foreach (var (node, _) in items)
        {
            var value = document.ReadInt(node, key, minimum: 1, maximum);
            if (value is null) { valid = false; continue; }
            if (!seen.Add(value.Value)) { document.Report(DiagnosticCatalog.DuplicateInput, node, value.Value); valid = false; }
            values.Add(value.Value);
        }
        return valid ? values.ToEquatableArray() : null;
    }
}
