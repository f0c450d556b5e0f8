using NasRec.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests;

public sealed class TorchSharpSmokeTests
{
    [Fact]
    public void EmbeddingAndLinearModelHalvesItsLossInFiftyAdagradSteps()
    {
        using var scope = NewDisposeScope();
        manual_seed(2018);
        const int batch = 256, fields = 4, rows = 100, dim = 16;
        var ids = randint(rows, [batch, fields], dtype: int64);
        // Planted interaction: the label is 1 when the first two ids share their parity.
        var labels = ids[.., 0].remainder(Scalars.Two).eq(ids[.., 1].remainder(Scalars.Two)).to_type(float32).unsqueeze(1);

        using var embedding = nn.Embedding(rows, dim);
        using var linear = nn.Linear(fields * dim, 1);
        var parameters = embedding.parameters().Concat(linear.parameters()).ToArray();
        using var optimizer = optim.Adagrad(parameters, lr: 0.1);
        using var lossFunction = nn.BCEWithLogitsLoss();

        var losses = new List<float>();
        for (int step = 0; step < 50; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = linear.call(embedding.call(ids).flatten(1));
            var loss = lossFunction.call(logits, labels);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        Assert.True(losses[^1] <= losses[0] / 2, $"loss went from {losses[0]} to {losses[^1]}");
    }
}
