using NasRec.Dsl.Generators.Specs;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Generators.Emit;

/// <summary>Emits <c>{Dataset}Dataset</c>: feature names and counts, table sizes and the search-time cap.</summary>
internal static class DatasetEmitter
{
    public static string Emit(DatasetSpec spec)
    {
        var dataset = spec.Dataset;
        var w = new SourceWriter().Header(spec.Options.Relative(spec.File), spec.Options.Namespace);
        w.Line("/// <summary>Dataset " + dataset.Name + ": " + Literals.Int(dataset.DenseFeatures.Count) + " dense features (" +
               Distinct(dataset.DenseFeatures.Select(f => YamlNames.DenseTransforms.NameOf(f.Transform))) + "), " + Literals.Int(dataset.SparseFeatures.Count) +
               " sparse features (" + Distinct(dataset.SparseFeatures.Select(f => YamlNames.Encodings.NameOf(f.Encoding))) + "), label '" +
               Literals.Xml(dataset.Label) + "', read from " + YamlNames.Formats.NameOf(dataset.Source.Format) + ".</summary>");
        w.Line(Literals.GeneratedCode);
        w.Open("public static partial class " + spec.TypeName);
        w.Line("/// <summary>The schema as the DSL object model (for the data pipeline and the runtime).</summary>");
        w.Line("public static global::NasRec.Dsl.Model.DatasetSchema Definition { get; } = " + Literals.Dataset(dataset) + ";").Line();
        w.Line("public const int DenseFeatureCount = " + Literals.Int(dataset.DenseFeatures.Count) + ";");
        w.Line("public const int SparseFeatureCount = " + Literals.Int(dataset.SparseFeatures.Count) + ";");
        if (dataset.SearchTableCap is long cap)
        {
            w.Line("/// <summary>Embedding-table cap during supernet training and search (it also sets the hash modulus).</summary>");
            w.Line("public const long SearchTableCap = " + Literals.Int(cap) + ";");
        }
        w.Line();
        WriteFeatures(w, "DenseFeature", "Dense features, in input order.", dataset.DenseFeatures.Select(f => f.Name));
        WriteFeatures(w, "SparseFeature", "Sparse features, in input order (one embedding table each).", dataset.SparseFeatures.Select(f => f.Name));
        w.Line("/// <summary>Embedding rows per sparse feature, in feature order, capped at <paramref name=\"cap\"/> when given.</summary>");
        w.Line("public static long[] TableSizes(long? cap = null) =>");
        w.Line("    global::System.Linq.Enumerable.ToArray(global::System.Linq.Enumerable.Select(FullTableSizes, size => cap is long c && c < size ? c : size));").Line();
        w.Line("private static readonly long[] FullTableSizes = { " + string.Join(", ", dataset.SparseFeatures.Select(f => Literals.Int(f.TableSize))) + " };");
        w.Close();
        return w.ToString();
    }

    /// <summary>The distinct names in order of first use ("log1p", "hex-modulo, vocabulary"); "no transform" for no features.</summary>
    private static string Distinct(IEnumerable<string> names) => names.Distinct().DefaultIfEmpty("no transform").Aggregate((a, b) => a + ", " + b);

    private static void WriteFeatures(SourceWriter w, string name, string summary, IEnumerable<string> features)
    {
        var list = features.ToList();
        var members = Identifiers.Unique(list);
        w.Line("/// <summary>" + summary + "</summary>");
        w.Open("public enum " + name);
        for (int i = 0; i < list.Count; i++)
        {
            if (members[i] != list[i]) w.Line("/// <summary>" + Literals.Xml(list[i]) + "</summary>");
            w.Line(members[i] + " = " + Literals.Int(i) + ",");
        }
        w.Close().Line();
    }
}
