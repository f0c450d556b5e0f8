using NasRec.Runtime.Data;

namespace NasRec.Runtime.Training;

/// <summary>
/// Where a run's batches come from, so the loop runs on a prepared store or on batches held in memory alike.
/// Every read is from the start of its split; the same (epoch, skip) must give the same batches, which is what
/// makes a resumed run continue exactly.
/// </summary>
/// <param name="BatchesPerEpoch">Training batches in one epoch, a partial last one included.</param>
/// <param name="Train">The training batches of an epoch after the first <c>skip</c> ones.</param>
/// <param name="Validation">The validation split's batches; null when the run has none (reference recipe).</param>
/// <param name="Test">The test split's batches; null when the run is not tested (a supernet, which its own command evaluates).</param>
/// <param name="Fingerprint">What the rows are (a store's <see cref="Data.Store.StoreManifest.Fingerprint"/>): checkpoints
/// record it, and a run resumes only on the same rows. Null: not checked.</param>
public sealed record TrainingData(
    long BatchesPerEpoch,
    Func<int, long, IEnumerable<Batch>> Train,
    Func<IEnumerable<Batch>>? Validation,
    Func<IEnumerable<Batch>>? Test,
    string? Fingerprint = null);
