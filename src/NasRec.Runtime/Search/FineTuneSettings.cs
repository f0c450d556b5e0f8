namespace NasRec.Runtime.Search;

/// <summary>How a candidate's head is fine-tuned and scored (spec §3.4, §6.3; the defaults are the reference's for Criteo).</summary>
/// <param name="Steps">Head optimizer steps, one per training batch (also the schedule's T; warm-up T / 10).</param>
/// <param name="BatchSize">Training batch size (the reference's KDD scripts use 1024).</param>
/// <param name="LearningRate">Peak Adagrad rate of the cosine schedule.</param>
/// <param name="ClipNorm">Global gradient-norm bound, as every reference loop clips.</param>
/// <param name="ValidationRows">Rows of the validation prefix: 150 batches of 8,192 for Criteo (Avazu 125, KDD 175);
/// a smaller store gives all its validation rows.</param>
/// <param name="ForwardRows">Rows per frozen forward: the frozen part records no gradients, so it runs on several
/// training batches at once (fewer, larger calls), bounded to keep its activations in memory.</param>
public sealed record FineTuneSettings(
    int Steps = 500,
    int BatchSize = 512,
    double LearningRate = 0.04,
    double ClipNorm = 5.0,
    long ValidationRows = FineTuneSettings.CriteoValidationRows,
    int ForwardRows = 2048)
{
    /// <summary>The reference scores on whole batches of this size; with the round-robin shard order it decides which rows the prefix holds.</summary>
    public const int ValidationBatchSize = 8192;

    public const long CriteoValidationRows = 150L * ValidationBatchSize;
}
