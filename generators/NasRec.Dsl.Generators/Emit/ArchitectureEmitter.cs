using System.Globalization;
using NasRec.Dsl.Analysis;
using NasRec.Dsl.Generators.Specs;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Generators.Emit;

/// <summary>
/// Emits a compiled subnet: a TorchSharp module with one field per live part (named as the
/// interpreted subnet names them, so weights interchange), exact widths, and a straight-line
/// forward. Parts whose result never reaches the head are left out.
/// </summary>
internal static class ArchitectureEmitter
{
    private const string Ops = "global::NasRec.Runtime.Operators.";
    private const string Tensor = "global::TorchSharp.torch.Tensor";

    public static string Emit(ArchitectureSpec spec)
    {
        var a = spec.Architecture;
        var report = spec.Report;
        var w = new SourceWriter().Header(spec.Options.Relative(spec.File), spec.Options.Namespace);
        w.Line("/// <summary>");
        w.Line("/// " + a.Name + ": an architecture of " + Literals.Xml(a.Space) + " for " + Literals.Xml(a.Dataset) + "; " +
               report.MegaFlops.ToString("0.0000", CultureInfo.InvariantCulture) + " MFLOPs per sample, " +
               report.LiveNonEmbeddingParameters.ToString("N0", CultureInfo.InvariantCulture) + " parameters besides the embeddings" +
               (report.DeadBlocks.Any() ? "; dead blocks " + string.Join(", ", report.DeadBlocks) + " are left out" : "") + ".");
        w.Line("/// Input: dense features [B, " + Literals.Int(report.RawDense) + "] and sparse ids [B, " + Literals.Int(report.RawTokens) + "]; output: logits [B, 1].");
        w.Line("/// </summary>");
        w.Line(Literals.GeneratedCode);
        if (spec.Options.HasRuntime)
        {
            w.Open("public sealed partial class " + a.Name + " : global::TorchSharp.torch.nn.Module<" + Tensor + ", " + Tensor + ", " + Tensor + ">");
        }
        else
        {
            w.Open("public static partial class " + a.Name);
        }
        WriteFacts(w, spec);
        if (spec.Options.HasRuntime)
        {
            var plans = report.Blocks.Select(b => BlockPlan.Create(b, report, pruned: true)).ToList();
            var parts = BuiltParts(spec, plans).ToList();
            WriteFields(w, parts);
            WriteConstructor(w, spec, parts);
            WriteForward(w, spec, plans);
        }
        w.Close();
        return w.ToString();
    }

    private static void WriteFacts(SourceWriter w, ArchitectureSpec spec)
    {
        var report = spec.Report;
        w.Line("/// <summary>The architecture as the DSL object model (for the interpreted subnet, the supernet, export).</summary>");
        w.Line("public static global::NasRec.Dsl.Model.Architecture Definition { get; } = " + Literals.Architecture(spec.Architecture) + ";").Line();
        w.Line("/// <summary>Multiply-adds per sample (the reference's FLOP count).</summary>");
        w.Line("public const long Flops = " + Literals.Int(report.Flops) + ";").Line();
        w.Line("/// <summary>Parameters besides the embedding tables (dead parts left out).</summary>");
        w.Line("public const long NonEmbeddingParameters = " + Literals.Int(report.LiveNonEmbeddingParameters) + ";").Line();
        w.Line("/// <summary>Embedding rows per sparse feature with full tables.</summary>");
        w.Line("public static global::System.Collections.Generic.IReadOnlyList<long> TableSizes { get; } = new long[] { " +
               string.Join(", ", spec.Dataset.TableSizes(null).Select(Literals.Int)) + " };").Line();
    }

