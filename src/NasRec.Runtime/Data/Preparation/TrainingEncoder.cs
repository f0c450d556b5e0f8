using System.Globalization;
using NasRec.Dsl.Model;
using NasRec.Runtime.Data.Encodings;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Data.Preparation;

/// <summary>
/// The encodings fitted on the training split only: <c>standardize</c> (mean and deviation) and
/// <c>vocabulary</c> (values seen at least min-count times, most frequent first, at most n - 1 of
/// them; everything else maps to the missing row 0). The written splits carry the raw value and the
/// vocabulary key; <see cref="Apply(MappedRows)"/> rewrites them in place into what the store keeps.
/// </summary>
public sealed class TrainingEncoder
{
    private readonly DatasetSchema schema;
    private readonly Dictionary<int, Moments> moments = new();
    private readonly Dictionary<int, List<(long Key, long Count)>> vocabularies = new();
    private readonly Dictionary<int, Dictionary<long, long>> ranks = new();

    private TrainingEncoder(DatasetSchema schema) => this.schema = schema;

    public IReadOnlyDictionary<string, Moments> Moments =>
        moments.ToDictionary(m => schema.DenseFeatures[m.Key].Name, m => m.Value);

    public IReadOnlyDictionary<string, long> VocabularySizes =>
        vocabularies.ToDictionary(v => schema.SparseFeatures[v.Key].Name, v => (long)v.Value.Count);

    /// <summary>Whether the dataset has encodings fitted on the training split; without them the written splits are final.</summary>
    public static bool Needed(DatasetSchema schema) => Standardized(schema).Length > 0 || Vocabulary(schema).Length > 0;

    private static int[] Standardized(DatasetSchema schema) =>
        Enumerable.Range(0, schema.DenseFeatures.Count).Where(i => schema.DenseFeatures[i].Transform == DenseTransform.Standardize).ToArray();

    private static int[] Vocabulary(DatasetSchema schema) =>
        Enumerable.Range(0, schema.SparseFeatures.Count).Where(i => schema.SparseFeatures[i].Encoding == CategoricalEncoding.Vocabulary).ToArray();

    /// <summary>The encoder of a dataset without such encodings (see <see cref="Needed"/>): it has nothing to apply or save.</summary>
    public static TrainingEncoder None(DatasetSchema schema) => new(schema);

    /// <summary>Fits the encodings on the rows of the training split.</summary>
    public static TrainingEncoder Fit(DatasetSchema schema, MappedRows train)
    {
        var encoder = new TrainingEncoder(schema);
        var standardized = Standardized(schema);
        var vocabulary = Vocabulary(schema);

        var sums = new double[standardized.Length];
        var squares = new double[standardized.Length];
        var counts = vocabulary.Select(_ => new Dictionary<long, long>()).ToArray();
        long rows = train.Rows;
        for (long r = 0; r < rows; r++)
        {
            var dense = train.Dense(r);
            for (int k = 0; k < standardized.Length; k++)
            {
                double x = dense[standardized[k]];
                sums[k] += x;
                squares[k] += x * x;
            }
            var sparse = train.Sparse(r);
            for (int k = 0; k < vocabulary.Length; k++)
            {
                long key = sparse[vocabulary[k]];
                if (key == CategoricalValue.Missing) continue;
                counts[k][key] = counts[k].TryGetValue(key, out var n) ? n + 1 : 1;
            }
        }
        for (int k = 0; k < standardized.Length; k++)
        {
            double mean = rows == 0 ? 0 : sums[k] / rows;
            double variance = rows == 0 ? 0 : Math.Max(0, squares[k] / rows - mean * mean);
            encoder.moments[standardized[k]] = new Moments(mean, Math.Sqrt(variance));
        }
        for (int k = 0; k < vocabulary.Length; k++)
        {
            var feature = schema.SparseFeatures[vocabulary[k]];
            var kept = counts[k].Where(c => c.Value >= feature.MinCount)
                .OrderByDescending(c => c.Value).ThenBy(c => c.Key)
                .Take((int)Math.Min(int.MaxValue, feature.TableSize - 1))
                .Select(c => (c.Key, c.Value)).ToList();
            encoder.vocabularies[vocabulary[k]] = kept;
            encoder.ranks[vocabulary[k]] = Ranks(kept);
        }
        return encoder;
    }

