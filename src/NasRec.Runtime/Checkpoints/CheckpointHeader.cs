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

/// <summary>The model a run trains: its architecture document (YAML) and the embedding-table cap (null: full tables).</summary>
public sealed record ModelSource(string ArchitectureYaml, long? TableCap);
