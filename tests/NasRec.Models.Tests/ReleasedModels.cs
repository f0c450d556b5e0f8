using NasRec.Dsl.Model;
using static TorchSharp.torch;

namespace NasRec.Models.Tests;

/// <summary>The six generated NASRecNet classes with the object models they were generated from.</summary>
public sealed record ReleasedModel(
    string Name,
    Func<long?, nn.Module<Tensor, Tensor, Tensor>> CreateCompiled,
    Architecture Architecture,
    SearchSpace Space,
    DatasetSchema Dataset)
{
    public static IReadOnlyList<ReleasedModel> All { get; } = new ReleasedModel[]
    {
        new(nameof(CriteoNasRecNetSmall), cap => new CriteoNasRecNetSmall(cap), CriteoNasRecNetSmall.Definition, NasRecSmallSpace.Definition, CriteoDataset.Definition),
        new(nameof(CriteoNasRecNetFull), cap => new CriteoNasRecNetFull(cap), CriteoNasRecNetFull.Definition, NasRecFullSpace.Definition, CriteoDataset.Definition),
        new(nameof(AvazuNasRecNetSmall), cap => new AvazuNasRecNetSmall(cap), AvazuNasRecNetSmall.Definition, NasRecSmallSpace.Definition, AvazuDataset.Definition),
        new(nameof(AvazuNasRecNetFull), cap => new AvazuNasRecNetFull(cap), AvazuNasRecNetFull.Definition, NasRecFullSpace.Definition, AvazuDataset.Definition),
        new(nameof(KddNasRecNetSmall), cap => new KddNasRecNetSmall(cap), KddNasRecNetSmall.Definition, NasRecSmallSpace.Definition, KddDataset.Definition),
        new(nameof(KddNasRecNetFull), cap => new KddNasRecNetFull(cap), KddNasRecNetFull.Definition, NasRecFullSpace.Definition, KddDataset.Definition),
    };

    public static TheoryData<string> Names => new(All.Select(m => m.Name));

    public static ReleasedModel Named(string name) => All.Single(m => m.Name == name);

    /// <summary>A seeded batch of dense features and ids valid for tables capped at <paramref name="cap"/>.</summary>
    public (Tensor Dense, Tensor Ids) Batch(int size, long cap, int seed = 7)
    {
        var generator = new Generator();
        generator.manual_seed(seed);
        var dense = rand(new long[] { size, Dataset.DenseFeatures.Count }, generator: generator);
        var columns = Dataset.TableSizes(cap).Select(rows => randint(rows, new long[] { size, 1 }, generator: generator)).ToArray();
        return (dense, cat(columns, 1));
    }

    public override string ToString() => Name;
}
