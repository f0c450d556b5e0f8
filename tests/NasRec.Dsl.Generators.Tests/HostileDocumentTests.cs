using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NasRec.Dsl.Generators.Tests.Fuzzing;

namespace NasRec.Dsl.Generators.Tests;

/// <summary>
/// The generator-side regressions of hostile YAML: each once crashed the generator (NASREC900, CS8785)
/// or emitted C# that did not compile, with no NASREC error. Now the documents either have a NASREC
/// error or generate C# that compiles without a warning.
/// </summary>
public sealed class HostileDocumentTests
{
    private const string Space = """
        kind: SearchSpace
        name: Tiny
        blocks: 1
        embeddingDim: 8
        denseOperators: [fc]
        sparseOperators: [efc]
        denseWidths: [16]
        sparseTokens: [8]
        maxInputs: 1
        """;

    private const string Dataset = """
        kind: Dataset
        name: TinyData
        source: { format: csv, header: true }
        label: y
        dense: { transform: log1p, features: [d] }
        sparse:
          encoding: hex-modulo
          features:
            - { name: s, tableSize: 10 }
        """;

    private const string Architecture = """
        kind: Architecture
        name: TinyNet
        space: Tiny
        dataset: TinyData
        blocks:
          - dense: { op: fc, width: 16, inputs: [0] }
            sparse: { op: efc, tokens: 8, inputs: [0] }
        """;

    /// <summary>What the three documents generate with the runtime referenced: the space, its supernet, the dataset and the architecture.</summary>
    private static readonly string[] EveryFile =
        ["NasRec.Models.TinyDataDataset.g.cs", "NasRec.Models.TinyNet.g.cs", "NasRec.Models.TinySpace.Supernet.g.cs", "NasRec.Models.TinySpace.g.cs"];

    private static (IReadOnlyList<Diagnostic> Generator, IReadOnlyList<Diagnostic> Compiler, IReadOnlyList<string> HintNames) Build(params (string Path, string Text)[] files)
    {
        var (driver, output, diagnostics) = GeneratorHarness.Run(
            GeneratorHarness.CreateDriver(files.Select(f => (AdditionalText)new GeneratorHarness.InMemoryText(f.Path, f.Text))),
            GeneratorHarness.Compilation());
        return (diagnostics, output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList(),
            driver.GetRunResult().Results.Single().GeneratedSources.Select(s => s.HintName).ToList());
    }

    [Fact]
    public void AnArchitectureOfASpaceHoldingOnlyKindAndNameGetsNoInternalError()
    {
        var (generator, compiler, hints) = Build(("only-name.space.yaml", "kind: SearchSpace\nname: Tiny\n"), ("d.dataset.yaml", Dataset), ("a.arch.yaml", Architecture));

        Assert.DoesNotContain(generator, d => d.Id == "NASREC900");
        Assert.All(generator, d => Assert.Equal("NASREC003", d.Id));
        Assert.Equal(["NasRec.Models.TinyDataDataset.g.cs"], hints);
        Assert.Empty(compiler);
    }

    [Fact]
    public void ABlockCountOf2147483647IsALimitErrorNotAnOutOfMemory()
    {
        var (generator, compiler, hints) = Build(("s.space.yaml", Space.Replace("blocks: 1", "blocks: 2147483647", StringComparison.Ordinal)));

        Assert.Equal("NASREC023", Assert.Single(generator).Id);
        Assert.Empty(hints);
        Assert.Empty(compiler);
    }

