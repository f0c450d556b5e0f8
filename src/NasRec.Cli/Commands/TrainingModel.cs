using NasRec.Dsl.Model;
using NasRec.Models;
using NasRec.Runtime.Baselines;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Subnets;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Cli.Commands;

/// <summary>
/// Builds the model of an architecture for training or evaluation: the class compiled into NasRec.Models when the
/// architecture, its space and its dataset are the ones it was generated from, else the interpreted <see cref="Subnet"/>;
/// or the logistic-regression baseline.
/// </summary>
internal sealed record TrainingModel(nn.Module<Tensor, Tensor, Tensor> Module, string Kind, DatasetSchema Dataset, long? TableCap, IReadOnlyList<long> TableSizes)
{
    private static readonly (Architecture Definition, SearchSpace Space, DatasetSchema Dataset, Func<long?, nn.Module<Tensor, Tensor, Tensor>> Create)[] Compiled =
    {
        (CriteoNasRecNetSmall.Definition, NasRecSmallSpace.Definition, CriteoDataset.Definition, cap => new CriteoNasRecNetSmall(cap)),
        (CriteoNasRecNetFull.Definition, NasRecFullSpace.Definition, CriteoDataset.Definition, cap => new CriteoNasRecNetFull(cap)),
        (AvazuNasRecNetSmall.Definition, NasRecSmallSpace.Definition, AvazuDataset.Definition, cap => new AvazuNasRecNetSmall(cap)),
        (AvazuNasRecNetFull.Definition, NasRecFullSpace.Definition, AvazuDataset.Definition, cap => new AvazuNasRecNetFull(cap)),
        (KddNasRecNetSmall.Definition, NasRecSmallSpace.Definition, KddDataset.Definition, cap => new KddNasRecNetSmall(cap)),
        (KddNasRecNetFull.Definition, NasRecFullSpace.Definition, KddDataset.Definition, cap => new KddNasRecNetFull(cap)),
    };

    /// <summary>Builds the model on <paramref name="device"/>; its weights are initialised from the current torch seed.</summary>
    /// <exception cref="CommandException">The source is a supernet's.</exception>
    public static TrainingModel Build(ModelSource source, Device device)
    {
        if (source is LogisticSource logistic)
        {
            var schema = logistic.Resolve();
            var baseline = new LogisticRegression(schema, logistic.TableCap);
            baseline.to(device);
            return new TrainingModel(baseline, "logistic-regression baseline", schema, logistic.TableCap, schema.TableSizes(logistic.TableCap).ToList());
        }
        if (source is not SubnetSource subnet)
            throw new CommandException("the checkpoint holds a supernet, not a subnet (nasrec supernet train writes it; nasrec search reads it)");
        var (architecture, space, dataset) = subnet.Resolve();
        var compiled = Compiled.FirstOrDefault(c => c.Definition == architecture && c.Space == space && c.Dataset == dataset);
        var module = compiled.Create is not null
            ? compiled.Create(subnet.TableCap)
            : new Subnet(architecture, space, dataset, subnet.TableCap);
        module.to(device);
        var kind = compiled.Create is not null
            ? $"compiled class NasRec.Models.{architecture.Name}"
            : "interpreted subnet (the architecture is not one compiled into NasRec.Models)";
        return new TrainingModel(module, kind, dataset, subnet.TableCap, dataset.TableSizes(subnet.TableCap).ToList());
    }
}
