using System.Text.Json;
using System.Text.Json.Nodes;
using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Preparation;
using NasRec.Runtime.Operators;

namespace NasRec.Runtime.Subnets;

/// <summary>
/// A subnet's layout as JSON, beside its exported weights: what <c>python/nasrec_torch.py</c> needs to build the same
/// modules in PyTorch (under the same names) and wire them as <see cref="Subnet"/> does. Sizes are the runtime
/// modules' constructor arguments (<see cref="OperatorFactory"/>); <c>reads</c> lists a module's inputs in its
/// forward's order: <c>dense</c> (the block's joined dense inputs), <c>tokens</c> (its joined token inputs),
/// <c>left</c> and <c>right</c>; a module that reads nothing gets the raw input of its kind for its batch size.
/// </summary>
public static class SubnetDescription
{
    public const string Format = "nasrec-subnet";
    public const int Version = 1;

    /// <summary>Beside the weights: <c>best.pt</c> → <c>best.nasrec.json</c>.</summary>
    public const string Extension = ".nasrec.json";

    /// <summary>The description of the pruned subnet (the compiled class's modules) over tables of <paramref name="tableRows"/>.</summary>
    public static JsonObject Describe(Architecture architecture, SearchSpace space, DatasetSchema dataset, IReadOnlyList<long> tableRows)
    {
        var report = ArchitectureAnalyzer.Analyze(architecture, space, dataset);
        var layout = SubnetLayout.Of(report, pruned: true);
        return new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["name"] = architecture.Name,
            ["space"] = space.Name,
            ["dataset"] = dataset.Name,
            ["embeddingDim"] = report.EmbeddingDim,
            ["denseFeatures"] = report.RawDense,
            ["tableRows"] = new JsonArray(tableRows.Select(rows => (JsonNode)rows).ToArray()),
            ["layerNorm"] = report.LayerNorm,
            ["activation"] = YamlNames.Activations.NameOf(space.Activation),
            ["mergerTokens"] = OperatorTraits.MergerTokens,
            ["transformerHeads"] = OperatorTraits.TransformerHeads,
            ["layerNormEpsilon"] = LayerNorms.Epsilon,
            ["headInput"] = report.HeadInput,
            ["blocks"] = new JsonArray(layout.Blocks.Select(Block).ToArray()),
        };
    }

    /// <summary>
    /// Writes the description beside <paramref name="weightsPath"/> and returns its path. With <paramref name="rows"/> (the
    /// store the model trained on) it also describes how raw rows are read and encoded (<c>rawRows</c>), its vocabularies
    /// copied into a folder beside (<c>best.pt</c> → <c>best.vocabularies</c>).
    /// </summary>
    public static string WriteBeside(
        string weightsPath, Architecture architecture, SearchSpace space, DatasetSchema dataset, IReadOnlyList<long> tableRows, DataStore? rows = null)
    {
        var path = Path.ChangeExtension(weightsPath, Extension);
        var description = Describe(architecture, space, dataset, tableRows);
        if (rows is not null)
            description["rawRows"] = RawRowsDescription.Describe(rows, Path.GetDirectoryName(path)!, Path.ChangeExtension(weightsPath, ".vocabularies"));
        AtomicFile.WriteAllText(path, description.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    private static JsonNode Block(BlockLayout layout)
    {
        var plan = layout.Plan;
        var block = plan.Shape.Block;
        var dense = block.Dense;
        return new JsonObject
        {
            ["denseInputs"] = Indices(dense.ReadsInputs ? dense.Inputs : []),
            ["tokenInputs"] = Indices(block.ReadsSparseInputs ? block.Sparse.Inputs : []),
            ["left"] = dense.ReadsLeftRight ? dense.Left : null,
            ["right"] = dense.ReadsLeftRight ? dense.Right : null,
            ["dense"] = Module(layout.Dense, DenseReads(dense)),
            ["sparse"] = Module(layout.Sparse, block.Sparse.ReadsInputs ? ["tokens"] : []),
            ["fm"] = Module(layout.Fm, reads: null),
            ["merger"] = Module(layout.Merger, reads: null),
            ["denseOut"] = plan.DenseOut,
            ["sparseOut"] = plan.SparseOut,
            ["postFm"] = plan.PostFm,
            ["mergerAfterFm"] = plan.MergerAfterFm,
        };
    }

    private static string[] DenseReads(DenseChoice dense) =>
    [
        .. dense.ReadsInputs ? ["dense"] : Array.Empty<string>(),
        .. dense.ReadsSparseInputs ? ["tokens"] : Array.Empty<string>(),
        .. dense.ReadsLeftRight ? ["left", "right"] : Array.Empty<string>(),
    ];

    /// <summary>An operator's module with what it reads; the mergers' (<paramref name="reads"/> null) read the block's own outputs.</summary>
    private static JsonNode? Module(OperatorModule? module, string[]? reads)
    {
        if (module is null) return null;
        var node = new JsonObject
        {
            ["module"] = module.Type,
            ["sizes"] = new JsonArray(module.Sizes.Select(size => (JsonNode)size).ToArray()),
        };
        if (reads is not null) node["reads"] = new JsonArray(reads.Select(read => (JsonNode)read).ToArray());
        return node;
    }

    private static JsonArray Indices(IEnumerable<int> indices) => new(indices.Select(i => (JsonNode)i).ToArray());
}
