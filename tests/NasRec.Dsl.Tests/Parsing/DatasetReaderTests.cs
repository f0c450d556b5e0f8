using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;

namespace NasRec.Dsl.Tests.Parsing;

/// <summary>The Dataset document: defaults, per-feature settings, and the shipped layouts.</summary>
public sealed class DatasetReaderTests
{
    private static DatasetSchema Parse(string yaml)
    {
        var result = DocumentParser.Parse("probe.dataset.yaml", yaml);
        Assert.Empty(result.Diagnostics);
        return Assert.IsType<DatasetSchema>(result.Document);
    }

    [Fact]
    public void SectionDefaultsApplyAndEachFeatureMayOverrideThem()
    {
        var dataset = Parse("""
            kind: Dataset
            name: Shop
            source: { format: csv, header: true }
            label: clicked
            dense:
              features: [views, { name: price, transform: standardize, column: price_eur }]
            sparse:
              encoding: hash
              features:
                - { name: user, tableSize: 1001 }
                - { name: item, tableSize: 501, encoding: vocabulary, minCount: 2, column: item_id }
            """);

        Assert.Equal(new DataSource(DataFormat.Csv, true, EquatableArray<string>.Empty), dataset.Source);
        Assert.Equal(new[] { new DenseFeature("views", DenseTransform.Log1P, "views"), new DenseFeature("price", DenseTransform.Standardize, "price_eur") },
            dataset.DenseFeatures);
        Assert.Equal(new[]
        {
            new SparseFeature("user", 1001, CategoricalEncoding.Hash, "user", 1),
            new SparseFeature("item", 501, CategoricalEncoding.Vocabulary, "item_id", 2),
        }, dataset.SparseFeatures);
    }

    [Fact]
    public void WithoutColumnsTheFileIsLabelThenDenseThenSparse()
    {
        var dataset = Parse("""
            kind: Dataset
            name: Plain
            source: { format: tsv }
            label: y
            dense: { features: [a, { name: b, column: raw_b }] }
            sparse:
              features:
                - { name: c, tableSize: 10 }
            """);

        Assert.Equal(new[] { "y", "a", "raw_b", "c" }, dataset.PositionalColumns());
        Assert.False(dataset.Source.Header);
    }

    [Fact]
    public void DeclaredColumnsAreTheFilesColumns()
    {
        var dataset = Parse("""
            kind: Dataset
            name: Declared
            source: { format: tsv, columns: [c, unused, y, a] }
            label: y
            dense: { features: [a] }
            sparse:
              features:
                - { name: c, tableSize: 10 }
            """);

        Assert.Equal(new[] { "c", "unused", "y", "a" }, dataset.PositionalColumns());
    }

    [Theory]
    [InlineData("criteo.dataset.yaml", "Criteo", DataFormat.Tsv, CategoricalEncoding.HexModulo, 13, 26)]
    [InlineData("avazu.dataset.yaml", "Avazu", DataFormat.Tsv, CategoricalEncoding.HexModulo, 1, 23)]
    [InlineData("avazu-kaggle.dataset.yaml", "AvazuKaggle", DataFormat.Csv, CategoricalEncoding.DecimalOrHex, 1, 23)]
    [InlineData("kdd.dataset.yaml", "Kdd", DataFormat.Tsv, CategoricalEncoding.HexModulo, 3, 10)]
    [InlineData("kdd-kaggle.dataset.yaml", "KddKaggle", DataFormat.Kdd2012, CategoricalEncoding.DecimalOrHex, 3, 10)]
    public void ShippedLayoutsDescribeTheirFiles(string file, string name, DataFormat format, CategoricalEncoding encoding, int dense, int sparse)
    {
        var path = Path.Combine(Repository.Spaces, "datasets", file);
        var dataset = Parse(File.ReadAllText(path));

        Assert.Equal((name, format, dense, sparse), (dataset.Name, dataset.Source.Format, dataset.DenseFeatures.Count, dataset.SparseFeatures.Count));
        Assert.All(dataset.SparseFeatures, f => Assert.Equal(encoding, f.Encoding));
        Assert.Equal(500000, dataset.SearchTableCap);
    }

    [Fact]
    public void BothAvazuLayoutsHaveTheSameTablesAndAConstantDenseInput()
    {
        var shards = Parse(File.ReadAllText(Path.Combine(Repository.Spaces, "datasets", "avazu.dataset.yaml")));
        var kaggle = Parse(File.ReadAllText(Path.Combine(Repository.Spaces, "datasets", "avazu-kaggle.dataset.yaml")));

        Assert.Equal(shards.TableSizes(null), kaggle.TableSizes(null));
        Assert.Equal(shards.SparseFeatures.Select(f => f.Name), kaggle.SparseFeatures.Select(f => f.Name));
        Assert.All(shards.DenseFeatures.Concat(kaggle.DenseFeatures), f => Assert.Equal(DenseTransform.Zero, f.Transform));
        Assert.True(kaggle.Source.Header);
    }
}
