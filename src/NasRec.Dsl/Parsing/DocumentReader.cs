using System.Globalization;
using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;
using NasRec.Dsl.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NasRec.Dsl.Parsing;

/// <summary>The state of reading one file: its source map entries and its diagnostics.</summary>
internal sealed class DocumentReader
{
    private readonly List<SourceMap.Entry> entries = new();
    private readonly HashSet<string> recordedPaths = new(StringComparer.Ordinal);

    private readonly TextPositions positions;

    public DocumentReader(string file, string text)
    {
        File = file;
        positions = new TextPositions(text);
    }

    public string File { get; }

    public List<DslDiagnostic> Diagnostics { get; } = new();

    public SourceMap SourceMap => new(File, entries.ToEquatableArray());

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public SourceSpan Span(YamlNode node) => Span(node.Start, node.End);

    /// <summary>The span between two marks, kept inside the text.</summary>
    public SourceSpan Span(Mark start, Mark end) => positions.Clamp(new SourceSpan(File,
        (int)start.Line, (int)start.Column, (int)end.Line, (int)end.Column, (int)start.Index, (int)end.Index));

    public void Record(string path, YamlNode node)
    {
        if (recordedPaths.Add(path)) entries.Add(new SourceMap.Entry(path, Span(node)));
    }

    public void Report(DiagnosticRule rule, YamlNode node, params object[] args) =>
        Diagnostics.Add(DslDiagnostic.At(rule, Span(node), args));

    public MappingReader? Mapping(YamlNode node, string path, string key, string description)
    {
        Record(path, node);
        if (node is YamlMappingNode mapping) return new MappingReader(this, mapping, path, description);
        Report(DiagnosticCatalog.InvalidValue, node, key, "a mapping", MappingReader.Describe(node));
        return null;
    }

    public long? ReadLong(YamlNode value, string what, long minimum, long maximum)
    {
        if (value is YamlScalarNode { Style: ScalarStyle.Plain } scalar
            && long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            if (number < minimum)
            {
                Report(DiagnosticCatalog.InvalidValue, value, what,
                    string.Format(CultureInfo.InvariantCulture, "an integer of at least {0}", minimum), MappingReader.Describe(value));
                return null;
            }
            if (number <= maximum) return number;
            Report(DiagnosticCatalog.LimitExceeded, value, string.Format(CultureInfo.InvariantCulture, "'{0}' is {1}", what, number), maximum);
            return null;
        }
        Report(DiagnosticCatalog.InvalidValue, value, what, "an integer", MappingReader.Describe(value));
        return null;
    }

    public int? ReadInt(YamlNode value, string what, int minimum, int maximum) =>
        (int?)ReadLong(value, what, minimum, maximum);

    /// <summary>Reports a list longer than <paramref name="limit"/> items; true when it is within.</summary>
    public bool WithinLimit(YamlSequenceNode list, string key, int limit)
    {
        if (list.Children.Count <= limit) return true;
        Report(DiagnosticCatalog.LimitExceeded, list,
            string.Format(CultureInfo.InvariantCulture, "The list '{0}' holds {1} items", key, list.Children.Count), limit);
        return false;
    }

    /// <summary>Reads a document name and checks that it can name generated C# types.</summary>
    public string? Identifier(MappingReader mapping, string key)
    {
        var name = mapping.String(key);
        if (name is null) return null;
        var problem = GeneratedNames.IdentifierProblem(name);
        if (problem is null) return name;
        Report(DiagnosticCatalog.InvalidIdentifier, mapping.Value(key, required: false)!, name, problem);
        return null;
    }
}
