using System.Diagnostics;
using NasRec.Dsl.Analysis;
using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Dsl.Tests.Diagnostics;

namespace NasRec.Dsl.Tests.Hardening;

/// <summary>
/// One regression test per way hostile YAML once broke the DSL: overflowing numbers, huge counts,
/// alias bombs, unsafe names, clashing generated names, quadratic lookups and locations past the end.
/// Each failed before the limits and rules it exercises existed.
/// </summary>
public sealed class HostileDocumentTests
{
    private static DslDiagnostic Single(Workspace workspace, DiagnosticRule rule) => Assert.Single(workspace.Diagnostics, d => d.Rule == rule);

    [Theory]
    [InlineData("tableSize: 2", "tableSize: 4611686018427387904", "'tableSize' is 4611686018427387904; the limit is 4294967296")]
    [InlineData("encoding: hex-modulo", "encoding: hex-modulo\n  searchTableCap: 9223372036854775807", "'searchTableCap' is 9223372036854775807; the limit is 4294967296")]
    public void TableSizesNear2To62AreLimitErrors(string original, string huge, string message)
    {
        var workspace = Snippets.Load((Snippets.DatasetFile, Snippets.Dataset.Replace(original, huge, StringComparison.Ordinal)));

        Assert.Equal(message, Single(workspace, DiagnosticCatalog.LimitExceeded).Message);
    }

    [Theory]
    [InlineData("embeddingDim: 4", "embeddingDim: 268435456", "'embeddingDim' is 268435456; the limit is 4096")]
    [InlineData("denseWidths: [16, 32]", "denseWidths: [16, 2147483647]", "'denseWidths' is 2147483647; the limit is 65536")]
    [InlineData("sparseTokens: [16, 32]", "sparseTokens: [16, 1073741824]", "'sparseTokens' is 1073741824; the limit is 4096")]
    [InlineData("blocks: 3", "blocks: 2147483647", "'blocks' is 2147483647; the limit is 256")]
    [InlineData("maxInputs: 2", "maxInputs: 2147483648", "'maxInputs' is 2147483648; the limit is 2147483647")]
    public void SpaceNumbersBeyondTheirLimitsAreLimitErrors(string original, string huge, string message)
    {
        var workspace = Snippets.Load((Snippets.SpaceFile, Snippets.Space.Replace(original, huge, StringComparison.Ordinal)));

        Assert.Equal(message, Single(workspace, DiagnosticCatalog.LimitExceeded).Message);
    }

    [Fact]
    public void AnalysisAtEveryLimitAtOnceNeverOverflows()
    {
        const int blocks = DocumentLimits.MaxBlocks;
        var dataset = new DatasetSchema("Widest", new DataSource(DataFormat.Csv, true, EquatableArray<string>.Empty), "y",
            Enumerable.Range(0, DocumentLimits.MaxListItems).Select(i => new DenseFeature("d" + i, DenseTransform.Log1P, "d" + i)).ToEquatableArray(),
            Enumerable.Range(0, DocumentLimits.MaxListItems)
                .Select(i => new SparseFeature("s" + i, DocumentLimits.MaxTableSize, CategoricalEncoding.HexModulo, "s" + i, 1)).ToEquatableArray(),
            DocumentLimits.MaxTableSize);
        foreach (var denseOp in new[] { DenseOperator.Fc, DenseOperator.DotProduct, DenseOperator.SigmoidGating, DenseOperator.Sum })
        foreach (var sparseOp in new[] { SparseOperator.Efc, SparseOperator.Transformer })
        {
            var space = new SearchSpace("Widest", null, blocks, DocumentLimits.MaxEmbeddingDim,
                EquatableArray.Create(denseOp), EquatableArray.Create(sparseOp),
                EquatableArray.Create(DocumentLimits.MaxWidth), EquatableArray.Create(DocumentLimits.MaxTokens), blocks + 1,
                true, true, true, Activation.Relu, new SamplingDefaults(SamplingStrategy.Default, ConnectionCount.Binomial, 0));
            var architecture = new Architecture("WidestNet", "Widest", "Widest", null, Enumerable.Range(0, blocks).Select(i =>
            {
                var all = Enumerable.Range(0, i + 1).ToEquatableArray();
                var dense = denseOp is DenseOperator.Fc or DenseOperator.DotProduct
                    ? new DenseChoice(denseOp, DocumentLimits.MaxWidth, all, null, null)
                    : new DenseChoice(denseOp, DocumentLimits.MaxWidth, EquatableArray<int>.Empty, 0, i);
                return new Block(dense, new SparseChoice(sparseOp, DocumentLimits.MaxTokens, all), DenseToSparse: true, Fm: true);
            }).ToEquatableArray());

            var report = ArchitectureAnalyzer.Analyze(architecture, space, dataset);

            Assert.InRange(report.Flops, 1, 1L << 62);
            Assert.InRange(report.NonEmbeddingParameters, 1, 1L << 62);
            Assert.InRange(report.HeadInput, 1, int.MaxValue);
            Assert.Equal(1L << 56, report.EmbeddingParameters); // 4,096 tables of 2^32 rows of 4,096
            Assert.All(report.Blocks, b => Assert.True(b.DenseInWidth >= 0 && b.TokensIn >= 0 && b.Flops >= 0 && b.Parameters >= 0));
        }
    }

