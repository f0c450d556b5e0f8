using System.Runtime.CompilerServices;
using NasRec.Dsl.Diagnostics;

namespace NasRec.Dsl.Tests.Diagnostics;

/// <summary>
/// A minimal valid search space, dataset and architecture (no diagnostics at all), from which each
/// diagnostic test changes one value; and the assertion that exactly one diagnostic is reported.
/// </summary>
internal static class Snippets
{
    public const string SpaceFile = "tiny.space.yaml";
    public const string DatasetFile = "tiny.dataset.yaml";
    public const string ArchitectureFile = "tiny.arch.yaml";

    /// <summary>Three blocks; no <c>sum</c>, no <c>transformer</c>, no dense→sparse merger; at most two inputs.</summary>
    public const string Space = """
        kind: SearchSpace
        name: Tiny
        blocks: 3
        embeddingDim: 4
        denseOperators: [fc, dot-product, sigmoid-gating, zeros]
        sparseOperators: [efc, zeros]
        denseWidths: [16, 32]
        sparseTokens: [16, 32]
        maxInputs: 2
        interactions:
          denseToSparse: false
          fm: true
        """;

    public const string Dataset = """
        kind: Dataset
        name: TinyData
        source:
          format: csv
          header: true
        label: clicked
        dense:
          transform: log1p
          features: [d1, d2]
        sparse:
          encoding: hex-modulo
          features:
            - { name: s1, tableSize: 10 }
            - { name: s2, tableSize: 2 }
        """;

    /// <summary>
    /// A chain: block i reads connection i. Columns on the block lines: dense <c>{</c> 12, op 18,
    /// width 29, inputs <c>[</c> 41; sparse <c>{</c> 13, op 19, tokens 32, inputs <c>[</c> 44.
    /// </summary>
    public const string Architecture = """
        kind: Architecture
        name: TinyNet
        space: Tiny
        dataset: TinyData
        blocks:
          - dense: { op: fc, width: 16, inputs: [0] }
            sparse: { op: efc, tokens: 16, inputs: [0] }
          - dense: { op: fc, width: 16, inputs: [1] }
            sparse: { op: efc, tokens: 16, inputs: [1] }
          - dense: { op: fc, width: 16, inputs: [2] }
            sparse: { op: efc, tokens: 16, inputs: [2] }
        """;

    public static Workspace Load(params (string File, string Text)[] files) => Workspace.Load(files);

    /// <summary>The space, the dataset and the given architecture text.</summary>
    public static Workspace WithArchitecture(string architecture) =>
        Load((SpaceFile, Space), (DatasetFile, Dataset), (ArchitectureFile, architecture));

    /// <summary>
    /// Asserts that <paramref name="workspace"/> reports exactly one diagnostic: <paramref name="id"/>,
    /// with <paramref name="severity"/>, at <paramref name="file"/>(<paramref name="line"/>,<paramref name="column"/>).
    /// The calling test must name the id it asserts.
    /// </summary>
    public static DslDiagnostic AssertOnly(Workspace workspace, string id, Severity severity, string file, int line, int column,
        [CallerMemberName] string test = "")
    {
        Assert.Contains(id, test, StringComparison.Ordinal);
        var diagnostic = Assert.Single(workspace.Diagnostics);
        Assert.Equal(id, diagnostic.Rule.Id);
        Assert.Equal(severity, diagnostic.Rule.Severity);
        Assert.Equal(severity == Severity.Error, diagnostic.IsError);
        Assert.NotNull(diagnostic.Location);
        Assert.Equal((file, line, column), (diagnostic.Location.File, diagnostic.Location.StartLine, diagnostic.Location.StartColumn));
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Message));
        return diagnostic;
    }
}