    /// <summary>The submodules the plans build, in block order: (field name, type, constructor arguments).</summary>
    private static IEnumerable<(string Field, string Type, string Create)> BuiltParts(ArchitectureSpec spec, List<BlockPlan> plans)
    {
        var report = spec.Report;
        string ln = Literals.Bool(report.LayerNorm);
        string act = Literals.Enum(spec.Space.Activation);
        foreach (var plan in plans)
        {
            var b = plan.Shape;
            var block = b.Block;
            var operands = b.Operands(report.EmbeddingDim, report.LayerNorm);
            string prefix = "block" + Literals.Int(b.Index) + "_";
            if (plan.Dense) yield return Part(prefix + "dense", OperatorTraits.Of(block.Dense.Operator));
            if (plan.Sparse) yield return Part(prefix + "sparse", OperatorTraits.Of(block.Sparse.Operator));
            if (plan.Fm) yield return Part(prefix + "fm", OperatorTraits.Fm);
            if (plan.Merger) yield return Part(prefix + "dense_to_sparse", OperatorTraits.DenseToSparse);

            (string, string, string) Part(string field, OperatorTraits traits)
            {
                var module = traits.Module(operands);
                var arguments = module.Sizes.Select(Literals.Int).ToList();
                if (module.TakesLayerNorm) arguments.Add(ln);
                if (module.TakesActivation) arguments.Add(act);
                return (field, module.Type, string.Join(", ", arguments));
            }
        }
    }

    private static void WriteFields(SourceWriter w, List<(string Field, string Type, string Create)> parts)
    {
        w.Line("// Field names are the state_dict names, shared with the interpreted subnet.");
        w.Line("private readonly global::NasRec.Runtime.Subnets.SparseEmbedding embedding;");
        foreach (var (field, type, _) in parts) w.Line("private readonly " + Ops + type + " " + field + ";");
        w.Line("private readonly global::TorchSharp.Modules.Linear head;").Line();
    }

    private static void WriteConstructor(SourceWriter w, ArchitectureSpec spec, List<(string Field, string Type, string Create)> parts)
    {
        var name = spec.Architecture.Name;
        w.Line("/// <param name=\"tableCap\">Caps every embedding table (e.g. 500,000 rows during search); null keeps the full tables.</param>");
        w.Line("/// <param name=\"device\">Where the parameters live; null keeps them on the CPU.</param>");
        w.Open("public " + name + "(long? tableCap = null, global::TorchSharp.torch.Device? device = null) : base(nameof(" + name + "))");
        w.Line("embedding = new global::NasRec.Runtime.Subnets.SparseEmbedding(global::NasRec.Runtime.Subnets.SparseEmbedding.Capped(TableSizes, tableCap), " + Literals.Int(spec.Report.EmbeddingDim) + ");");
        foreach (var (field, type, create) in parts) w.Line(field + " = new " + Ops + type + "(" + create + ");");
        w.Line("head = global::TorchSharp.torch.nn.Linear(" + Literals.Int(spec.Report.HeadInput) + ", 1);");
        w.Line("RegisterComponents();");
        w.Line(Ops + "WeightInitialization.Apply(this);");
        w.Line("if (device is not null) global::TorchSharp.ModuleExtensionMethods.to(this, device);");
        w.Close().Line();
    }

    private static void WriteForward(SourceWriter w, ArchitectureSpec spec, List<BlockPlan> plans)
    {
        var report = spec.Report;
        w.Line("/// <summary>Logits [B, 1] for dense features [B, " + Literals.Int(report.RawDense) + "] and sparse ids [B, " + Literals.Int(report.RawTokens) + "].</summary>");
        w.Open("public override " + Tensor + " forward(" + Tensor + " dense, " + Tensor + " sparseIds)");
        w.Line("using var scope = global::TorchSharp.torch.NewDisposeScope();");
        w.Line("var dense0 = dense;");
        w.Line("var sparse0 = embedding.call(sparseIds);");
        foreach (var plan in plans) WriteBlock(w, plan);
        int last = report.Blocks.Count;
        w.Line("return head.call(global::TorchSharp.torch.cat(new[] { dense" + Literals.Int(last) + ", sparse" + Literals.Int(last) + ".flatten(1) }, 1)).MoveToOuterDisposeScope();");
        w.Close();
    }

