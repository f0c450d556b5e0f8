using NasRec.Dsl;
using NasRec.Dsl.Model;
using NasRec.Runtime.Training;

namespace NasRec.Runtime.Checkpoints;

/// <summary>What a checkpoint holds besides tensors: enough to rebuild the model and continue its run.</summary>
/// <param name="Model">The architecture and table sizes the weights belong to.</param>
/// <param name="Settings">The run's settings (a resumed run keeps them).</param>
/// <param name="Position">How far the run got.</param>
/// <param name="RngState">The CPU generator's state (base64), restored on resume.</param>
/// <param name="HasOptimizerState">Whether the optimizer's accumulators follow the weights.</param>
public sealed record CheckpointHeader(
    ModelSource Model, TrainingSettings Settings, TrainingPosition Position, string RngState, bool HasOptimizerState = false);

/// <summary>
/// The model a run trains: the YAML documents of its architecture, search space and dataset (so a checkpoint
/// rebuilds its model anywhere) and the embedding-table cap (null: full tables).
/// </summary>
public sealed record ModelSource(string ArchitectureYaml, string SpaceYaml, string DatasetYaml, long? TableCap)
{
    /// <summary>Parses and validates the three documents.</summary>
    /// <exception cref="InvalidDataException">They do not form a valid architecture.</exception>
    public (Architecture Architecture, SearchSpace Space, DatasetSchema Dataset) Resolve()
    {
        var workspace = Workspace.Load(new[]
        {
            ("checkpoint.arch.yaml", ArchitectureYaml), ("checkpoint.space.yaml", SpaceYaml), ("checkpoint.dataset.yaml", DatasetYaml),
        });
        var architecture = workspace.Architectures.SingleOrDefault();
        var space = architecture is null ? null : workspace.Catalog.Space(architecture.Space);
        var dataset = architecture is null ? null : workspace.Catalog.Dataset(architecture.Dataset);
        if (workspace.HasErrors || architecture is null || space is null || dataset is null)
        {
            throw new InvalidDataException("The checkpoint's model documents are not a valid architecture: " +
                string.Join("; ", workspace.Diagnostics.Where(d => d.IsError)));
        }
        return (architecture, space, dataset);
    }
}
