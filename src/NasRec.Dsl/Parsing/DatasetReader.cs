using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;
using YamlDotNet.RepresentationModel;

namespace NasRec.Dsl.Parsing;

/// <summary>Reads a <c>kind: Dataset</c> document.</summary>
internal static class DatasetReader
{
    /// <summary>Columns the kdd2012 reader yields, in order (spec §1.1: joined with the profile, then reordered).</summary>
    public static readonly IReadOnlyList<string> Kdd2012Columns = new[]
    {
        "Click", "Impression", "Depth", "Position", "DisplayURL", "AdID", "AdvertiserID", "QueryID", "KeywordID",
        "TitleID", "DescriptionID", "UserID", "Gender", "Age",
    };

    public static DatasetSchema? Read(DocumentReader document, MappingReader root)
    {
        var name = document.Identifier(root, "name");
        var source = Source(document, root.Mapping("source", "'source'"));
        var label = root.String("label");

        EquatableArray<DenseFeature>? denseFeatures = null;
        if (root.Mapping("dense", "'dense'") is { } dense)
        {
            var transform = dense.Enum("transform", YamlNames.DenseTransforms, required: false) ?? DenseTransform.Log1P;
            denseFeatures = DenseFeatures(document, dense.Sequence("features"), transform);
            dense.RejectUnknownKeys();
        }

        long? cap = null;
        EquatableArray<SparseFeature>? sparseFeatures = null;
        if (root.Mapping("sparse", "'sparse'") is { } sparse)
        {
            var encoding = sparse.Enum("encoding", YamlNames.Encodings, required: false) ?? CategoricalEncoding.HexModulo;
            var minCount = MinCount(document, sparse, encoding) ?? 1;
            cap = sparse.Long("searchTableCap", required: false, minimum: 2);
            sparseFeatures = SparseFeatures(document, sparse, encoding, minCount);
            sparse.RejectUnknownKeys();
        }
        root.RejectUnknownKeys();

        if (name is null || source is null || label is null || denseFeatures is null || sparseFeatures is null) return null;
        var dataset = new DatasetSchema(name, source, label, denseFeatures.Value, sparseFeatures.Value, cap);
        return Validate(document, root, dataset) ? dataset : null;
    }

    private static DataSource? Source(DocumentReader document, MappingReader? source)
    {
        if (source is null) return null;
        var format = source.Enum("format", YamlNames.Formats);
        var header = source.Bool("header", required: false);
        var columnItems = source.Sequence("columns", required: false);
        var columns = columnItems is null ? EquatableArray<string>.Empty : Names(document, columnItems, "column");
        source.RejectUnknownKeys();
        if (format is null || columns is null) return null;

        bool text = format is DataFormat.Tsv or DataFormat.Csv;
        if (header is not null && !text)
        {
            document.Report(DiagnosticCatalog.OptionNotApplicable, source.KeyNode("header"), "header", "tsv and csv sources");
            return null;
        }
        if (columns.Value.Count > 0 && !(text && header != true))
        {
            document.Report(DiagnosticCatalog.OptionNotApplicable, source.KeyNode("columns"), "columns", "tsv and csv sources without a header");
            return null;
        }
        return new DataSource(format.Value, header ?? false, columns.Value);
    }

    private static int? MinCount(DocumentReader document, MappingReader mapping, CategoricalEncoding encoding)
    {
        var minCount = mapping.Int("minCount", required: false, minimum: 1);
        if (minCount is not null && encoding != CategoricalEncoding.Vocabulary)
        {
            document.Report(DiagnosticCatalog.OptionNotApplicable, mapping.KeyNode("minCount"), "minCount", "the vocabulary encoding");
            return null;
        }
        return minCount;
    }

