using NasRec.Dsl.Generators.Specs;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Generators.Emit;

/// <summary>
/// Emits <c>{Space}Space</c>: enums for the space's operators, widths and token counts, and typed
/// architecture records whose factories only take genes the operator reads, so that an architecture
/// written in C# against this class is one the space allows (connection indices aside).
/// </summary>
internal static class SpaceEmitter
{
    public static string Emit(SpaceSpec spec)
    {
        var space = spec.Space;
        var type = spec.TypeName;
        var w = new SourceWriter().Header(spec.Options.Relative(spec.File), spec.Options.Namespace);
        w.Line("/// <summary>");
        w.Line("/// Search space " + space.Name + (space.ReferenceKey is null ? "" : " (reference key " + Literals.Xml(space.ReferenceKey) + ")") + ": " +
               Literals.Int(space.Blocks) + " blocks; dense " + string.Join(", ", space.DenseOperators.Select(o => o.Name())) +
               "; sparse " + string.Join(", ", space.SparseOperators.Select(o => o.Name())) + ".");
        w.Line("/// </summary>");
        w.Line(Literals.GeneratedCode);
        w.Open("public static partial class " + type);
        w.Line("/// <summary>The space as the DSL object model (for the runtime: supernet, sampling, validation).</summary>");
        w.Line("public static global::NasRec.Dsl.Model.SearchSpace Definition { get; } = " + Literals.Space(space) + ";").Line();
        w.Line("public const int Blocks = " + Literals.Int(space.Blocks) + ";");
        w.Line("public const int EmbeddingDim = " + Literals.Int(space.EmbeddingDim) + ";");
        w.Line("public const int MaxInputs = " + Literals.Int(space.MaxInputs) + ";").Line();

        WriteEnum(w, "DenseOperator", "The dense operators of the space; values are the reference's node indices.",
            space.DenseOperators.Select(op => (op.ToString(), (long)space.NodeIndex(op))));
        WriteEnum(w, "SparseOperator", "The sparse operators of the space; values are the reference's node indices.",
            space.SparseOperators.Select(op => (op.ToString(), (long)space.NodeIndex(op))));
        WriteEnum(w, "DenseWidth", "The dense output widths a block may choose.", space.DenseWidths.Select(v => ("W" + Literals.Int(v), (long)v)));
        WriteEnum(w, "SparseTokens", "The sparse token counts a block may choose.", space.SparseTokens.Select(v => ("T" + Literals.Int(v), (long)v)));

        WriteDense(w, space);
        WriteSparse(w, space);
        WriteBlock(w, space);
        WriteArchitecture(w, space);
        w.Close();
        return w.ToString();
    }

    private static void WriteEnum(SourceWriter w, string name, string summary, IEnumerable<(string Member, long Value)> members)
    {
        w.Line("/// <summary>" + summary + "</summary>");
        w.Open("public enum " + name);
        foreach (var (member, value) in members) w.Line(member + " = " + Literals.Int(value) + ",");
        w.Close().Line();
    }

    private static void WriteDense(SourceWriter w, SearchSpace space)
    {
        w.Line("/// <summary>A block's dense choice; create it with the factory of its operator.</summary>");
        w.Open("public sealed record Dense(DenseOperator Operator, DenseWidth Width, global::NasRec.Dsl.Model.EquatableArray<int> Inputs, int? Left, int? Right)");
        foreach (var op in space.DenseOperators)
        {
            var name = op.ToString();
            switch (op)
            {
                case DenseOperator.Fc:
                case DenseOperator.DotProduct:
                    w.Line("/// <summary>" + op.Name() + " reading the given connections (0 = raw input, k = block k-1).</summary>");
                    w.Line("public static Dense " + name + "(DenseWidth width, params int[] inputs) => new(DenseOperator." + name + ", width, Set(inputs), null, null);");
                    break;
                case DenseOperator.Sum:
                case DenseOperator.SigmoidGating:
                    w.Line("/// <summary>" + op.Name() + " of the left and right connections (0 = raw input, k = block k-1).</summary>");
                    w.Line("public static Dense " + name + "(DenseWidth width, int left, int right) => new(DenseOperator." + name + ", width, global::NasRec.Dsl.Model.EquatableArray<int>.Empty, left, right);");
                    break;
                default:
                    w.Line("/// <summary>" + op.Name() + ": a zero output of the given width.</summary>");
                    w.Line("public static Dense " + name + "(DenseWidth width) => new(DenseOperator." + name + ", width, global::NasRec.Dsl.Model.EquatableArray<int>.Empty, null, null);");
                    break;
            }
        }
        WriteToModel(w, "DenseChoice", space.DenseOperators, "(int)Width, Inputs, Left, Right");
    }

