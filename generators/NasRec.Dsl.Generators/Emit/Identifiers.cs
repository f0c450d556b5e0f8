using System.Text;

namespace NasRec.Dsl.Generators.Emit;

/// <summary>Turns free-form names (dataset features) into unique PascalCase C# identifiers.</summary>
internal static class Identifiers
{
    public static IReadOnlyList<string> Unique(IEnumerable<string> names)
    {
        var used = new HashSet<string>(System.StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var name in names)
        {
            var candidate = Pascal(name);
            var unique = candidate;
            for (int n = 2; !used.Add(unique); n++) unique = candidate + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            result.Add(unique);
        }
        return result;
    }

    public static string Pascal(string name)
    {
        var builder = new StringBuilder();
        bool upper = true;
        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c)) { upper = true; continue; }
            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        if (builder.Length == 0 || char.IsDigit(builder[0])) builder.Insert(0, 'F');
        return builder.ToString();
    }
}
