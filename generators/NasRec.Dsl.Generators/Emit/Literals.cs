using System.Globalization;
using System.Text;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Generators.Emit;

/// <summary>C# expressions that rebuild DSL model objects at run time (invariant culture throughout).</summary>
internal static class Literals
{
    public const string Model = "global::NasRec.Dsl.Model.";
    public static readonly string GeneratedCode =
        "[global::System.CodeDom.Compiler.GeneratedCode(\"NasRec.Dsl.Generators\", \"" + typeof(Literals).Assembly.GetName().Version!.ToString(3) + "\")]";

    /// <summary>User text placed in an XML doc comment: markup escaped, and kept on one line of well-formed XML.</summary>
    public static string Xml(string text) => OneLine(text, escapeMarkup: true);

    /// <summary>User text (a file path) placed in a <c>//</c> comment: kept on one line.</summary>
    public static string Comment(string text) => OneLine(text, escapeMarkup: false);

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A string literal; control characters, line separators and unpaired surrogates as <c>\uXXXX</c> escapes.</summary>
    public static string String(string? value)
    {
        if (value is null) return "null";
        var literal = new StringBuilder(value.Length + 2).Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c is '"' or '\\') literal.Append('\\').Append(c);
            else if (IsPairAt(value, i)) literal.Append(c).Append(value[++i]);
            else if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029')
                literal.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            else literal.Append(c);
        }
        return literal.Append('"').ToString();
    }

    /// <summary>
    /// Text on one line of a comment: C#'s line breaks become spaces, and characters XML 1.0 forbids
    /// (controls, U+FFFE, U+FFFF, unpaired surrogates) become U+FFFD.
    /// </summary>
    private static string OneLine(string text, bool escapeMarkup)
    {
        var line = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (IsPairAt(text, i)) line.Append(c).Append(text[++i]);
            else if (c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029') line.Append(' ');
            else if ((c < ' ' && c != '\t') || c is '\uFFFE' or '\uFFFF' || char.IsSurrogate(c)) line.Append('\uFFFD');
            else if (escapeMarkup && c == '<') line.Append("&lt;");
            else if (escapeMarkup && c == '>') line.Append("&gt;");
            else if (escapeMarkup && c == '&') line.Append("&amp;");
            else line.Append(c);
        }
        return line.ToString();
    }

    private static bool IsPairAt(string text, int i) => i + 1 < text.Length && char.IsSurrogatePair(text[i], text[i + 1]);

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