    /// <summary>One block's straight-line code, following its plan.</summary>
    private static void WriteBlock(SourceWriter w, BlockPlan plan)
    {
        var block = plan.Shape.Block;
        string i = Literals.Int(plan.Shape.Index), next = Literals.Int(plan.Shape.Index + 1), prefix = "block" + i + "_";
        w.Line();
        if (plan.Skipped)
        {
            w.Line("// Block " + i + " is dead: nothing reaches the head from it.");
            return;
        }
        w.Line("// Block " + i + ": " + Describe(block) + ".");
        // A token join that both operators read is built once, as the reference's block builds its sparse input.
        var tokens = Concat("sparse", block.Sparse.Inputs);
        if (plan.Dense && block.Dense.ReadsSparseInputs && plan.Sparse && block.Sparse.ReadsInputs && block.Sparse.Inputs.Count > 1)
        {
            w.Line("var sparseIn" + i + " = " + tokens + ";");
            tokens = "sparseIn" + i;
        }
        if (plan.Dense) w.Line("var denseNode" + i + " = " + prefix + "dense.call(" + DenseArguments(block, tokens) + ");");
        if (plan.Sparse) w.Line("var sparseNode" + i + " = " + prefix + "sparse.call(" + (block.Sparse.ReadsInputs ? tokens : "sparse0") + ");");
        if (plan.PostFm)
        {
            w.Line("var dense" + next + " = " + (plan.Fm
                ? "global::NasRec.Runtime.Tensors.Scalars.Plus(denseNode" + i + ", " + prefix + "fm.call(sparseNode" + i + "))"
                : "denseNode" + i) + ";");
        }
        if (plan.SparseOut)
        {
            w.Line("var sparse" + next + " = " + (plan.Merger
                ? "global::TorchSharp.torch.cat(new[] { sparseNode" + i + ", " + prefix + "dense_to_sparse.call(" + (plan.MergerAfterFm ? "dense" + next : "denseNode" + i) + ") }, 1)"
                : "sparseNode" + i) + ";");
        }
    }

    /// <summary>What the dense operator reads, in its forward's parameter order; one that reads nothing takes the raw input for its batch size.</summary>
    private static string DenseArguments(Block block, string tokens)
    {
        var dense = block.Dense;
        var arguments = new List<string>();
        if (dense.ReadsInputs) arguments.Add(Concat("dense", dense.Inputs));
        if (dense.ReadsSparseInputs) arguments.Add(tokens);
        if (dense.ReadsLeftRight) arguments.Add("dense" + Literals.Int(dense.Left!.Value) + ", dense" + Literals.Int(dense.Right!.Value));
        return arguments.Count > 0 ? string.Join(", ", arguments) : "dense0";
    }

    /// <summary>One connection's variable, or the concatenation of several along the feature/token axis.</summary>
    private static string Concat(string kind, IReadOnlyList<int> inputs) =>
        inputs.Count == 1
            ? kind + Literals.Int(inputs[0])
            : "global::TorchSharp.torch.cat(new[] { " + string.Join(", ", inputs.Select(j => kind + Literals.Int(j))) + " }, 1)";

    private static string Describe(Block block)
    {
        var dense = block.Dense.Operator.Name() + " " + Literals.Int(block.Dense.Width) +
            (block.Dense.ReadsInputs ? " of [" + string.Join(", ", block.Dense.Inputs) + "]" : "") +
            (block.Dense.ReadsLeftRight ? " of left " + Literals.Int(block.Dense.Left!.Value) + ", right " + Literals.Int(block.Dense.Right!.Value) : "");
        var sparse = block.Sparse.Operator.Name() + " " + Literals.Int(block.Sparse.Tokens) + " tokens" +
            (block.Sparse.Inputs.Count > 0 ? " of [" + string.Join(", ", block.Sparse.Inputs) + "]" : "");
        var switches = (block.DenseToSparse ? ", dense→sparse" : "") + (block.Fm ? ", fm" : "");
        return dense + "; " + sparse + switches;
    }

}
