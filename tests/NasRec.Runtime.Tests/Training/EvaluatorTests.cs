using NasRec.Runtime.Data;
using NasRec.Runtime.Training;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Training;

public sealed class EvaluatorTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("nasrec-evaluator-");

    public void Dispose() => folder.Delete(recursive: true);

    /// <summary>A "model" whose logit is the first dense feature.</summary>
    private static Tensor FirstFeature(Tensor dense, Tensor ids) => dense[.., ..1].clone();

    private static Batch Rows(float[] firstFeature, float[] labels) =>
        new(tensor(firstFeature).unsqueeze(1), zeros(new long[] { firstFeature.Length, 1 }, int64), tensor(labels));

    [Fact]
    public void ScoresKeepTheRowsOrderAndWriteEachRowsLabelAndProbability()
    {
        using var scope = NewDisposeScope();
        var scores = Evaluator.Score(FirstFeature, [Rows([0f, 2f], [0f, 1f]), Rows([-1f], [1f])], CPU);

        Assert.Equal(new[] { 0f, 2f, -1f }, scores.Logits.ToArray());
        Assert.Equal(new[] { 0f, 1f, 1f }, scores.Labels.ToArray());
        var path = Path.Combine(folder.FullName, "p.csv");
        scores.WriteCsv(path);
        Assert.Equal(new[] { "label,probability", "0,0.5", "1,0.880797", "1,0.26894143" }, File.ReadAllLines(path));
        Assert.Equal(scores.Metrics(), Evaluator.Evaluate(FirstFeature, [Rows([0f, 2f], [0f, 1f]), Rows([-1f], [1f])], CPU));
    }

    [Fact]
    public void RowsOfOneClassAreADataErrorAndStillScore()
    {
        using var scope = NewDisposeScope();
        var scores = Evaluator.Score(FirstFeature, [Rows([0.5f, -0.5f], [0f, 0f])], CPU);

        var error = Assert.Throws<DataException>(scores.Metrics);
        Assert.Equal("The 2 rows evaluated are all labelled 0: AUC and normalized entropy need both classes.", error.Message);
        Assert.Equal(2, scores.Count);
    }
}
