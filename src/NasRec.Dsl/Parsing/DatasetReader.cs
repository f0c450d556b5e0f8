using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;
using YamlDotNet.RepresentationModel;

namespace NasRec.Dsl.Parsing;

/// <summary>Reads a <c>kind: Dataset</c> document.</summary>
internal static class DatasetReader
{
    public static DatasetSchema? Read(DocumentReader document, MappingReader root)
    {
        var name = document.Identifier(root, "name");
        DataSource? source = null;
        if (root.Mapping("source", "'source'") is { } sourceMapping)
        {
            var format = sourceMapping.Enum("format", YamlNames.Formats);
            var header = sourceMapping.Bool("header");
            sourceMapping.RejectUnknownKeys();
            if (format is not null && header is not null) source = new DataSource(format.Value, header.Value);
        }
        var label = root.String("label");

        DenseTransform? transform = null;
        EquatableArray<string>? denseFeatures = null;
        if (root.Mapping("dense", "'dense'") is { } dense)
        {
            transform = dense.Enum("transform", YamlNames.DenseTransforms);
            denseFeatures = Names(document, dense.Sequence("features"), "dense feature");
            dense.RejectUnknownKeys();
        }

        SparseHashing? hashing = null;
        long? cap = null;
        EquatableArray<SparseFeature>? sparseFeatures = null;
        if (root.Mapping("sparse", "'sparse'") is { } sparse)
        {
            hashing = sparse.Enum("hashing", YamlNames.Hashings);
            cap = sparse.Long("searchTableCap", required: false, minimum: 2, maximum: DocumentLimits.MaxTableSize);
            sparseFeatures = Features(document, sparse);
            sparse.RejectUnknownKeys();
        }
        root.RejectUnknownKeys();

        if (name is null || source is null || label is null || transform is null || denseFeatures is null
            || hashing is null || sparseFeatures is null)
        {
            return null;
        }
        return new DatasetSchema(name, source, label, transform.Value, denseFeatures.Value, hashing.Value, cap, sparseFeatures.Value);
    }

    private static EquatableArray<string>? Names(DocumentReader document, IReadOnlyList<(YamlNode Node, string Path)>? items, string what)
    {
        if (items is null) return null;
        var names = new List<string>();
        foreach (var (node, _) in items)
        {
            if (node is not YamlScalarNode { Value: { Length: > 0 } text })
            {
                document.Report(DiagnosticCatalog.InvalidValue, node, what, "a name", MappingReader.Describe(node));
                return null;
            }
            names.Add(text);
        }
        return names.ToEquatableArray();
    }

    private static EquatableArray<SparseFeature>? Features(DocumentReader document, MappingReader sparse)
    {
        var items = sparse.Sequence("features");
        if (items is null) return null;
        var features = new List<SparseFeature>();
        bool valid = items.Count > 0;
        if (!valid) document.Report(DiagnosticCatalog.InvalidValue, sparse.Value("features", required: false)!, "features", "a non-empty list", "an empty list");
        foreach (var (node, path) in items)
        {
            var feature = document.Mapping(node, path, "features", "a sparse feature");
            if (feature is null) { valid = false; continue; }
            var name = feature.String("name");
            var size = feature.Long("tableSize", maximum: DocumentLimits.MaxTableSize);
            feature.RejectUnknownKeys();
            if (name is null || size is null) { valid = false; continue; }
            if (size < 2)
            {
                document.Report(DiagnosticCatalog.TableTooSmall, feature.Value("tableSize", required: false)!, name, size.Value);
                valid = false;
                continue;
            }
            features.Add(new SparseFeature(name, size.Value));
        }
        return valid ? features.ToEquatableArray() : null;
    }
}
