namespace NasRec.Runtime.Training;

/// <summary>The reference's final-training hyper-parameters per dataset and space (spec §5.2).</summary>
public static class RecipeDefaults
{
    /// <summary>Batch 256 (KDD 512); Adagrad rate 0.10 for NASRec-Small and 0.16 for NASRec-Full (Avazu 0.20).
    /// Datasets the reference did not train take Criteo's values.</summary>
    public static (int BatchSize, double LearningRate) For(string dataset, string space)
    {
        bool small = space.Equals("NasRecSmall", StringComparison.OrdinalIgnoreCase);
        if (dataset.StartsWith("Kdd", StringComparison.OrdinalIgnoreCase)) return (512, small ? 0.10 : 0.16);
        if (dataset.StartsWith("Avazu", StringComparison.OrdinalIgnoreCase)) return (256, small ? 0.10 : 0.20);
        return (256, small ? 0.10 : 0.16);
    }

    /// <summary>Supernet training (spec §5.2): batch 512 (KDD 1024), Adagrad rate 0.12.</summary>
    public static (int BatchSize, double LearningRate) ForSupernet(string dataset) =>
        (dataset.StartsWith("Kdd", StringComparison.OrdinalIgnoreCase) ? 1024 : 512, 0.12);

    /// <summary>The reference retrains its search's best 15 architectures from scratch and keeps the best on val (spec §7.4 step 5).</summary>
    public const int RerankTop = 15;

    /// <summary>The reference evaluates with batches of 16,368; ours are smaller to bound memory, which changes nothing.</summary>
    public const int EvaluationBatchSize = 4096;
}