    private static void WriteSparse(SourceWriter w, SearchSpace space)
    {
        w.Line("/// <summary>A block's sparse choice; its inputs are also what a dot-product dense operator reads.</summary>");
        w.Open("public sealed record Sparse(SparseOperator Operator, SparseTokens Tokens, global::NasRec.Dsl.Model.EquatableArray<int> Inputs)");
        foreach (var op in space.SparseOperators)
        {
            var name = op.ToString();
            w.Line("/// <summary>" + op.Name() + " producing the given token count from the given connections.</summary>");
            w.Line("public static Sparse " + name + "(SparseTokens tokens, params int[] inputs) => new(SparseOperator." + name + ", tokens, Set(inputs));");
        }
        WriteToModel(w, "SparseChoice", space.SparseOperators, "(int)Tokens, Inputs");
    }

    /// <summary>The conversion of a typed choice to the object model: this space's operator enum to the DSL's.</summary>
    private static void WriteToModel<T>(SourceWriter w, string modelType, IEnumerable<T> operators, string otherArguments)
        where T : struct, System.Enum
    {
        w.Line();
        w.Line("internal global::NasRec.Dsl.Model." + modelType + " ToModel() => new(Operator switch");
        w.Line("{");
        foreach (var op in operators) w.Line("    " + typeof(T).Name + "." + op + " => " + Literals.Enum(op) + ",");
        w.Line("    _ => throw new global::System.ArgumentOutOfRangeException(nameof(Operator)),");
        w.Line("}, " + otherArguments + ");");
        w.Close().Line();
    }

    private static void WriteBlock(SourceWriter w, SearchSpace space)
    {
        var switches = new List<string>();
        if (space.DenseToSparse) switches.Add("bool DenseToSparse = false");
        if (space.Fm) switches.Add("bool Fm = false");
        w.Line("/// <summary>One block: a dense and a sparse choice" + (switches.Count > 0 ? ", and the interaction switches the space allows" : "") + ".</summary>");
        w.Open("public sealed record Block(" + string.Join(", ", new[] { "Dense Dense", "Sparse Sparse" }.Concat(switches)) + ")");
        w.Line("internal global::NasRec.Dsl.Model.Block ToModel() => new(Dense.ToModel(), Sparse.ToModel(), " +
               (space.DenseToSparse ? "DenseToSparse" : "false") + ", " + (space.Fm ? "Fm" : "false") + ");");
        w.Close().Line();
    }

    private static void WriteArchitecture(SourceWriter w, SearchSpace space)
    {
        var blocks = Enumerable.Range(0, space.Blocks).Select(i => "Block" + Literals.Int(i)).ToList();
        w.Line("/// <summary>An architecture of this space: exactly " + Literals.Int(space.Blocks) + " blocks.</summary>");
        w.Open("public sealed record Architecture(" + string.Join(", ", blocks.Select(b => "Block " + b)) + ")");
        w.Line("public global::System.Collections.Generic.IReadOnlyList<Block> Blocks => new[] { " + string.Join(", ", blocks) + " };").Line();
        w.Line("/// <summary>The DSL object model of this architecture (what the runtime builds and the CLI inspects).</summary>");
        w.Line("public global::NasRec.Dsl.Model.Architecture ToModel(string name, string dataset, bool? layerNorm = null) =>");
        w.Line("    new(name, Definition.Name, dataset, layerNorm, global::NasRec.Dsl.Model.EquatableArray.ToEquatableArray(global::System.Linq.Enumerable.Select(Blocks, block => block.ToModel())));");
        w.Close().Line();
        w.Line("private static global::NasRec.Dsl.Model.EquatableArray<int> Set(int[] inputs) =>");
        w.Line("    global::NasRec.Dsl.Model.EquatableArray.ToEquatableArray(global::System.Linq.Enumerable.OrderBy(global::System.Linq.Enumerable.Distinct(inputs), input => input));");
    }
}
