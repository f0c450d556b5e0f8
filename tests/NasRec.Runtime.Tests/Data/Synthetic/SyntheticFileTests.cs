using System.Globalization;
using NasRec.Runtime.Data.Synthetic;
using Parquet;
using Parquet.Schema;

namespace NasRec.Runtime.Tests.Data.Synthetic;

public sealed class SyntheticFileTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("nasrec-synth-");
    private static readonly Lazy<SyntheticCtrModel> Seed1 = new(() => new SyntheticCtrModel(1, CriteoTables.Sizes, CriteoTables.Cap));

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public void TheSameSeedWritesTheSameBytesAndAnotherSeedOthers()
    {
        var first = Write(Seed1.Value, 5_000, "a.tsv");
        var again = Write(new SyntheticCtrModel(1, CriteoTables.Sizes, CriteoTables.Cap), 5_000, "b.tsv");
        var other = Write(new SyntheticCtrModel(2, CriteoTables.Sizes, CriteoTables.Cap), 5_000, "c.tsv");

        Assert.Equal(File.ReadAllBytes(first.Path), File.ReadAllBytes(again.Path));
        Assert.Equal(first.Stats, again.Stats);
        Assert.NotEqual(File.ReadAllBytes(first.Path), File.ReadAllBytes(other.Path));
    }

    [Fact]
    public void RowsHaveCriteosLayoutWithItsMissingValuesAndHexCategories()
    {
        var lines = File.ReadAllLines(Write(Seed1.Value, 20_000, "layout.tsv").Path);
        var cells = lines.Select(line => line.Split('\t')).ToList();

        Assert.Equal(20_000, lines.Length);
        Assert.All(cells, row => Assert.Equal(40, row.Length));
        Assert.All(cells, row => Assert.Contains(row[0], new[] { "0", "1" }));
        Assert.All(cells.SelectMany(row => row[1..14]).Where(c => c != ""), c => Assert.True(long.TryParse(c, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _), c));
        Assert.All(cells.SelectMany(row => row[14..]).Where(c => c != ""), c => Assert.Matches("^[0-9a-f]{8}$", c));

        double MissingRate(int column) => cells.Count(row => row[column] == "") / (double)cells.Count;
        Assert.InRange(MissingRate(1), 0.42, 0.48);     // I1, as Criteo about 45 %
        Assert.Equal(0, MissingRate(2));                 // I2 never missing
        Assert.InRange(MissingRate(12), 0.74, 0.80);    // I12
        Assert.Equal(0, MissingRate(14));                // C1
        Assert.InRange(MissingRate(14 + 21), 0.73, 0.79); // C22
        Assert.Contains(cells, row => row[2].StartsWith('-')); // I2 goes negative, as in Criteo
        double positiveRate = cells.Average(row => row[0] == "1" ? 1.0 : 0.0);
        Assert.InRange(positiveRate, 0.2, 0.3);
    }

    [Fact]
    public void CategoryFrequenciesAreHeavyTailed()
    {
        var c1 = File.ReadAllLines(Write(Seed1.Value, 20_000, "zipf.tsv").Path).Select(line => line.Split('\t')[14]);
        var counts = c1.GroupBy(v => v).Select(g => g.Count()).OrderDescending().ToList();

        // C1 has 600 categories: the most frequent takes about a fifth of the rows, most are rare.
        Assert.InRange(counts[0] / 20_000.0, 0.12, 0.35);
        Assert.True(counts.Count(c => c <= 10) > counts.Count / 2, $"{counts.Count(c => c <= 10)} of {counts.Count} categories seen at most 10 times");
    }

    [Fact]
    public void CategoriesStayDistinctUnderTheHashingModuloOfFullAndCappedTables()
    {
        var model = Seed1.Value;
        for (int j = 0; j < SyntheticCtrModel.CategoricalFeatures; j++)
        {
            long size = CriteoTables.Sizes[j], capped = Math.Min(size, CriteoTables.Cap!.Value);
            var ids = Enumerable.Range(0, model.Cardinality(j)).Select(k => Convert.ToInt64(model.CategoryHex(j, k), 16)).ToList();
            Assert.Equal(ids.Count, ids.Select(v => v % (size - 1)).Distinct().Count());
            Assert.Equal(ids.Count, ids.Select(v => v % (capped - 1)).Distinct().Count());
        }
        Assert.Equal(3, model.Cardinality(8)); // C9's table has 4 rows: 3 for values, 1 for missing
    }

    [Fact]
    public void StatsAgreeWithTheFileAndTheTrueProbabilities()
    {
        var (path, stats) = Write(Seed1.Value, 10_000, "stats.tsv");
        var labels = File.ReadAllLines(path).Select(line => line[0] - '0').ToList();
        var row = Seed1.Value.NewRow();
        double logloss = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            Seed1.Value.Sample(i, row);
            Assert.Equal(row.Label, labels[i]);
            logloss -= Math.Log(row.Label == 1 ? row.ClickProbability : 1 - row.ClickProbability);
        }
        double rate = labels.Average();

        Assert.Equal(10_000, stats.Rows);
        Assert.Equal(rate, stats.PositiveRate, 12);
        Assert.Equal(logloss / labels.Count, stats.BayesLogloss, 9);
        Assert.Equal(-(rate * Math.Log(rate) + (1 - rate) * Math.Log(1 - rate)), stats.BaseRateLogloss, 12);
        Assert.True(stats.BayesLogloss < stats.BaseRateLogloss - 0.1);
    }

    [Fact]
    public async Task ParquetHoldsTheSameRowsAsTsvInRowGroups()
    {
        var tsv = File.ReadAllLines(Write(Seed1.Value, 2_500, "rows.tsv").Path).Select(line => line.Split('\t')).ToList();
        string parquet = Path.Combine(folder.FullName, "rows.parquet");
        SyntheticFile.Write(Seed1.Value, 2_500, parquet, SyntheticFormat.Parquet, rowGroupSize: 1_000);

        await using var reader = await ParquetReader.CreateAsync(parquet);
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(["label", .. Enumerable.Range(1, 13).Select(i => $"I{i}"), .. Enumerable.Range(1, 26).Select(i => $"C{i}")], fields.Select(f => f.Name));
        Assert.Equal(typeof(int), fields[0].ClrType);
        Assert.False(fields[0].IsNullable);
        Assert.All(fields[1..14], f => Assert.True(f.ClrType == typeof(long) && f.IsNullable, f.Name));
        // Parquet.Net 6 reports UTF-8 string columns as ReadOnlyMemory<char>; they read back as strings below.
        Assert.All(fields[14..], f => Assert.True(f.ClrType == typeof(ReadOnlyMemory<char>) && f.IsNullable, f.Name));
        Assert.Equal(3, reader.RowGroupCount);

        int offset = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int count = (int)group.RowCount;
            var labels = new int[count];
            await group.ReadAsync(fields[0], labels.AsMemory());
            var columns = new List<string?[]> { labels.Select(l => (string?)l.ToString(CultureInfo.InvariantCulture)).ToArray() };
            foreach (var field in fields[1..14])
            {
                var values = new long?[count];
                await group.ReadAsync(field, values.AsMemory());
                columns.Add(values.Select(v => v?.ToString(CultureInfo.InvariantCulture)).ToArray());
            }
            foreach (var field in fields[14..])
            {
                var values = new string?[count];
                await group.ReadAsync(field, values.AsMemory());
                columns.Add(values);
            }
            for (int r = 0; r < count; r++)
                Assert.Equal(tsv[offset + r], columns.Select(c => c[r] ?? "").ToArray());
            offset += count;
        }
        Assert.Equal(2_500, offset);
    }

    [Fact]
    public void AnExistingFileIsReplacedAndNoTemporaryFileIsLeft()
    {
        string path = Path.Combine(folder.FullName, "out.tsv");
        File.WriteAllText(path, "old");

        SyntheticFile.Write(Seed1.Value, 10, path, SyntheticFormat.Tsv);

        Assert.Equal(10, File.ReadAllLines(path).Length);
        Assert.Equal(["out.tsv"], folder.GetFiles().Select(f => f.Name));
    }

    private (string Path, SyntheticStats Stats) Write(SyntheticCtrModel model, long rows, string name)
    {
        string path = Path.Combine(folder.FullName, name);
        return (path, SyntheticFile.Write(model, rows, path, SyntheticFormat.Tsv));
    }
}
