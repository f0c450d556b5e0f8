using System.Text.Json;
using System.Text.RegularExpressions;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;

namespace NasRec.Dsl.Tests.Schema;

/// <summary>spaces/schema/nasrec.schema.json, which editors use, agrees with what the parser accepts.</summary>
public sealed class JsonSchemaTests
{
    private static readonly string SchemaPath = Path.Combine(Repository.Spaces, "schema", "nasrec.schema.json");
    private static readonly JsonElement Definitions = JsonDocument.Parse(File.ReadAllText(SchemaPath)).RootElement.GetProperty("definitions");

    [Fact]
    public void EveryShippedFileNamesTheSchemaOnItsFirstLine()
    {
        foreach (var file in Repository.Shipped.Files.Select(f => f.File))
        {
            var first = File.ReadLines(file).First();
            var match = Regex.Match(first, @"^# yaml-language-server: \$schema=(\S+)$");
            Assert.True(match.Success, file + ": " + first);
            Assert.Equal(Path.GetFullPath(SchemaPath), Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, match.Groups[1].Value)));
        }
    }

    [Fact]
    public void SchemaEnumsAreTheParsersNames()
    {
        Assert.Equal(YamlNames.DenseOperators.Names, Enum("denseOperator"));
        Assert.Equal(YamlNames.SparseOperators.Names, Enum("sparseOperator"));
        Assert.Equal(YamlNames.Activations.Names, Enum("searchSpace", "activation"));
        Assert.Equal(YamlNames.Strategies.Names, Enum("searchSpace", "sampling", "strategy"));
        Assert.Equal(YamlNames.Connections.Names, Enum("searchSpace", "sampling", "connections"));
        Assert.Equal(YamlNames.Formats.Names, Enum("dataset", "source", "format"));
        Assert.Equal(YamlNames.DenseTransforms.Names, Enum("dataset", "dense", "transform"));
        Assert.Equal(YamlNames.Encodings.Names, Enum("dataset", "sparse", "encoding"));
    }

    public static TheoryData<string, string> Mappings => new()
    {
        // schema definition, a document whose mapping of that kind holds the unknown key 'zzz'
        { "searchSpace", "kind: SearchSpace\nzzz: 1\n" },
        { "architecture", "kind: Architecture\nzzz: 1\n" },
        { "dataset", "kind: Dataset\nzzz: 1\n" },
        { "block", "kind: Architecture\nblocks:\n  - zzz: 1\n" },
        { "denseChoice", "kind: Architecture\nblocks:\n  - dense: { op: fc, zzz: 1 }\n" },
        { "sparseChoice", "kind: Architecture\nblocks:\n  - sparse: { op: efc, zzz: 1 }\n" },
        { "sparseFeature", "kind: Dataset\nsparse:\n  features:\n    - { zzz: 1 }\n" },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public void SchemaPropertiesAreTheKeysTheParserAllows(string definition, string yaml)
    {
        var unknown = DocumentParser.Parse("probe.yaml", yaml).Diagnostics.Single(d => d.Rule.Id == "NASREC002" && d.Message.StartsWith("Unknown key 'zzz'"));
        var allowed = unknown.Message[(unknown.Message.IndexOf("allowed keys: ", StringComparison.Ordinal) + "allowed keys: ".Length)..].Split(", ");

        var properties = Definitions.GetProperty(definition).GetProperty("properties").EnumerateObject().Select(p => p.Name);

        Assert.Equal(properties.OrderBy(p => p, StringComparer.Ordinal), allowed.OrderBy(p => p, StringComparer.Ordinal));
    }

    [Fact]
    public void DenseFeatureMappingKeysAreTheKeysTheParserAllows()
    {
        var unknown = DocumentParser.Parse("probe.yaml", "kind: Dataset\ndense:\n  features: [{ zzz: 1 }]\n").Diagnostics
            .Single(d => d.Rule.Id == "NASREC002" && d.Message.StartsWith("Unknown key 'zzz'", StringComparison.Ordinal));
        var allowed = unknown.Message[(unknown.Message.IndexOf("allowed keys: ", StringComparison.Ordinal) + "allowed keys: ".Length)..].Split(", ");

        var mapping = Definitions.GetProperty("denseFeature").GetProperty("oneOf").EnumerateArray().Single(s => s.GetProperty("type").GetString() == "object");

        Assert.Equal(mapping.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), allowed.Order(StringComparer.Ordinal));
        Assert.Equal(YamlNames.DenseTransforms.Names, mapping.GetProperty("properties").GetProperty("transform").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!));
    }

    private static IEnumerable<string> Enum(string definition, params string[] path)
    {
        var node = Definitions.GetProperty(definition);
        foreach (var property in path) node = node.GetProperty("properties").GetProperty(property);
        return node.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!);
    }
}