    private static EquatableArray<string>? Names(DocumentReader document, IReadOnlyList<(YamlNode Node, string Path)> items, string what)
    {
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

    /// <summary>Dense features: a name, or a mapping with its own transform or column.</summary>
    private static EquatableArray<DenseFeature>? DenseFeatures(DocumentReader document, IReadOnlyList<(YamlNode Node, string Path)>? items, DenseTransform transform)
    {
        if (items is null) return null;
        var features = new List<DenseFeature>();
        bool valid = true;
        foreach (var (node, path) in items)
        {
            if (node is YamlScalarNode { Value: { Length: > 0 } text })
            {
                features.Add(new DenseFeature(text, transform, text));
                continue;
            }
            var feature = node is YamlMappingNode ? document.Mapping(node, path, "features", "a dense feature") : null;
            if (feature is null)
            {
                document.Report(DiagnosticCatalog.InvalidValue, node, "dense feature", "a name or a mapping", MappingReader.Describe(node));
                valid = false;
                continue;
            }
            var name = feature.String("name");
            var own = feature.Enum("transform", YamlNames.DenseTransforms, required: false);
            var column = feature.String("column", required: false);
            feature.RejectUnknownKeys();
            if (name is null) { valid = false; continue; }
            features.Add(new DenseFeature(name, own ?? transform, column ?? name));
        }
        return valid ? features.ToEquatableArray() : null;
    }

    private static EquatableArray<SparseFeature>? SparseFeatures(DocumentReader document, MappingReader sparse, CategoricalEncoding encoding, int minCount)
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
            var size = feature.Long("tableSize");
            var own = feature.Enum("encoding", YamlNames.Encodings, required: false);
            var ownMinCount = MinCount(document, feature, own ?? encoding);
            var column = feature.String("column", required: false);
            feature.RejectUnknownKeys();
            if (name is null || size is null) { valid = false; continue; }
            if (size < 2)
            {
                document.Report(DiagnosticCatalog.TableTooSmall, feature.Value("tableSize", required: false)!, name, size.Value);
                valid = false;
                continue;
            }
            features.Add(new SparseFeature(name, size.Value, own ?? encoding, column ?? name, ownMinCount ?? minCount));
        }
        return valid ? features.ToEquatableArray() : null;
    }

    /// <summary>Distinct names, columns that exist, and features the source can hold.</summary>
    private static bool Validate(DocumentReader document, MappingReader root, DatasetSchema dataset)
    {
        int errors = document.Diagnostics.Count(d => d.IsError);
        var labelNode = root.Value("label", required: false)!;
        var dense = Items(root, "dense");
        var sparse = Items(root, "sparse");

        var owners = new Dictionary<string, string>(StringComparer.Ordinal) { [dataset.Label] = "the label" };
        for (int i = 0; i < dataset.DenseFeatures.Count; i++) Claim(document, owners, dataset.DenseFeatures[i].Name, "dense feature " + (i + 1), dense[i]);
        for (int i = 0; i < dataset.SparseFeatures.Count; i++) Claim(document, owners, dataset.SparseFeatures[i].Name, "sparse feature " + (i + 1), sparse[i]);

        var source = dataset.Source;
        if (source.Columns.Count > 0)
        {
            var known = new HashSet<string>(source.Columns, StringComparer.Ordinal);
            var allowed = string.Join(", ", source.Columns);
            if (!known.Contains(dataset.Label)) document.Report(DiagnosticCatalog.UnknownColumn, labelNode, "The label", dataset.Label, allowed);
            for (int i = 0; i < dataset.DenseFeatures.Count; i++)
            {
                var feature = dataset.DenseFeatures[i];
                if (feature.Transform != DenseTransform.Zero && !known.Contains(feature.Column))
                    document.Report(DiagnosticCatalog.UnknownColumn, dense[i], "Dense feature '" + feature.Name + "'", feature.Column, allowed);
            }
            for (int i = 0; i < dataset.SparseFeatures.Count; i++)
            {
                var feature = dataset.SparseFeatures[i];
                if (!known.Contains(feature.Column))
                    document.Report(DiagnosticCatalog.UnknownColumn, sparse[i], "Sparse feature '" + feature.Name + "'", feature.Column, allowed);
            }
        }
        if (source.Format == DataFormat.Libsvm)
        {
            for (int i = 0; i < dataset.DenseFeatures.Count; i++)
            {
                if (dataset.DenseFeatures[i].Transform != DenseTransform.Zero)
                    document.Report(DiagnosticCatalog.DenseInLibsvm, dense[i], dataset.DenseFeatures[i].Name);
            }
        }
        if (source.Format == DataFormat.Kdd2012)
        {
            int read = 1 + dataset.DenseFeatures.Count + dataset.SparseFeatures.Count;
            if (read != Kdd2012Columns.Count)
                document.Report(DiagnosticCatalog.FixedLayoutMismatch, root.KeyNode("source"), "kdd2012", Kdd2012Columns.Count, string.Join(", ", Kdd2012Columns), read);
        }
        return document.Diagnostics.Count(d => d.IsError) == errors;
    }

    private static void Claim(DocumentReader document, Dictionary<string, string> owners, string name, string owner, YamlNode node)
    {
        if (owners.TryGetValue(name, out var first)) document.Report(DiagnosticCatalog.DuplicateFeature, node, name, first);
        else owners[name] = owner;
    }

    /// <summary>The feature list items of <c>dense</c> or <c>sparse</c>, to locate diagnostics.</summary>
    private static IReadOnlyList<YamlNode> Items(MappingReader root, string key) =>
        root.Node.Children.TryGetValue(new YamlScalarNode(key), out var section)
        && section is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode("features"), out var list)
        && list is YamlSequenceNode sequence ? sequence.Children.ToList() : Array.Empty<YamlNode>();
}
