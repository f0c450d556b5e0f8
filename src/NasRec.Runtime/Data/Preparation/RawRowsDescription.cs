using System.Text.Json.Nodes;
using NasRec.Dsl.Model;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data.Preparation;

/// <summary>
/// How a store read its raw rows, as JSON beside an exported model: the layout of its dataset's files and each
/// feature's column and encoding, with the encodings fitted on its training split (the standardized features' mean and
/// deviation; the vocabularies, copied beside as files). From it <c>python/nasrec_torch.py</c> encodes raw rows as
/// <c>nasrec predict</c> does, without .NET.
/// </summary>
public static class RawRowsDescription
{
    /// <summary>Describes <paramref name="store"/>'s rows and copies its vocabularies into <paramref name="vocabularyFolder"/>, named relative to <paramref name="descriptionFolder"/>.</summary>
    public static JsonObject Describe(DataStore store, string descriptionFolder, string vocabularyFolder)
    {
        var schema = store.Schema;
        // Loading the fitted encodings checks the manifest's moments and the vocabulary files the description copies.
        var moments = TrainingEncoder.Load(store).Moments;
        return new JsonObject
        {
            ["dataset"] = schema.Name,
            ["format"] = YamlNames.Formats.NameOf(schema.Source.Format),
            ["header"] = schema.Source.Header,
            ["columns"] = Strings(schema.PositionalColumns()),
            ["label"] = schema.Label,
            ["dense"] = new JsonArray(schema.DenseFeatures.Select(feature => (JsonNode)Dense(feature, moments)).ToArray()),
            ["sparse"] = new JsonArray(schema.SparseFeatures.Select(feature =>
                (JsonNode)Sparse(feature, store, descriptionFolder, vocabularyFolder)).ToArray()),
        };
    }

    private static JsonObject Dense(DenseFeature feature, IReadOnlyDictionary<string, Moments> moments)
    {
        var dense = new JsonObject
        {
            ["name"] = feature.Name,
            ["column"] = feature.Transform == DenseTransform.Zero ? null : feature.Column,
            ["transform"] = YamlNames.DenseTransforms.NameOf(feature.Transform),
        };
        if (moments.TryGetValue(feature.Name, out var fitted))
        {
            dense["mean"] = fitted.Mean;
            dense["deviation"] = fitted.Deviation;
        }
        return dense;
    }

    private static JsonObject Sparse(SparseFeature feature, DataStore store, string descriptionFolder, string vocabularyFolder)
    {
        var sparse = new JsonObject
        {
            ["name"] = feature.Name,
            ["column"] = feature.Column,
            ["encoding"] = YamlNames.Encodings.NameOf(feature.Encoding),
        };
        if (feature.Encoding == CategoricalEncoding.Vocabulary)
        {
            var copy = Path.Combine(vocabularyFolder, feature.Name + ".tsv");
            Directory.CreateDirectory(vocabularyFolder);
            File.Copy(Path.Combine(store.Directory, StoreFiles.Vocabularies, feature.Name + ".tsv"), copy, overwrite: true);
            sparse["vocabulary"] = Path.GetRelativePath(descriptionFolder, copy).Replace('\\', '/');
        }
        return sparse;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(value => (JsonNode)value).ToArray());
}
