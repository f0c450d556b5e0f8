using NasRec.Dsl.Model;
using NasRec.Runtime.Data;
using NasRec.Runtime.Supernets;
using static TorchSharp.torch;

namespace NasRec.Runtime.Search;

/// <summary>
/// Weight inheritance (spec §3.4, §6.3): a trained supernet opened once with the rows every candidate is fine-tuned
/// and scored on, shared read-only by the evaluators it creates (one per worker). Disposing it releases both.
/// </summary>
public sealed class SupernetEvaluation : ICandidateEvaluation
{
    private readonly Supernet supernet;
    private readonly FineTuneData data;
    private readonly FineTuneSettings settings;
    private readonly Device device;

    /// <summary>Takes ownership of <paramref name="supernet"/> and <paramref name="data"/>.</summary>
    public SupernetEvaluation(Supernet supernet, FineTuneData data, FineTuneSettings settings, Device device)
    {
        this.supernet = supernet;
        this.data = data;
        this.settings = settings;
        this.device = device;
    }

    public SearchSpace Space => supernet.Space;

    public DatasetSchema Dataset => supernet.Dataset;

    public string? DataFingerprint => data.Fingerprint;

    /// <summary>The supernet of a <c>nasrec supernet train</c> run (or checkpoint) on <paramref name="device"/>, with the first rows of <paramref name="store"/>.</summary>
    /// <exception cref="DataException">The store holds another dataset's features.</exception>
    public static SupernetEvaluation Open(string supernetRunOrCheckpoint, DataStore store, FineTuneSettings settings, Device device)
    {
        var supernet = SupernetCheckpoint.Load(supernetRunOrCheckpoint, device);
        try
        {
            var (schema, dataset) = (store.Schema, supernet.Dataset);
            if (schema.DenseFeatures.Count != dataset.DenseFeatures.Count || schema.SparseFeatures.Count != dataset.SparseFeatures.Count)
            {
                throw new DataException(
                    $"{store.Directory} holds dataset '{schema.Name}' ({schema.DenseFeatures.Count} dense, {schema.SparseFeatures.Count} sparse features); " +
                    $"the supernet reads '{dataset.Name}' ({dataset.DenseFeatures.Count} dense, {dataset.SparseFeatures.Count} sparse)");
            }
            return new SupernetEvaluation(supernet, FineTuneData.Load(store, supernet.Embedding.TableSizes, settings), settings, device);
        }
        catch
        {
            supernet.Dispose();
            throw;
        }
    }

    public ICandidateEvaluator CreateEvaluator() => new SupernetCandidateEvaluator(supernet, data, settings, device);

    public void Dispose()
    {
        data.Dispose();
        supernet.Dispose();
    }
}

/// <summary>
/// Scores a candidate by weight inheritance: its path runs frozen inside the shared supernet (the exact
/// <see cref="Supernet.HeadInput"/> forward, without autograd) and a copy of the supernet's head is fine-tuned on it
/// (<see cref="HeadFineTuning"/>). Nothing shared is written and no random number is drawn, so a choice always gets
/// the same score, whichever worker scores it and whatever runs beside it.
/// </summary>
public sealed class SupernetCandidateEvaluator(Supernet supernet, FineTuneData data, FineTuneSettings settings, Device device) : ICandidateEvaluator
{
    public CandidateScore Evaluate(SubnetChoice choice, CancellationToken cancel)
    {
        var metrics = HeadFineTuning.Run(supernet.Head, (dense, sparse) => supernet.HeadInput(dense, sparse, choice), data, settings, device, cancel);
        return new CandidateScore(metrics.Logloss, metrics.Auc, metrics.Accuracy);
    }

    /// <summary>Owns nothing: the supernet and the rows belong to the <see cref="SupernetEvaluation"/>.</summary>
    public void Dispose() { }
}