    [Fact]
    public void AnArchitectureOfTenThousandBlocksIsOneLimitErrorAtTheList()
    {
        var block = "  - dense: { op: fc, width: 16, inputs: [0] }\n    sparse: { op: efc, tokens: 16, inputs: [0] }\n";
        var text = "kind: Architecture\nname: TinyNet\nspace: Tiny\ndataset: TinyData\nblocks:\n" + string.Concat(Enumerable.Repeat(block, 10_000));

        var workspace = Snippets.WithArchitecture(text);

        var diagnostic = Assert.Single(workspace.Diagnostics);
        Assert.Equal("The list 'blocks' holds 10000 items; the limit is 256", diagnostic.Message);
        Assert.Equal((6, 3), (diagnostic.Location!.StartLine, diagnostic.Location.StartColumn));
    }

    [Fact]
    public void AFileBeyondTheSizeLimitIsOneLimitErrorWhereTheLimitFalls()
    {
        var line = new string('#', 1023) + "\n";
        var text = string.Concat(Enumerable.Repeat(line, 1025));

        var result = DocumentParser.Parse("big.space.yaml", text);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCatalog.LimitExceeded, diagnostic.Rule);
        Assert.Equal("The file holds 1049600 characters; the limit is 1048576", diagnostic.Message);
        Assert.Equal((1025, 1, 1_048_576), (diagnostic.Location!.StartLine, diagnostic.Location.StartColumn, diagnostic.Location.StartOffset));
    }

    /// <summary>Levels of four aliases each to the level before: 4^levels nodes if expanded (five levels stay within the budget).</summary>
    private static string Bomb(int levels, string use) =>
        "kind: SearchSpace\nname: Bomb\nl0: &l0 [x]\n" +
        string.Join("\n", Enumerable.Range(1, levels).Select(i => $"l{i}: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}]")) + "\n" + use + "\n";

    [Theory]
    [InlineData("? *l5\n: 1", "An alias cannot be a mapping key; write the key as text")]
    [InlineData("? [*l5, *l5]\n: 1", "A mapping key must be text, not a list or a mapping")]
    [InlineData("? { a: *l5 }\n: 1\n? { a: *l5 }\n: 2", "A mapping key must be text, not a list or a mapping")]
    public void AnAliasBombUsedAsAKeyIsASyntaxErrorAtTheKeyAndReturnsAtOnce(string use, string message)
    {
        var clock = Stopwatch.StartNew();

        var result = DocumentParser.Parse("bomb.space.yaml", Bomb(5, use));

        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 5);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCatalog.YamlSyntax, diagnostic.Rule);
        Assert.Equal("YAML syntax error: " + message, diagnostic.Message);
        Assert.Equal(9, diagnostic.Location!.StartLine);
    }

    [Fact]
    public void AliasesStandingForMoreNodesThanTheBudgetAreALimitErrorAtTheAlias()
    {
        var result = DocumentParser.Parse("bomb.space.yaml", Bomb(30, "blocks: *l30"));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCatalog.LimitExceeded, diagnostic.Rule);
        Assert.EndsWith("; the limit is 10000", diagnostic.Message, StringComparison.Ordinal);
        // Levels 1-5 stand for 3,176 nodes; each alias of level 6 for 2,389 more: the third is past 10,000.
        Assert.Equal((9, 20), (diagnostic.Location!.StartLine, diagnostic.Location.StartColumn));
    }

    [Fact]
    public void ASyntaxErrorAtTheEndOfAFileWithoutAFinalNewlineIsInsideTheFile()
    {
        const string text = "kind: SearchSpace\nname: [Tiny";

        var diagnostic = Assert.Single(DocumentParser.Parse("cut.space.yaml", text).Diagnostics);

        Assert.Equal(DiagnosticCatalog.YamlSyntax, diagnostic.Rule);
        Assert.InRange(diagnostic.Location!.StartLine, 1, 2);
        Assert.InRange(diagnostic.Location.StartOffset, 0, text.Length);
        if (diagnostic.Location.StartLine == 2) Assert.InRange(diagnostic.Location.StartColumn, 1, "name: [Tiny".Length + 1);
    }

    [Fact]
    public void AnEmptySecondDocumentIsNASREC022InsideTheFile()
    {
        var text = Snippets.Space + "\n---\n";

        var diagnostic = Assert.Single(DocumentParser.Parse(Snippets.SpaceFile, text).Diagnostics);

        Assert.Equal(DiagnosticCatalog.SeveralDocuments, diagnostic.Rule);
        var lines = text.Split('\n');
        Assert.InRange(diagnostic.Location!.StartLine, 1, lines.Length);
        Assert.InRange(diagnostic.Location.StartColumn, 1, lines[diagnostic.Location.StartLine - 1].Length + 1);
        Assert.InRange(diagnostic.Location.StartOffset, 0, text.Length);
    }

    [Theory]
    [InlineData("var", "it is a C# contextual keyword")]
    [InlineData("file", "it is a C# contextual keyword")]
    [InlineData("required", "it is a C# contextual keyword")]
    [InlineData("scoped", "it is a C# contextual keyword")]
    [InlineData("record", "it is a C# contextual keyword")]
    [InlineData("__arglist", "it is a C# keyword")]
    [InlineData("tinynet", "a type name of only lowercase ASCII letters may become a keyword (CS8981); use an uppercase letter")]
    [InlineData("Tiny Net", "use letters, digits and '_', and do not start with a digit")]
    public void NamesThatCannotNameAGeneratedTypeAreNASREC018(string name, string reason)
    {
        var workspace = Snippets.WithArchitecture(Snippets.Architecture.Replace("name: TinyNet", "name: \"" + name + "\"", StringComparison.Ordinal));

        Assert.Equal($"'{name}' is not a valid C# identifier: {reason}", Single(workspace, DiagnosticCatalog.InvalidIdentifier).Message);
    }

    [Theory]
    [InlineData("Flops", "constant Flops")]
    [InlineData("Definition", "property Definition")]
    [InlineData("NonEmbeddingParameters", "constant NonEmbeddingParameters")]
    [InlineData("TableSizes", "property TableSizes")]
    [InlineData("block12_dense_to_sparse", "field block12_dense_to_sparse")]
    [InlineData("block0_fm", "field block0_fm")]
    public void ArchitectureNamesEqualToAMemberOfTheirClassAreNASREC025(string name, string member)
    {
        var workspace = Snippets.WithArchitecture(Snippets.Architecture.Replace("name: TinyNet", "name: " + name, StringComparison.Ordinal));

        Assert.Contains("the " + member + " of its generated class", Single(workspace, DiagnosticCatalog.NameIsAMember).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DocumentsWhoseGeneratedTypesClashAreShadowedWhateverTheirKind()
    {
        var workspace = Snippets.Load(
            ("a/s.space.yaml", Snippets.Space.Replace("name: Tiny", "name: S", StringComparison.Ordinal)),
            ("b/s-space.space.yaml", Snippets.Space.Replace("name: Tiny", "name: SSpace", StringComparison.Ordinal)),
            ("a/criteo.dataset.yaml", Snippets.Dataset.Replace("name: TinyData", "name: Criteo", StringComparison.Ordinal)),
            ("b/criteo-dataset.dataset.yaml", Snippets.Dataset.Replace("name: TinyData", "name: CriteoDataset", StringComparison.Ordinal)),
            ("c/net.arch.yaml", Snippets.Architecture.Replace("name: TinyNet", "name: SSPACE", StringComparison.Ordinal).Replace("space: Tiny", "space: S", StringComparison.Ordinal).Replace("dataset: TinyData", "dataset: Criteo", StringComparison.Ordinal)));

        var clashes = workspace.Diagnostics.Where(d => d.IsError).Select(d => (d.Location!.File, d.Rule.Id)).ToList();

        Assert.Equal([("b/criteo-dataset.dataset.yaml", "NASREC024"), ("b/s-space.space.yaml", "NASREC024"), ("c/net.arch.yaml", "NASREC024")], clashes);
    }

    [Fact]
    public void LocatingManyPathsInALargeSourceMapTakesLogarithmicTime()
    {
        const int count = 100_000;
        var entries = Enumerable.Range(0, count).Reverse()
            .Select(i => new SourceMap.Entry($"blocks[{i}]", new SourceSpan("f.yaml", i + 1, 1, i + 1, 2, i, i + 1)));
        var map = new SourceMap("f.yaml", entries.ToEquatableArray());
        var clock = Stopwatch.StartNew();

        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i + 1, map.Locate($"blocks[{i}].dense.width").StartLine);
        }

        // A linear scan per lookup compares about 10^10 paths here: minutes. A binary search: milliseconds.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 10);
        Assert.Equal(1, map.Locate("no.such.path").StartLine);
    }
}
