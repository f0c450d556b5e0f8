using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Dsl.Tests.Diagnostics;

namespace NasRec.Dsl.Tests.Parsing;

public sealed class DocumentParserTests
{
    /// <summary>Every shipped DSL file, relative to spaces/.</summary>
    public static TheoryData<string> ShippedFiles => new(ShippedPaths("*.yaml"));

    public static TheoryData<string> ShippedArchitectures => new(ShippedPaths("*.arch.yaml"));

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void ParsingTheSameTextTwiceGivesEqualButNotSameDocuments(string relativePath)
    {
        var (path, text) = Read(relativePath);

        var first = DocumentParser.Parse(path, text);
        var second = DocumentParser.Parse(path, text);

        Assert.NotNull(first.Document);
        Assert.NotSame(first.Document, second.Document);
        Assert.Equal(first.Document, second.Document);
        Assert.Equal(first.Document.GetHashCode(), second.Document!.GetHashCode());
        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Theory]
    [MemberData(nameof(ShippedArchitectures))]
    public void WhitespaceAndCommentEditsKeepTheDocumentButMoveTheSourceMap(string relativePath)
    {
        var (path, text) = Read(relativePath);
        var edited = text
            .Replace("\nkind:", "\n# a comment added above the kind\n\nkind:", StringComparison.Ordinal)
            .Replace("{ op:", "{   op:", StringComparison.Ordinal)
            .Replace("\n", "   \n", StringComparison.Ordinal);
        Assert.NotEqual(text, edited);

        var original = DocumentParser.Parse(path, text);
        var moved = DocumentParser.Parse(path, edited);

        Assert.NotNull(original.Document);
        Assert.Equal(original.Document, moved.Document);
        Assert.Equal(original.Document.GetHashCode(), moved.Document!.GetHashCode());
        Assert.NotEqual(original.SourceMap, moved.SourceMap);
        Assert.Equal(original.SourceMap.Entries.Select(e => e.Path), moved.SourceMap.Entries.Select(e => e.Path));
        var before = original.SourceMap.Locate("blocks[0].dense.width");
        var after = moved.SourceMap.Locate("blocks[0].dense.width");
        Assert.Equal((before.StartLine + 2, before.StartColumn + 2), (after.StartLine, after.StartColumn));
    }

    [Fact]
    public void IgnoredGenesAreWarnedAboutAndDroppedFromTheModel()
    {
        var withGenes = DocumentParser.Parse("genes.arch.yaml", """
            kind: Architecture
            name: Genes
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0], left: 0, right: 0 }
                sparse: { op: zeros, tokens: 16, inputs: [0] }
              - dense: { op: sigmoid-gating, width: 16, left: 1, right: 0, inputs: [1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: zeros, width: 16, inputs: [2] }
                sparse: { op: zeros, tokens: 16, inputs: [2] }
            """);
        var without = DocumentParser.Parse("genes.arch.yaml", """
            kind: Architecture
            name: Genes
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: zeros, tokens: 16 }
              - dense: { op: sigmoid-gating, width: 16, left: 1, right: 0 }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: zeros, width: 16 }
                sparse: { op: zeros, tokens: 16 }
            """);

        Assert.Equal(
            new[] { "(6,46) left", "(6,55) right", "(7,38) inputs", "(8,64) inputs", "(10,36) inputs", "(11,38) inputs" },
            withGenes.Diagnostics.Select(d =>
            {
                Assert.Equal(DiagnosticCatalog.IgnoredGene, d.Rule);
                return $"({d.Location!.StartLine},{d.Location.StartColumn}) {d.Message.Split('\'')[1]}";
            }));
        Assert.Empty(without.Diagnostics);
        var architecture = Assert.IsType<Architecture>(withGenes.Document);
        Assert.Equal(without.Document, architecture);
        Assert.Equal((null, null), (architecture.Blocks[0].Dense.Left, architecture.Blocks[0].Dense.Right));
        Assert.Empty(architecture.Blocks[0].Sparse.Inputs);
        Assert.Empty(architecture.Blocks[1].Dense.Inputs);
        Assert.Empty(architecture.Blocks[2].Dense.Inputs);
        Assert.Empty(architecture.Blocks[2].Sparse.Inputs);
    }

    [Fact]
    public void ZerosSparseInputsAreKeptForADotProductThatReadsThem()
    {
        var result = DocumentParser.Parse("dp.arch.yaml", """
            kind: Architecture
            name: DotProductOnRawTokens
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: dot-product, width: 16, inputs: [0] }
                sparse: { op: zeros, tokens: 16, inputs: [0] }
            """);

        Assert.Empty(result.Diagnostics);
        var architecture = Assert.IsType<Architecture>(result.Document);
        Assert.Equal(new[] { 0 }, architecture.Blocks[0].Sparse.Inputs);
    }

    [Fact]
    public void ZerosSparseInputsAreNotCalledIgnoredWhenTheDotProductReadingThemHasAnotherError()
    {
        var result = DocumentParser.Parse("dp.arch.yaml", """
            kind: Architecture
            name: DotProductOnRawTokens
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: dot-product, width: abc, inputs: [0] }
                sparse: { op: zeros, tokens: 16, inputs: [0] }
            """);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("dp.arch.yaml(6,38): error NASREC004: 'width' must be an integer; found 'abc'", diagnostic.ToString());
    }

