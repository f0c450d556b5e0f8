using System.Globalization;
using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;
using YamlDotNet.RepresentationModel;

namespace NasRec.Dsl.Parsing;

/// <summary>The state of reading one file: its source map entries and its diagnostics.</summary>
internal sealed class DocumentReader
{
    private static readonly HashSet<string> CSharpKeywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    private readonly List<SourceMap.Entry> entries = new();
    private readonly HashSet<string> recordedPaths = new(StringComparer.Ordinal);

    public DocumentReader(string file) => File = file;

    public string File { get; }

    public List<DslDiagnostic> Diagnostics { get; } = new();

    public SourceMap SourceMap => new(File, entries.ToEquatableArray());

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public SourceSpan Span(YamlNode node) => new(File,
        (int)node.Start.Line, (int)node.Start.Column, (int)node.End.Line, (int)node.End.Column,
        (int)node.Start.Index, (int)node.End.Index);

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

    public long? ReadLong(YamlNode value, string what, long minimum)
    {
        if (value is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar
            && long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            if (number >= minimum) return number;
            Report(DiagnosticCatalog.InvalidValue, value, what,
                string.Format(CultureInfo.InvariantCulture, "an integer of at least {0}", minimum), MappingReader.Describe(value));
            return null;
        }
        Report(DiagnosticCatalog.InvalidValue, value, what, "an integer", MappingReader.Describe(value));
        return null;
    }

    public int? ReadInt(YamlNode value, string what, int minimum)
    {
        var number = ReadLong(value, what, minimum);
        if (number is null) return null;
        if (number <= int.MaxValue) return (int)number;
        Report(DiagnosticCatalog.InvalidValue, value, what, "an integer below 2^31", MappingReader.Describe(value));
        return null;
    }

    /// <summary>Reads a document name and checks that it can name generated C# types.</summary>
    public string? Identifier(MappingReader mapping, string key)
    {
        var name = mapping.String(key);
        if (name is null) return null;
        bool valid = (char.IsLetter(name[0]) || name[0] == '_')
            && name.All(c => char.IsLetterOrDigit(c) || c == '_')
            && !CSharpKeywords.Contains(name);
        if (!valid) Report(DiagnosticCatalog.InvalidIdentifier, mapping.Value(key, required: false)!, name);
        return valid ? name : null;
    }
}
