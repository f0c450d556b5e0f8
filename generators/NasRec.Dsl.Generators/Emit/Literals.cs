using System.Globalization;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Generators.Emit;

/// <summary>C# expressions that rebuild DSL model objects at run time (invariant culture throughout).</summary>
internal static class Literals
{
    public const string Model = "global::NasRec.Dsl.Model.";
    public static readonly string GeneratedCode =
        "[global::System.CodeDom.Compiler.GeneratedCode(\"NasRec.Dsl.Generators\", \"" + typeof(Literals).Assembly.GetName().Version!.ToString(3) + "\")]";

    /// <summary>User text placed in an XML doc comment.</summary>
    public static string Xml(string text) => System.Security.SecurityElement.Escape(text) ?? "";

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string String(string? value)
    {
        if (value is null) return "null";
        return "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t") + "\"";
    }

    public static string Enum<T>(T value) where T : struct, System.Enum => Model + typeof(T).Name + "." + value;

    public static string Array<T>(IEnumerable<T> items, System.Func<T, string> item) =>
        Model + "EquatableArray.Create<" + Model + typeof(T).Name + ">(" + string.Join(", ", items.Select(item)) + ")";

    public static string Ints(IEnumerable<int> items) =>
        Model + "EquatableArray.Create<int>(" + string.Join(", ", items.Select(i => Int(i))) + ")";

    public static string Space(SearchSpace s) =>
        "new " + Model + "SearchSpace(" + string.Join(", ",
            String(s.Name), String(s.ReferenceKey), Int(s.Blocks), Int(s.EmbeddingDim),
            Array(s.DenseOperators, Enum), Array(s.SparseOperators, Enum),
            Ints(s.DenseWidths), Ints(s.SparseTokens), Int(s.MaxInputs),
            Bool(s.DenseToSparse), Bool(s.Fm), Bool(s.LayerNorm), Enum(s.Activation),
            "new " + Model + "SamplingDefaults(" + Enum(s.Sampling.Strategy) + ", " + Enum(s.Sampling.Connections) + ", " + Int(s.Sampling.WarmupSteps) + ")") + ")";

    public static string Dataset(DatasetSchema d) =>
        "new " + Model + "DatasetSchema(" + string.Join(", ",
            String(d.Name),
            "new " + Model + "DataSource(" + Enum(d.Source.Format) + ", " + Bool(d.Source.Header) + ", " + Strings(d.Source.Columns) + ")",
            String(d.Label),
            Array(d.DenseFeatures, f => "new " + Model + "DenseFeature(" + String(f.Name) + ", " + Enum(f.Transform) + ", " + String(f.Column) + ")"),
            Array(d.SparseFeatures, f => "new " + Model + "SparseFeature(" + String(f.Name) + ", " + Int(f.TableSize) + ", " +
                Enum(f.Encoding) + ", " + String(f.Column) + ", " + Int(f.MinCount) + ")"),
            d.SearchTableCap is long cap ? Int(cap) : "null") + ")";

    private static string Strings(IEnumerable<string> items) =>
        Model + "EquatableArray.Create<string>(" + string.Join(", ", items.Select(String)) + ")";

    public static string Architecture(Architecture a) =>
        "new " + Model + "Architecture(" + string.Join(", ",
            String(a.Name), String(a.Space), String(a.Dataset),
            a.LayerNorm is bool ln ? Bool(ln) : "null",
            Array(a.Blocks, Block)) + ")";

    private static string Block(Block b) =>
        "new " + Model + "Block(" +
        "new " + Model + "DenseChoice(" + Enum(b.Dense.Operator) + ", " + Int(b.Dense.Width) + ", " + Ints(b.Dense.Inputs) + ", " +
        (b.Dense.Left is int l ? Int(l) : "null") + ", " + (b.Dense.Right is int r ? Int(r) : "null") + "), " +
        "new " + Model + "SparseChoice(" + Enum(b.Sparse.Operator) + ", " + Int(b.Sparse.Tokens) + ", " + Ints(b.Sparse.Inputs) + "), " +
        Bool(b.DenseToSparse) + ", " + Bool(b.Fm) + ")";
}
