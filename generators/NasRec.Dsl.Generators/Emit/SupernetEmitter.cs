using NasRec.Dsl.Generators.Specs;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Generators.Emit;

/// <summary>
/// Emits <c>{Space}Space.Supernet</c> when the runtime is referenced: the runtime's weight-sharing
/// supernet bound to this space, whose forward also takes the space's typed architecture records.
/// One per space rather than per space and dataset: the dataset only sets input widths, which the
/// runtime derives from the schema it is given, and a class per pair would multiply with every dataset.
/// </summary>
internal static class SupernetEmitter
{
    private const string Supernets = "global::NasRec.Runtime.Supernets.";
    private const string Tensor = "global::TorchSharp.torch.Tensor";

    public static string Emit(SpaceSpec spec)
    {
        var space = spec.Space;
        var outer = "global::" + spec.Options.Namespace + "." + spec.TypeName;
        var w = new SourceWriter().Header(spec.Options.Relative(spec.File), spec.Options.Namespace);
        w.Open("public static partial class " + spec.TypeName);
        w.Line("/// <summary>");
        w.Line("/// The weight-sharing supernet of " + space.Name + " (spec §2): in each of its " + Literals.Int(space.Blocks) + " blocks " +
               string.Join(", ", space.DenseOperators.Select(o => o.Name())) + " at width " + Literals.Int(space.DenseWidths.Max()) + ", " +
               string.Join(", ", space.SparseOperators.Select(o => o.Name())) + " at " + Literals.Int(space.SparseTokens.Max()) + " tokens" +
               Interactions(space) + ", each reading the outputs of every earlier block.");
        w.Line("/// Its parameter names are the interpreted supernet's, so checkpoints interchange.");
        w.Line("/// </summary>");
        w.Line(Literals.GeneratedCode);
        w.Open("public sealed class Supernet : " + Supernets + "Supernet");
        w.Line("/// <param name=\"dataset\">The dataset whose dense features and sparse ids it reads, e.g. a generated <c>Definition</c> of a dataset class.</param>");
        w.Line("/// <param name=\"options\">Table cap, layer norm and compute mode; null: the defaults, with the space's layer norm (" +
               (space.LayerNorm ? "on" : "off") + ").</param>");
        w.Line("/// <param name=\"seed\">Seed of the path sampler that <c>forward(dense, sparseIds)</c> draws from: the space's " +
               YamlNames.Strategies.NameOf(space.Sampling.Strategy) + " strategy and warm-up.</param>");
        w.Line("public Supernet(global::NasRec.Dsl.Model.DatasetSchema dataset, " + Supernets + "SupernetOptions? options = null, int seed = 0)");
        w.Open("    : base(" + outer + ".Definition, dataset, options ?? new " + Supernets + "SupernetOptions(LayerNorm: " + Literals.Bool(space.LayerNorm) + "))");
        w.Line("Sampler = " + Supernets + "PathSampler.ForSpace(" + outer + ".Definition, seed);");
        w.Close().Line();
        w.Line("/// <summary>Logits [B, 1] of <paramref name=\"architecture\"/> run inside the supernet: the weight-inheritance path.</summary>");
        w.Line("public " + Tensor + " Forward(" + Tensor + " dense, " + Tensor + " sparseIds, " + outer + ".Architecture architecture) =>");
        w.Line("    Forward(dense, sparseIds, Choice(architecture));").Line();
        w.Line("/// <summary>The supernet path of <paramref name=\"architecture\"/>: its genes, and fixed valid values for those its operators do not read.</summary>");
        w.Line("public " + Supernets + "SubnetChoice Choice(" + outer + ".Architecture architecture) =>");
        w.Line("    " + Supernets + "SubnetChoice.Of(architecture.ToModel(nameof(" + outer + ".Architecture), Dataset.Name), " + outer + ".Definition);");
        w.Close();
        w.Close();
        return w.ToString();
    }

    private static string Interactions(SearchSpace space) =>
        space.DenseToSparse && space.Fm ? ", both mergers"
        : space.DenseToSparse ? ", the dense→sparse merger"
        : space.Fm ? ", the FM merger"
        : "";
}
