// Trains the compiled TinyNet (generated from tiny-net.arch.yaml) on a synthetic click log with a
// planted feature interaction, then builds a second architecture written in C# against the typed
// TinySpace records and runs it through the interpreted subnet and inside the space's typed supernet.
using CustomSpace;
using NasRec.Runtime.Subnets;
using TorchSharp;
using static TorchSharp.torch;

torch.manual_seed(2018);
var (dense, ids, labels) = SyntheticClicks(samples: 1024, seed: 7);

using (var model = new TinyNet())
{
    Console.WriteLine($"TinyNet: {TinyNet.Flops / 1e6:0.0000} MFLOPs per sample, {TinyNet.NonEmbeddingParameters:N0} parameters besides the embeddings");
    using var optimizer = optim.Adagrad(model.parameters(), lr: 0.05);
    float first = 0, last = 0;
    for (int step = 0; step < 100; step++)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = nn.functional.binary_cross_entropy_with_logits(model.call(dense, ids), labels);
        loss.backward();
        optimizer.step();
        last = loss.item<float>();
        if (step == 0) first = last;
    }
    Console.WriteLine($"training loss {first:0.0000} -> {last:0.0000}");
}

// The typed records only accept this space's operators, widths and token counts.
var mine = new TinySpace.Architecture(
    new TinySpace.Block(TinySpace.Dense.Fc(TinySpace.DenseWidth.W16, 0), TinySpace.Sparse.Transformer(TinySpace.SparseTokens.T8, 0), Fm: true),
    new TinySpace.Block(TinySpace.Dense.Sum(TinySpace.DenseWidth.W8, left: 1, right: 0), TinySpace.Sparse.Efc(TinySpace.SparseTokens.T4, 0, 1)),
    new TinySpace.Block(TinySpace.Dense.DotProduct(TinySpace.DenseWidth.W32, 1, 2), TinySpace.Sparse.Efc(TinySpace.SparseTokens.T4, 2), DenseToSparse: true));
var mineModel = mine.ToModel("Mine", ToyDataset.Definition.Name);
using (var interpreted = new Subnet(mineModel, TinySpace.Definition, ToyDataset.Definition))
using (var noGrad = no_grad())
{
    var logits = interpreted.call(dense, ids);
    Console.WriteLine($"interpreted {mineModel.Name}: {interpreted.Report.MegaFlops:0.0000} MFLOPs per sample, logits {string.Join("x", logits.shape)}");
}

// The same record runs inside the space's weight-sharing supernet: how a search candidate inherits its weights.
using (var supernet = new TinySpace.Supernet(ToyDataset.Definition))
using (var noGrad = no_grad())
{
    var logits = supernet.Forward(dense, ids, mine);
    Console.WriteLine($"{mineModel.Name} inside the supernet ({supernet.NonEmbeddingParameters:N0} parameters besides the embeddings): logits {string.Join("x", logits.shape)}");
}

// Clicks depend on whether advertiser and device share their parity, and on the first counter.
static (Tensor Dense, Tensor Ids, Tensor Labels) SyntheticClicks(int samples, int seed)
{
    var generator = new Generator();
    generator.manual_seed(seed);
    var dense = rand(new long[] { samples, ToyDataset.DenseFeatureCount }, generator: generator);
    var ids = cat(ToyDataset.TableSizes().Select(rows => randint(rows, new long[] { samples, 1 }, generator: generator)).ToArray(), 1);
    var parity = ids[.., (int)ToyDataset.SparseFeature.Advertiser].remainder(2).eq(ids[.., (int)ToyDataset.SparseFeature.Device].remainder(2));
    var labels = parity.logical_xor(dense[.., 0].gt(0.5)).to_type(float32).unsqueeze(1);
    return (dense, ids, labels);
}