    /// <summary>
    /// The encodings <paramref name="store"/> was prepared with, as <see cref="Fit"/> found them on its training split
    /// (the manifest's moments, the vocabulary files), to encode other rows as its own were.
    /// </summary>
    /// <exception cref="DataException">The store lacks a vocabulary or moments its dataset has, or one does not read.</exception>
    public static TrainingEncoder Load(DataStore store)
    {
        var schema = store.Schema;
        var encoder = new TrainingEncoder(schema);
        foreach (int feature in Standardized(schema))
        {
            var name = schema.DenseFeatures[feature].Name;
            encoder.moments[feature] = store.Manifest.Standardized.TryGetValue(name, out var m) ? m
                : throw new DataException($"{store.Directory}: its manifest holds no mean and deviation of '{name}'; prepare it again");
        }
        foreach (int feature in Vocabulary(schema))
        {
            var name = schema.SparseFeatures[feature].Name;
            var path = Path.Combine(store.Directory, StoreFiles.Vocabularies, name + ".tsv");
            var kept = File.Exists(path) ? ReadVocabulary(path) : [];
            if (!store.Manifest.VocabularySizes.TryGetValue(name, out long size) || kept.Count != size)
                throw new DataException($"{path}: missing, or not the vocabulary of {size} values the manifest counts; prepare the store again");
            encoder.vocabularies[feature] = kept;
            encoder.ranks[feature] = Ranks(kept);
        }
        return encoder;
    }

    private static List<(long Key, long Count)> ReadVocabulary(string path)
    {
        var kept = new List<(long, long)>();
        foreach (var (line, number) in File.ReadLines(path).Select((line, i) => (line, i + 1)).Skip(1))
        {
            var fields = line.Split('\t');
            if (fields.Length != 2
                || !long.TryParse(fields[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long key)
                || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long count))
                throw new DataException(new DataLocation(path, number), "a value's key in hexadecimal, a tab and its count", line);
            kept.Add((key, count));
        }
        return kept;
    }

    private static Dictionary<long, long> Ranks(List<(long Key, long Count)> kept)
    {
        var rank = new Dictionary<long, long>(kept.Count);
        for (int i = 0; i < kept.Count; i++) rank[kept[i].Key] = i;
        return rank;
    }

    /// <summary>
    /// Finishes the written rows of a split in place: standardized dense values, vocabulary ranks (-1: missing or
    /// unknown). Returns the missing values per sparse feature, which now include the unknown ones.
    /// </summary>
    public long[] Apply(MappedRows rows)
    {
        var sparseMissing = new long[rows.SparseWidth];
        for (long row = 0; row < rows.Rows; row++)
        {
            var sparse = rows.EditSparse(row);
            Encode(rows.EditDense(row), sparse);
            for (int i = 0; i < sparse.Length; i++)
            {
                if (sparse[i] == CategoricalValue.Missing) sparseMissing[i]++;
            }
        }
        return sparseMissing;
    }

    /// <summary>Finishes parsed rows in place, as <see cref="Apply(MappedRows)"/> finishes stored ones.</summary>
    public void Apply(RowBlock block)
    {
        if (moments.Count == 0 && ranks.Count == 0) return;
        for (int row = 0; row < block.Count; row++) Encode(block.DenseOf(row), block.SparseOf(row));
    }

    private void Encode(Span<float> dense, Span<long> sparse)
    {
        foreach (var (feature, m) in moments)
        {
            double centered = dense[feature] - m.Mean;
            dense[feature] = (float)(m.Deviation > 0 ? centered / m.Deviation : centered);
        }
        foreach (var (feature, rank) in ranks)
        {
            sparse[feature] = sparse[feature] != CategoricalValue.Missing && rank.TryGetValue(sparse[feature], out var r) ? r : CategoricalValue.Missing;
        }
    }

    /// <summary>Writes each vocabulary as <c>{feature}.tsv</c>: per line the value's key (XxHash64 of its text, 63 bits) and its training count, in rank order.</summary>
    public void Save(string folder)
    {
        if (vocabularies.Count == 0) return;
        Directory.CreateDirectory(folder);
        foreach (var (feature, entries) in vocabularies)
        {
            using var writer = new StreamWriter(Path.Combine(folder, schema.SparseFeatures[feature].Name + ".tsv"));
            writer.WriteLine("key\tcount");
            foreach (var (key, count) in entries) writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key:x16}\t{count}"));
        }
    }
}
