using System.Globalization;
using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;
using YamlDotNet.RepresentationModel;

namespace NasRec.Dsl.Parsing;

/// <summary>
/// Reads one YAML mapping: typed values by key, each recorded in the source map under its node
/// path, with a located diagnostic for every missing, mistyped or unknown key.
/// </summary>
internal sealed class MappingReader
{
    private readonly DocumentReader document;
    private readonly YamlMappingNode node;
    private readonly List<string> queried = new();
    private readonly HashSet<string> queriedSet = new(StringComparer.Ordinal);

    public MappingReader(DocumentReader document, YamlMappingNode node, string path, string description)
    {
        this.document = document;
        this.node = node;
        Path = path;
        Description = description;
    }

    public string Path { get; }

    /// <summary>What the mapping is, for messages: "the search space", "block 2's dense operator".</summary>
    public string Description { get; }

    public YamlMappingNode Node => node;

    public string PathOf(string key) => Path.Length == 0 ? key : Path + "." + key;

    /// <summary>The value node of <paramref name="key"/>; reports a missing or empty required key.</summary>
    public YamlNode? Value(string key, bool required)
    {
        if (queriedSet.Add(key)) queried.Add(key);
        foreach (var pair in node.Children)
        {
            if (pair.Key is YamlScalarNode scalar && scalar.Value == key)
            {
                document.Record(PathOf(key), pair.Value);
                if (!IsNull(pair.Value)) return pair.Value;
                if (required) document.Report(DiagnosticCatalog.InvalidValue, pair.Value, key, "given a value", "none");
                return null;
            }
        }
        if (required) document.Report(DiagnosticCatalog.MissingKey, node, key, Description);
        return null;
    }

    /// <summary>Whether the key is written at all (a written null counts).</summary>
    public bool Has(string key) =>
        node.Children.Keys.Any(k => k is YamlScalarNode scalar && scalar.Value == key);

    /// <summary>The key node, to point a diagnostic at the key rather than its value.</summary>
    public YamlNode KeyNode(string key) =>
        node.Children.Keys.First(k => k is YamlScalarNode scalar && scalar.Value == key);

    public string? String(string key, bool required = true)
    {
        var value = Value(key, required);
        if (value is null) return null;
        if (value is YamlScalarNode scalar && scalar.Value is { Length: > 0 } text) return text;
        document.Report(DiagnosticCatalog.InvalidValue, value, key, "a text value", Describe(value));
        return null;
    }

    public long? Long(string key, bool required = true, long minimum = long.MinValue, long maximum = long.MaxValue)
    {
        var value = Value(key, required);
        return value is null ? null : document.ReadLong(value, key, minimum, maximum);
    }

    public int? Int(string key, bool required = true, int minimum = int.MinValue, int maximum = int.MaxValue)
    {
        var value = Value(key, required);
        return value is null ? null : document.ReadInt(value, key, minimum, maximum);
    }

    public bool? Bool(string key, bool required = true)
    {
        var value = Value(key, required);
        if (value is null) return null;
        if (value is YamlScalarNode { Value: "true" }) return true;
        if (value is YamlScalarNode { Value: "false" }) return false;
        document.Report(DiagnosticCatalog.InvalidValue, value, key, "true or false", Describe(value));
        return null;
    }

    /// <summary>An enumerated value by its YAML name; <paramref name="rule"/> reports unknown names.</summary>
    public T? Enum<T>(string key, NameTable<T> names, bool required = true, DiagnosticRule? rule = null, string? what = null)
        where T : struct, System.Enum
    {
        var value = Value(key, required);
        if (value is null) return null;
        if (value is YamlScalarNode scalar && scalar.Value is { } text && names.TryParse(text, out var parsed)) return parsed;
        var allowed = string.Join(", ", names.Names);
        if (rule is not null && value is YamlScalarNode unknown) document.Report(rule, value, what ?? key, unknown.Value ?? "", allowed);
        else document.Report(DiagnosticCatalog.InvalidValue, value, key, "one of " + allowed, Describe(value));
        return null;
    }

    /// <summary>The items of a sequence, each with its node path (<c>key[i]</c>); null when longer than <paramref name="maxItems"/>.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)>? Sequence(string key, bool required = true, int maxItems = DocumentLimits.MaxListItems)
    {
        var value = Value(key, required);
        if (value is null) return null;
        if (value is YamlSequenceNode sequence)
        {
            if (!document.WithinLimit(sequence, key, maxItems)) return null;
            var items = new List<(YamlNode, string)>();
            for (int i = 0; i < sequence.Children.Count; i++)
            {
                var path = string.Format(CultureInfo.InvariantCulture, "{0}[{1}]", PathOf(key), i);
                document.Record(path, sequence.Children[i]);
                items.Add((sequence.Children[i], path));
            }
            return items;
        }
        document.Report(DiagnosticCatalog.InvalidValue, value, key, "a list", Describe(value));
        return null;
    }

    public MappingReader? Mapping(string key, string description, bool required = true)
    {
        var value = Value(key, required);
        return value is null ? null : document.Mapping(value, PathOf(key), key, description);
    }

    /// <summary>Reports every key that no reader method asked for.</summary>
    public void RejectUnknownKeys()
    {
        foreach (var key in node.Children.Keys)
        {
            if (key is YamlScalarNode scalar && scalar.Value is { } name && queriedSet.Contains(name)) continue;
            document.Report(DiagnosticCatalog.UnknownKey, key, (key as YamlScalarNode)?.Value ?? Describe(key), Description,
                string.Join(", ", queried));
        }
    }

    internal static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar => "'" + scalar.Value + "'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an unsupported value",
    };

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode scalar && scalar.Style == YamlDotNet.Core.ScalarStyle.Plain
        && (scalar.Value is null || scalar.Value.Length == 0 || scalar.Value == "~" || scalar.Value == "null");
}
