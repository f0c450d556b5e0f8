namespace NasRec.Dsl.Generators.Tests.Fuzzing;

/// <summary>A set of YAML files compiled together: what the generator sees in a project and `nasrec check` in a folder.</summary>
public sealed record FuzzCase(IReadOnlyList<(string Path, string Text)> Files)
{
    public override string ToString() =>
        string.Join("\n", Files.Select(f => $"--- {f.Path} ({f.Text.Length} chars)\n{(f.Text.Length > 4000 ? f.Text[..4000] + "\n[...]" : f.Text)}"));
}

/// <summary>The valid cases every mutation starts from: a small space using every operator and switch, and the shipped Criteo model.</summary>
internal static class SeedCases
{
    private const string Space = """
        kind: SearchSpace
        name: Tiny
        referenceKey: tiny
        blocks: 3
        embeddingDim: 8
        denseOperators: [fc, dot-product, sigmoid-gating, sum, zeros]
        sparseOperators: [transformer, efc, zeros]
        denseWidths: [16, 64]
        sparseTokens: [8, 16]
        maxInputs: 3
        interactions:
          denseToSparse: true
          fm: true
        layerNorm: true
        activation: silu
        sampling:
          strategy: any-path
          connections: uniform
          warmupSteps: 10
        """;

    private const string Dataset = """
        kind: Dataset
        name: TinyData
        source:
          format: csv
          header: true
        label: clicked
        dense:
          transform: log1p
          features: [d1, d2, d-3]
        sparse:
          encoding: hex-modulo
          searchTableCap: 5
          features:
            - { name: s1, tableSize: 10 }
            - { name: s 2, tableSize: 2 }
        """;

    private const string Architecture = """
        kind: Architecture
        name: TinyNet
        space: Tiny
        dataset: TinyData
        layerNorm: false
        blocks:
          - dense: { op: dot-product, width: 64, inputs: [0] }
            sparse: { op: transformer, tokens: 8, inputs: [0] }
            denseToSparse: true
            fm: true
          - dense: { op: sigmoid-gating, width: 16, left: 1, right: 0 }
            sparse: { op: efc, tokens: 16, inputs: [0, 1] }
            fm: true
          - dense: { op: sum, width: 16, left: 2, right: 1 }
            sparse: { op: zeros, tokens: 8 }
            denseToSparse: true
        """;

    public static IReadOnlyList<FuzzCase> All { get; } = new[]
    {
        new FuzzCase(new[] { ("tiny.space.yaml", Space), ("tiny.dataset.yaml", Dataset), ("tiny.arch.yaml", Architecture) }),
        new FuzzCase(new[] { "nasrec-full.space.yaml", "datasets/criteo.dataset.yaml", "criteo/nasrecnet-full.arch.yaml" }
            .Select(path => (path, File.ReadAllText(Path.Combine(GeneratorHarness.RepoRoot, "spaces", path)))).ToList()),
    };
}
