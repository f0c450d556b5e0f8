using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NasRec.Runtime.Data.Store;

/// <summary>What a prepared store holds and how it was made (<c>manifest.json</c>).</summary>
public sealed record StoreManifest(
    int FormatVersion,
    string ToolVersion,
    DateTimeOffset Created,
    string Dataset,
    string SchemaSha256,
    SplitSettings Split,
    IReadOnlyList<SourceFile> Sources,
    IReadOnlyDictionary<string, SplitSummary> Splits,
    BadRowSummary BadRows,
    IReadOnlyDictionary<string, Moments> Standardized,
    IReadOnlyDictionary<string, long> VocabularySizes)
{
    public const int CurrentFormat = 1;

    public SplitSummary Of(DataSplit split) => Splits[StoreFiles.Stem(split)];

    /// <summary>
    /// What the store's rows are, as one hash: the dataset and its schema, the sources' contents, the split and each
    /// split's rows and positives. Preparing the same input again gives the same fingerprint; where and when do not count.
    /// </summary>
    public string Fingerprint()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Dataset}\n{SchemaSha256}\n{Split}\n");
        foreach (var source in Sources) text.Append(source.Sha256).Append('\n');
        foreach (var (name, split) in Splits.OrderBy(s => s.Key, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"{name} {split.Rows} {split.Positives}\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>A fingerprint's first 12 digits, enough to tell two apart in a message.</summary>
    public static string Short(string fingerprint) => fingerprint[..Math.Min(12, fingerprint.Length)];

    public string ToJson() => JsonSerializer.Serialize(this, ManifestJson.Default.StoreManifest);

    public static StoreManifest FromJson(string json, string path)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ManifestJson.Default.StoreManifest) ?? throw new DataException($"{path}: empty manifest");
        }
        catch (JsonException e)
        {
            throw new DataException($"{path}: not a store manifest ({e.Message}); prepare the data again", e);
        }
    }
}

/// <summary>
/// The manifest's JSON contract, generated at build time: reflection-based serialization would spend a
/// noticeable share of a short prepare compiling itself.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, Converters = [typeof(KebabCaseEnumConverter<SplitMode>)])]
[JsonSerializable(typeof(StoreManifest))]
internal sealed partial class ManifestJson : JsonSerializerContext;

/// <summary>Enum values as kebab-case strings ("stratified", "none").</summary>
internal sealed class KebabCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.KebabCaseLower) where T : struct, Enum;

/// <summary>How rows were assigned to splits.</summary>
public sealed record SplitSettings(SplitMode Mode, int Folds, int Seed, bool ReferenceOffByOne);

/// <summary>How <c>nasrec data prepare</c> splits its input.</summary>
public enum SplitMode
{
    /// <summary>The reference's stratified 8/1/1 split of one input (spec §1.2).</summary>
    Stratified,
    /// <summary>The input is already split: train/val/test files, or the reference's shards.</summary>
    None,
}

/// <summary>A raw input file: its size and SHA-256 (and MD5 for reference shards, whose sums are published).</summary>
public sealed record SourceFile(string Path, long Size, string Sha256, string? Md5);

/// <summary>One split: rows, positives, and per feature how many rows lacked it.</summary>
public sealed record SplitSummary(long Rows, long Positives, IReadOnlyList<long> DenseMissing, IReadOnlyList<long> SparseMissing)
{
    public double PositiveRate => Rows == 0 ? 0 : (double)Positives / Rows;
}

public sealed record BadRowSummary(long Skipped, IReadOnlyDictionary<string, long> Counts, IReadOnlyList<string> Examples);

/// <summary>The training split's mean and standard deviation of a standardized feature.</summary>
public sealed record Moments(double Mean, double Deviation);
