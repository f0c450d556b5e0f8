using System.Text;
using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;
using static System.FormattableString;

namespace NasRec.Dsl.Writing;

/// <summary>
/// Writes an architecture as a <c>.arch.yaml</c> document in the style of the shipped files: one
/// flow mapping per operator holding only the genes it reads, both switches on every block, and a
/// comment above each dead block. Lines end in "\n" whatever the platform.
/// </summary>
public static class ArchitectureWriter
{
    /// <param name="schemaRelativePath">The JSON Schema's path relative to the written file, for the editor's language server.</param>
    /// <param name="headerComments">Lines written as comments between the schema line and the document (without the "# ").</param>
    public static string Write(Architecture architecture, string schemaRelativePath, IEnumerable<string>? headerComments = null)
    {
        var yaml = new StringBuilder();
        void Line(string line) => yaml.Append(line).Append('\n');

        Line("# yaml-language-server: $schema=" + schemaRelativePath);
        foreach (var comment in headerComments ?? Enumerable.Empty<string>()) Line("# " + comment);
        Line("kind: " + architecture.Kind);
        Line("name: " + architecture.Name);
        Line("space: " + architecture.Space);
        Line("dataset: " + architecture.Dataset);
        if (architecture.LayerNorm is bool layerNorm) Line("layerNorm: " + Bool(layerNorm));
        Line("blocks:");

        var (denseLive, sparseLive) = ArchitectureAnalyzer.Liveness(architecture.Blocks);
        for (int i = 0; i < architecture.Blocks.Count; i++)
        {
            var block = architecture.Blocks[i];
            if (!denseLive[i + 1] && !sparseLive[i + 1]) Line(Invariant($"  # block {i} is dead: nothing downstream reads this block"));
            Line("  - dense: " + Dense(block.Dense));
            Line("    sparse: " + Sparse(block));
            Line("    denseToSparse: " + Bool(block.DenseToSparse));
            Line("    fm: " + Bool(block.Fm));
        }
        return yaml.ToString();
    }

    private static string Dense(DenseChoice dense)
    {
        var genes = Invariant($"op: {dense.Operator.Name()}, width: {dense.Width}");
        if (dense.ReadsInputs) genes += ", inputs: " + List(dense.Inputs);
        if (dense.ReadsLeftRight) genes += Invariant($", left: {dense.Left}, right: {dense.Right}");
        return "{ " + genes + " }";
    }

    private static string Sparse(Block block)
    {
        var sparse = block.Sparse;
        var genes = Invariant($"op: {sparse.Operator.Name()}, tokens: {sparse.Tokens}");
        if (block.ReadsSparseInputs) genes += ", inputs: " + List(sparse.Inputs);
        return "{ " + genes + " }";
    }

    private static string List(IEnumerable<int> inputs) => "[" + string.Join(", ", inputs.Select(i => Invariant($"{i}"))) + "]";

    private static string Bool(bool value) => value ? "true" : "false";
}