    [Theory]
    [InlineData("a.space.yaml", "S", "b.space.yaml", "SSpace", "NASREC024")]
    [InlineData("a.dataset.yaml", "Criteo", "b.dataset.yaml", "CriteoDataset", "NASREC024")]
    [InlineData("a.space.yaml", "NasRecSmall", "b.arch.yaml", "NasRecSmallSpace", "NASREC024")]
    [InlineData("a.arch.yaml", "Net", "b.arch.yaml", "NET", "NASREC017")]
    public void DocumentsWhoseGeneratedFilesWouldClashAreALocatedErrorNotAGeneratorCrash(string firstPath, string firstName, string secondPath, string secondName, string id)
    {
        string Document(string path, string name) =>
            path.EndsWith(".space.yaml", StringComparison.Ordinal) ? Space.Replace("name: Tiny", "name: " + name, StringComparison.Ordinal)
            : path.EndsWith(".dataset.yaml", StringComparison.Ordinal) ? Dataset.Replace("name: TinyData", "name: " + name, StringComparison.Ordinal)
            : Architecture.Replace("name: TinyNet", "name: " + name, StringComparison.Ordinal)
                .Replace("space: Tiny", "space: " + (firstPath.EndsWith(".space.yaml", StringComparison.Ordinal) ? firstName : "Tiny"), StringComparison.Ordinal);
        var files = new List<(string, string)> { (firstPath, Document(firstPath, firstName)), (secondPath, Document(secondPath, secondName)) };
        if (!files.Any(f => f.Item1.EndsWith(".space.yaml", StringComparison.Ordinal))) files.Add(("tiny.space.yaml", Space));
        if (!files.Any(f => f.Item1.EndsWith(".dataset.yaml", StringComparison.Ordinal))) files.Add(("tiny.dataset.yaml", Dataset));

        var (generator, compiler, hints) = Build(files.ToArray());

        var clash = Assert.Single(generator, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(id, clash.Id);
        Assert.Equal(secondPath, clash.Location.GetLineSpan().Path);
        Assert.Equal(hints.Count, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Empty(compiler);
    }

    public static TheoryData<string> HostileText => new()
    {
        "line\nbreak", "carriage\rreturn", "next\u0085line", "line\u2028separator", "paragraph\u2029separator",
        "<tag attr=\"x\">&amp;</tag>", "nul\0char", "unpaired\uD800surrogate", "*/ /* comment", "quote\"back\\slash", "tab\tand\u0007bell",
    };

    [Theory]
    [MemberData(nameof(HostileText))]
    public void FreeTextInDocCommentsAndStringLiteralsCompilesWithoutWarnings(string text)
    {
        var yaml = YamlDoubleQuoted(text);
        var space = Space.Replace("blocks: 1", "referenceKey: " + yaml + "\nblocks: 1", StringComparison.Ordinal);
        // The label and the features need distinct names (NASREC040): each carries the text after its own prefix.
        var dataset = Dataset.Replace("label: y", "label: " + YamlDoubleQuoted("y" + text), StringComparison.Ordinal)
            .Replace("features: [d]", "features: [" + YamlDoubleQuoted("d" + text) + "]", StringComparison.Ordinal)
            .Replace("{ name: s, tableSize: 10 }", "{ name: " + YamlDoubleQuoted("s" + text) + ", tableSize: 10 }", StringComparison.Ordinal);

        var (generator, compiler, hints) = Build(("s.space.yaml", space), ("d.dataset.yaml", dataset), ("a.arch.yaml", Architecture));

        Assert.Empty(generator);
        Assert.Equal(EveryFile, hints.Order(StringComparer.Ordinal));
        Assert.Empty(compiler);
    }

    [Theory]
    [InlineData("DenseFeature", false)]
    [InlineData("DenseFeature", true)]
    [InlineData("SparseFeature", false)]
    [InlineData("SparseFeature", true)]
    [InlineData("value__", true)]
    [InlineData("TableSizes", false)]
    [InlineData("TableSizes", true)]
    [InlineData("2nd", false)]
    [InlineData("2nd", true)]
    [InlineData("---", true)]
    public void FeatureNamesThatClashWithGeneratedNamesCompileWithoutWarnings(string feature, bool sparse)
    {
        // A name is used once per dataset (NASREC040): either a dense or a sparse feature carries it.
        var dataset = sparse
            ? Dataset.Replace("{ name: s, tableSize: 10 }", $"{{ name: \"{feature}\", tableSize: 10 }}", StringComparison.Ordinal)
            : Dataset.Replace("features: [d]", $"features: [\"{feature}\", d]", StringComparison.Ordinal);

        var (generator, compiler, hints) = Build(("s.space.yaml", Space), ("d.dataset.yaml", dataset), ("a.arch.yaml", Architecture));

        Assert.Empty(generator);
        Assert.Equal(EveryFile, hints.Order(StringComparer.Ordinal));
        Assert.Empty(compiler);
    }

    [Theory]
    [InlineData("Module")]
    [InlineData("Dispose")]
    [InlineData("TorchSharp")]
    [InlineData("NasRec")]
    [InlineData("System")]
    [InlineData("Tensor")]
    [InlineData("Models")]
    [InlineData("_")]
    [InlineData("名前")]
    [InlineData("É")]
    public void UnusualButValidArchitectureNamesCompileWithoutWarnings(string name)
    {
        var (generator, compiler, hints) = Build(("s.space.yaml", Space), ("d.dataset.yaml", Dataset),
            ("a.arch.yaml", Architecture.Replace("name: TinyNet", "name: " + name, StringComparison.Ordinal)));

        Assert.Empty(generator);
        Assert.Contains($"NasRec.Models.{name}.g.cs", hints);
        Assert.Empty(compiler);
    }

    /// <summary>The rule of NASREC018 and NASREC025 covers every member the generated architecture class declares.</summary>
    [Fact]
    public void EveryMemberOfAGeneratedArchitectureClassIsRefusedAsAnArchitectureName()
    {
        var seed = SeedCases.All[0];
        var (driver, output, _) = GeneratorHarness.Run(
            GeneratorHarness.CreateDriver(seed.Files.Select(f => (AdditionalText)new GeneratorHarness.InMemoryText(f.Path, f.Text))),
            GeneratorHarness.Compilation());
        var type = output.GetTypeByMetadataName("NasRec.Models.TinyNet")!;
        var members = type.GetMembers().Where(m => !m.IsImplicitlyDeclared && m.CanBeReferencedByName).Select(m => m.Name).Distinct().ToList();

        Assert.Contains("block0_dense_to_sparse", members);
        Assert.All(members, member =>
        {
            var files = seed.Files.Select(f => f.Path.EndsWith(".arch.yaml", StringComparison.Ordinal)
                ? (f.Path, f.Text.Replace("name: TinyNet", "name: " + member, StringComparison.Ordinal)) : f);
            var workspace = Workspace.Load(files);
            Assert.Contains(workspace.Diagnostics, d => d.Rule.Id is "NASREC018" or "NASREC025");
        });
    }

    /// <summary>YAML double-quoted text that reads back as <paramref name="text"/>.</summary>
    private static string YamlDoubleQuoted(string text) =>
        "\"" + string.Concat(text.Select(c => c switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            _ when c < ' ' || c is '\u0085' or '\u2028' or '\u2029' || char.IsSurrogate(c) => $"\\u{(int)c:X4}",
            _ => c.ToString(),
        })) + "\"";
}