    [Fact]
    public void InputsAreStoredSortedSoThatOrderDoesNotMatter()
    {
        var shuffled = DocumentParser.Parse(Snippets.ArchitectureFile, """
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [1, 0] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2, 0, 1] }
                sparse: { op: efc, tokens: 16, inputs: [2, 1] }
            """);
        var sorted = DocumentParser.Parse(Snippets.ArchitectureFile, """
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [0, 1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [0, 1, 2] }
                sparse: { op: efc, tokens: 16, inputs: [1, 2] }
            """);

        Assert.Empty(shuffled.Diagnostics);
        var architecture = Assert.IsType<Architecture>(shuffled.Document);
        Assert.Equal(new[] { 0, 1 }, architecture.Blocks[1].Dense.Inputs);
        Assert.Equal(new[] { 0, 1, 2 }, architecture.Blocks[2].Dense.Inputs);
        Assert.Equal(new[] { 1, 2 }, architecture.Blocks[2].Sparse.Inputs);
        Assert.Equal(sorted.Document, architecture);
    }

    [Fact]
    public void DiagnosticToStringIsTheMsBuildLine()
    {
        var workspace = Snippets.WithArchitecture(Snippets.Architecture.Replace("width: 16, inputs: [1]", "width: 48, inputs: [1]", StringComparison.Ordinal));

        var diagnostic = Assert.Single(workspace.Diagnostics);

        Assert.Equal("tiny.arch.yaml(8,29): error NASREC008: Dense width 48 is not a choice of search space 'Tiny'; allowed: 16, 32",
            diagnostic.ToString());
    }

    [Fact]
    public void WarningToStringSaysWarning()
    {
        var result = DocumentParser.Parse(Snippets.ArchitectureFile, Snippets.Architecture.Replace("width: 16, inputs: [1] }", "width: 16, inputs: [1], right: 0 }", StringComparison.Ordinal));

        var diagnostic = Assert.Single(result.Diagnostics);

        Assert.Equal("tiny.arch.yaml(8,46): warning NASREC101: 'right' is ignored by the fc operator and is not kept", diagnostic.ToString());
    }

    [Fact]
    public void AnUnlocatedDiagnosticPrintsItsNodePathAndTheSourceMapLocatesIt()
    {
        var result = DocumentParser.Parse(Snippets.ArchitectureFile, Snippets.Architecture);
        var diagnostic = DslDiagnostic.AtPath(DiagnosticCatalog.WidthNotInSpace, "blocks[1].dense.width", 48, "Tiny", "16, 32");

        Assert.Equal("blocks[1].dense.width: error NASREC008: Dense width 48 is not a choice of search space 'Tiny'; allowed: 16, 32",
            diagnostic.ToString());
        Assert.StartsWith("tiny.arch.yaml(8,29): error NASREC008:", result.SourceMap.Locate(diagnostic).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSourceMapFallsBackToTheNearestRecordedAncestor()
    {
        var map = DocumentParser.Parse(Snippets.ArchitectureFile, Snippets.Architecture).SourceMap;

        Assert.Equal(map.Locate("blocks[1].dense"), map.Locate("blocks[1].dense.left"));
        Assert.Equal((8, 12), (map.Locate("blocks[1].dense.left").StartLine, map.Locate("blocks[1].dense.left").StartColumn));
        Assert.Equal(SourceSpan.StartOf(Snippets.ArchitectureFile), map.Locate("nowhere"));
    }

    [Fact]
    public void AnEmptyRequiredValueIsReportedInsteadOfSilentlyDroppingTheDocument()
    {
        var result = DocumentParser.Parse(Snippets.ArchitectureFile, Snippets.Architecture.Replace("width: 16, inputs: [1]", "width: ~, inputs: [1]", StringComparison.Ordinal));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("tiny.arch.yaml(8,29): error NASREC004: 'width' must be given a value; found none", diagnostic.ToString());
        Assert.Null(result.Document);
    }

    [Fact]
    public void TheGenesOfAnUnknownOperatorAreNotReportedAsUnknownKeys()
    {
        var result = DocumentParser.Parse(Snippets.ArchitectureFile, Snippets.Architecture
            .Replace("{ op: fc, width: 16, inputs: [1] }", "{ op: gate, width: 16, left: 0, right: 1 }", StringComparison.Ordinal)
            .Replace("{ op: efc, tokens: 16, inputs: [1] }", "{ op: attention, tokens: 16, inputs: [1] }", StringComparison.Ordinal));

        Assert.Equal(new[] { "NASREC006", "NASREC006" }, result.Diagnostics.Select(d => d.Rule.Id));
    }

    private static IEnumerable<string> ShippedPaths(string pattern) =>
        Directory.EnumerateFiles(Repository.Spaces, pattern, SearchOption.AllDirectories)
            .Where(Workspace.IsDslFile)
            .Select(path => Path.GetRelativePath(Repository.Spaces, path).Replace('\\', '/'))
            .OrderBy(path => path, StringComparer.Ordinal);

    private static (string Path, string Text) Read(string relativePath)
    {
        var path = Path.Combine(Repository.Spaces, relativePath);
        return (path, File.ReadAllText(path));
    }
}
