using System.Text.Json.Serialization;
using NasRec.Dsl;
using NasRec.Dsl.Model;
using NasRec.Runtime.Supernets;
using NasRec.Runtime.Training;

namespace NasRec.Runtime.Checkpoints;

/// <summary>What a checkpoint holds besides tensors: enough to rebuild the model and continue its run.</summary>
/// <param name="Model">The documents the weights belong to.</param>
/// <param name="Settings">The run's settings (a resumed run keeps them).</param>
/// <param name="Position">How far the run got.</param>
/// <param name="RngState">The CPU generator's state (base64), restored on resume.</param>
/// <param name="HasOptimizerState">Whether the optimizer's accumulators follow the weights.</param>
/// <param name="Sampler">A supernet run's path sampler, so that a resumed run draws the same paths; null for a subnet.</param>
/// <param name="Data">The fingerprint of the rows the run trains on (<see cref="TrainingData.Fingerprint"/>); null when unknown.</param>
public sealed record CheckpointHeader(
    ModelSource Model, TrainingSettings Settings, TrainingPosition Position, string RngState, bool HasOptimizerState = false,
    PathSamplerState? Sampler = null, string? Data = null);

/// <summary>
/// The model a run trains, as the YAML documents that rebuild it anywhere (the checkpoint header and settings.json
/// carry it): a subnet (<see cref="SubnetSource"/>), a supernet (<see cref="SupernetSource"/>) or the logistic-regression
/// baseline (<see cref="LogisticSource"/>). Serialized with a <c>kind</c> discriminator.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(SubnetSource), "subnet")]
[JsonDerivedType(typeof(SupernetSource), "supernet")]
[JsonDerivedType(typeof(LogisticSource), "logistic")]
public abstract record ModelSource
{
    /// <summary>Parses and validates <paramref name="documents"/> (file names and texts) as one workspace.</summary>
    /// <exception cref="InvalidDataException">They hold errors.</exception>
    protected static Workspace Load(string what, params (string File, string Text)[] documents)
    {
        var workspace = Workspace.Load(documents);
        if (workspace.HasErrors)
        {
            throw new InvalidDataException($"The checkpoint's model documents are not a valid {what}: " +
                string.Join("; ", workspace.Diagnostics.Where(d => d.IsError)));
        }
        return workspace;
    }
}

/// <summary>A subnet: its architecture, search space and dataset, and the embedding-table cap (null: full tables).</summary>
public sealed record SubnetSource(string ArchitectureYaml, string SpaceYaml, string DatasetYaml, long? TableCap) : ModelSource
{
    /// <summary>Parses and validates the three documents.</summary>
    /// <exception cref="InvalidDataException">They do not form a valid architecture.</exception>
    public (Architecture Architecture, SearchSpace Space, DatasetSchema Dataset) Resolve()
    {
        var workspace = Load("architecture",
            ("checkpoint.arch.yaml", ArchitectureYaml), ("checkpoint.space.yaml", SpaceYaml), ("checkpoint.dataset.yaml", DatasetYaml));
        var architecture = workspace.Architectures.SingleOrDefault();
        var space = architecture is null ? null : workspace.Catalog.Space(architecture.Space);
        var dataset = architecture is null ? null : workspace.Catalog.Dataset(architecture.Dataset);
        if (architecture is null || space is null || dataset is null)
            throw new InvalidDataException("The checkpoint's model documents do not hold an architecture with its search space and dataset.");
        return (architecture, space, dataset);
    }
}

/// <summary>A supernet: its search space and dataset, the module's options, and the path sampling its run trains with.</summary>
public sealed record SupernetSource(string SpaceYaml, string DatasetYaml, SupernetOptions Options, SamplingDefaults Sampling) : ModelSource
{
    /// <summary>Parses and validates the two documents.</summary>
    /// <exception cref="InvalidDataException">They are not one valid search space and one valid dataset.</exception>
    public (SearchSpace Space, DatasetSchema Dataset) Resolve()
    {
        var documents = Load("search space and dataset", ("checkpoint.space.yaml", SpaceYaml), ("checkpoint.dataset.yaml", DatasetYaml))
            .Files.Select(file => file.Document).ToList();
        var space = documents.OfType<SearchSpace>().SingleOrDefault();
        var dataset = documents.OfType<DatasetSchema>().SingleOrDefault();
        if (space is null || dataset is null)
            throw new InvalidDataException("The checkpoint's model documents do not hold a search space and a dataset.");
        return (space, dataset);
    }
}

/// <summary>The logistic-regression baseline (<see cref="Baselines.LogisticRegression"/>) over a dataset, its tables capped (null: full).</summary>
public sealed record LogisticSource(string DatasetYaml, long? TableCap) : ModelSource
{
    /// <summary>Parses and validates the dataset document.</summary>
    /// <exception cref="InvalidDataException">It is not one valid dataset.</exception>
    public DatasetSchema Resolve() =>
        Load("dataset", ("checkpoint.dataset.yaml", DatasetYaml)).Files.Select(file => file.Document).OfType<DatasetSchema>().SingleOrDefault()
        ?? throw new InvalidDataException("The checkpoint's model document is not a dataset.");
}
