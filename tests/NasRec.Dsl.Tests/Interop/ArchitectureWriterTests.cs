using System.Text.RegularExpressions;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Dsl.Writing;

namespace NasRec.Dsl.Tests.Interop;

public sealed partial class ArchitectureWriterTests
{
    [Theory]
    [MemberData(nameof(ReferenceJson.Released), MemberType = typeof(ReferenceJson))]
    public void ImportedReleasedModelsAreWrittenAsTheShippedFilesApartFromComments(string json, string space, string name)
    {
        var file = Repository.Shipped.Files.Single(f => f.Name == name).File;
        var architecture = ReferenceConfigConverterTests.Import(json, space, name, ReferenceConfigConverterTests.Shipped(name).Dataset, out _);

        var yaml = ArchitectureWriter.Write(architecture, "../schema/nasrec.schema.json");

        Assert.Equal(WithoutComments(File.ReadAllText(file)), WithoutComments(yaml));
    }

    [Fact]
    public void DeadBlocksGetTheShippedComment()
    {
        var yaml = ArchitectureWriter.Write(ReferenceConfigConverterTests.Shipped("CriteoNasRecNetSmall"), "s.json");

        Assert.Contains("fm: false\n  # block 5 is dead: nothing downstream reads this block\n  - dense: { op: fc, width: 16,", yaml);
    }

    [Fact]
    public void HeaderCommentsFollowTheSchemaLineAndANullLayerNormIsLeftOut()
    {
        var architecture = ReferenceConfigConverterTests.Shipped("KddNasRecNetSmall") with { LayerNorm = null };

        var yaml = ArchitectureWriter.Write(architecture, "../schema/nasrec.schema.json", ["first", "second"]);

        Assert.StartsWith("# yaml-language-server: $schema=../schema/nasrec.schema.json\n# first\n# second\nkind: Architecture\n", yaml);
        Assert.DoesNotContain("layerNorm", yaml);
        Assert.DoesNotContain("\r", yaml);
    }

    [Fact]
    public void ZerosOperatorsWriteNoInputsAndTheDocumentParsesBack()
    {
        var fc = new Block(new DenseChoice(DenseOperator.Fc, 16, EquatableArray.Create(0), null, null), new SparseChoice(SparseOperator.Efc, 16, EquatableArray.Create(0)), false, false);
        var zeros = new Block(new DenseChoice(DenseOperator.Zeros, 32, EquatableArray<int>.Empty, null, null), new SparseChoice(SparseOperator.Zeros, 16, EquatableArray<int>.Empty), true, true);
        var readsZeros = new Block(new DenseChoice(DenseOperator.DotProduct, 64, EquatableArray.Create(0, 1), null, null), new SparseChoice(SparseOperator.Zeros, 48, EquatableArray.Create(1)), false, false);
        var architecture = new Architecture("Zeros", "NasRecFullZeros", "Criteo", false, EquatableArray.Create(fc, zeros, readsZeros));

        var yaml = ArchitectureWriter.Write(architecture, "s.json");
        var parsed = DocumentParser.Parse("zeros.arch.yaml", yaml);

        Assert.Contains("  - dense: { op: zeros, width: 32 }\n    sparse: { op: zeros, tokens: 16 }\n", yaml);
        Assert.Contains("    sparse: { op: zeros, tokens: 48, inputs: [1] }\n", yaml);
        Assert.Empty(parsed.Diagnostics);
        Assert.Equal(architecture, parsed.Document);
    }

    /// <summary>The YAML without comment lines and trailing comments; the schema line stays.</summary>
    private static string WithoutComments(string yaml)
    {
        var lines = yaml.Replace("\r\n", "\n").Split('\n');
        return string.Join("\n", lines.Take(1).Concat(lines.Skip(1)
            .Where(line => !line.TrimStart().StartsWith('#'))
            .Select(line => TrailingComment().Replace(line, ""))));
    }

    [GeneratedRegex(@"\s+#.*$")]
    private static partial Regex TrailingComment();
}
