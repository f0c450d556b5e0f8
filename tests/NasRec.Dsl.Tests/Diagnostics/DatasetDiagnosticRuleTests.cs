using NasRec.Dsl.Diagnostics;
using static NasRec.Dsl.Tests.Diagnostics.Snippets;

namespace NasRec.Dsl.Tests.Diagnostics;

/// <summary>The Dataset document's rules (NASREC040-059), one mistake in the snippet each.</summary>
public sealed partial class DiagnosticRuleTests
{
    private static Workspace WithDataset(string from, string to) =>
        Load((DatasetFile, Dataset.Replace(from, to, StringComparison.Ordinal)));

    [Fact]
    public void FeatureNamedLikeTheLabelIsNASREC040AtTheFeature()
    {
        var workspace = WithDataset("{ name: s2, tableSize: 2 }", "{ name: clicked, tableSize: 2 }");

        var diagnostic = AssertOnly(workspace, "NASREC040", Severity.Error, DatasetFile, 14, 7);
        Assert.Equal("The name 'clicked' is already used by the label; the label and the features need distinct names", diagnostic.Message);
    }

    [Fact]
    public void SparseFeatureNamedLikeADenseOneIsNASREC040()
    {
        var workspace = WithDataset("{ name: s1, tableSize: 10 }", "{ name: d2, tableSize: 10 }");

        var diagnostic = AssertOnly(workspace, "NASREC040", Severity.Error, DatasetFile, 13, 7);
        Assert.StartsWith("The name 'd2' is already used by dense feature 2;", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FeatureReadingAnUndeclaredColumnIsNASREC041AtTheFeature()
    {
        var workspace = WithDataset("  header: true\n", "  columns: [clicked, d1, d2, s1]\n");

        var diagnostic = AssertOnly(workspace, "NASREC041", Severity.Error, DatasetFile, 14, 7);
        Assert.Equal("Sparse feature 's2' reads column 's2', which is not among the source's columns: clicked, d1, d2, s1", diagnostic.Message);
    }

    [Fact]
    public void DeclaredColumnsMakeAValidDataset()
    {
        Assert.Empty(WithDataset("  header: true\n", "  columns: [s2, clicked, d1, d2, extra, s1]\n").Diagnostics);
    }

    [Fact]
    public void MinCountWithoutTheVocabularyEncodingIsNASREC042AtTheKey()
    {
        var workspace = WithDataset("{ name: s1, tableSize: 10 }", "{ name: s1, tableSize: 10, minCount: 3 }");

        var diagnostic = AssertOnly(workspace, "NASREC042", Severity.Error, DatasetFile, 13, 34);
        Assert.Equal("'minCount' applies only to the vocabulary encoding; remove it", diagnostic.Message);
    }

    [Fact]
    public void HeaderOnAParquetSourceIsNASREC042()
    {
        var workspace = WithDataset("format: csv", "format: parquet");

        var diagnostic = AssertOnly(workspace, "NASREC042", Severity.Error, DatasetFile, 5, 3);
        Assert.Equal("'header' applies only to tsv and csv sources; remove it", diagnostic.Message);
    }

    [Fact]
    public void NumericFeatureInALibsvmSourceIsNASREC043AtTheFeature()
    {
        var workspace = Load((DatasetFile, Dataset.Replace("format: csv\n  header: true", "format: libsvm", StringComparison.Ordinal)
            .Replace("transform: log1p", "transform: zero", StringComparison.Ordinal)
            .Replace("[d1, d2]", "[d1, { name: d2, transform: none }]", StringComparison.Ordinal)));

        var diagnostic = AssertOnly(workspace, "NASREC043", Severity.Error, DatasetFile, 8, 18);
        Assert.Equal("A libsvm source holds categorical fields only: dense feature 'd2' must use transform 'zero'", diagnostic.Message);
    }

    [Fact]
    public void Kdd2012SourceWithTheWrongFeatureCountIsNASREC044AtTheSource()
    {
        var workspace = WithDataset("format: csv\n  header: true", "format: kdd2012");

        var diagnostic = AssertOnly(workspace, "NASREC044", Severity.Error, DatasetFile, 3, 1);
        Assert.StartsWith("The kdd2012 source yields 14 columns (Click, Impression, Depth,", diagnostic.Message, StringComparison.Ordinal);
        Assert.EndsWith("; this dataset reads 5", diagnostic.Message, StringComparison.Ordinal);
    }
}
