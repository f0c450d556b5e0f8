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
            var parts = LiveParts(spec).ToList();
            WriteFields(w, parts);
            WriteConstructor(w, spec, parts);
            WriteForward(w, spec);
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

    /// <summary>The submodules, in block order: (field name, constructor expression).</summary>
    private static IEnumerable<(string Field, string Type, string Create)> LiveParts(ArchitectureSpec spec)
    {
        var report = spec.Report;
        int e = report.EmbeddingDim;
        string ln = Literals.Bool(report.LayerNorm);
        string act = Literals.Enum(spec.Space.Activation);
        foreach (var b in report.Blocks)
        {
            var block = b.Block;
            string prefix = "block" + Literals.Int(b.Index) + "_";
            if (report.IsLive(b.Index, BlockPartKind.Dense))
            {
                yield return block.Dense.Operator switch
                {
                    DenseOperator.Fc => (prefix + "dense", "FcOperator", Args(b.DenseInWidth, block.Dense.Width) + ", " + ln + ", " + act),
                    DenseOperator.DotProduct => (prefix + "dense", "DotProductOperator", Args(b.DenseInWidth, b.TokensIn, block.Dense.Width, e) + ", " + ln),
                    DenseOperator.Sum => (prefix + "dense", "SumOperator", Args(b.LeftWidth, b.RightWidth, block.Dense.Width) + ", " + ln),
                    DenseOperator.SigmoidGating => (prefix + "dense", "SigmoidGatingOperator", Args(b.LeftWidth, b.RightWidth, block.Dense.Width) + ", " + ln),
                    _ => (prefix + "dense", "DenseZeros", Args(block.Dense.Width)),
                };
            }
            if (report.IsLive(b.Index, BlockPartKind.Sparse))
            {
                yield return block.Sparse.Operator switch
                {
                    SparseOperator.Transformer => (prefix + "sparse", "TransformerOperator", Args(b.TokensIn, block.Sparse.Tokens, e) + ", " + ln),
                    SparseOperator.Efc => (prefix + "sparse", "EfcOperator", Args(b.TokensIn, block.Sparse.Tokens) + ", " + ln + ", " + act),
                    _ => (prefix + "sparse", "SparseZeros", Args(block.Sparse.Tokens, e)),
                };
            }
            if (report.IsLive(b.Index, BlockPartKind.Fm))
                yield return (prefix + "fm", "FactorizationMachine", Args(e, block.Dense.Width) + ", " + ln);
            if (report.IsLive(b.Index, BlockPartKind.DenseToSparse))
                yield return (prefix + "dense_to_sparse", "DenseToSparseMerger", Args(block.Dense.Width, e) + ", " + ln);
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

    private static void WriteForward(SourceWriter w, ArchitectureSpec spec)
    {
        var report = spec.Report;
        int e = report.EmbeddingDim;
        w.Line("/// <summary>Logits [B, 1] for dense features [B, " + Literals.Int(report.RawDense) + "] and sparse ids [B, " + Literals.Int(report.RawTokens) + "].</summary>");
        w.Open("public override " + Tensor + " forward(" + Tensor + " dense, " + Tensor + " sparseIds)");
        w.Line("using var scope = global::TorchSharp.torch.NewDisposeScope();");
        w.Line("var dense0 = dense;");
        w.Line("var sparse0 = embedding.call(sparseIds);");
        foreach (var b in report.Blocks)
        {
            WriteBlock(w, b, e, report);
        }
        int last = report.Blocks.Count;
        w.Line("return head.call(global::TorchSharp.torch.cat(new[] { dense" + Literals.Int(last) + ", sparse" + Literals.Int(last) + ".flatten(1) }, 1)).MoveToOuterDisposeScope();");
        w.Close();
    }

    private static void WriteBlock(SourceWriter w, BlockShape b, int e, ArchitectureReport report)
    {
        var block = b.Block;
        string i = Literals.Int(b.Index), next = Literals.Int(b.Index + 1), prefix = "block" + i + "_";
        w.Line();
        if (b.Dead)
        {
            w.Line("// Block " + i + " is dead: nothing reaches the head from it.");
            return;
        }
        w.Line("// Block " + i + ": " + Describe(block) + ".");
        bool denseNode = report.IsLive(b.Index, BlockPartKind.Dense);
        bool sparseNode = report.IsLive(b.Index, BlockPartKind.Sparse);
        bool fm = report.IsLive(b.Index, BlockPartKind.Fm);
        bool merger = report.IsLive(b.Index, BlockPartKind.DenseToSparse);
        // With d = 8·E the reference's merger tokens alias the dense output and see the FM added in place (spec §9.3).
        bool mergerAfterFm = block.Fm && block.Dense.Width == 8 * e;

        if (denseNode) w.Line("var denseNode" + i + " = " + prefix + "dense.call(" + DenseArguments(block) + ");");
        if (sparseNode) w.Line("var sparseNode" + i + " = " + prefix + "sparse.call(" + (block.Sparse.ReadsInputs ? Concat("sparse", block.Sparse.Inputs) : "sparse0") + ");");
        if (b.DenseLive || (merger && mergerAfterFm))
        {
            w.Line("var dense" + next + " = denseNode" + i + (fm ? " + " + prefix + "fm.call(sparseNode" + i + ")" : "") + ";");
        }
        if (b.SparseLive)
        {
            w.Line("var sparse" + next + " = " + (merger
                ? "global::TorchSharp.torch.cat(new[] { sparseNode" + i + ", " + prefix + "dense_to_sparse.call(" + (mergerAfterFm ? "dense" + next : "denseNode" + i) + ") }, 1)"
                : "sparseNode" + i) + ";");
        }
    }

    private static string DenseArguments(Block block) => block.Dense.Operator switch
    {
        DenseOperator.Fc => Concat("dense", block.Dense.Inputs),
        DenseOperator.DotProduct => Concat("dense", block.Dense.Inputs) + ", " + Concat("sparse", block.Sparse.Inputs),
        DenseOperator.Sum or DenseOperator.SigmoidGating => "dense" + Literals.Int(block.Dense.Left!.Value) + ", dense" + Literals.Int(block.Dense.Right!.Value),
        _ => "dense0",
    };

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

    private static string Args(params long[] values) => string.Join(", ", values.Select(Literals.Int));
}
