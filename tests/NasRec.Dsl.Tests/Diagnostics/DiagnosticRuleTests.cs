using NasRec.Dsl.Diagnostics;
using static NasRec.Dsl.Tests.Diagnostics.Snippets;

namespace NasRec.Dsl.Tests.Diagnostics;

/// <summary>
/// One test per rule of <see cref="DiagnosticCatalog"/> (NASREC900 aside, see ParserRobustnessTests):
/// a snippet with one mistake reports exactly that rule at the mistake's line and column.
/// Test names carry the id; <see cref="DiagnosticCatalogTests"/> checks that every id has one.
/// </summary>
public sealed partial class DiagnosticRuleTests
{
    [Fact]
    public void TheSnippetsThemselvesHaveNoDiagnostics()
    {
        Assert.Empty(WithArchitecture(Architecture).Diagnostics);
    }

    [Fact]
    public void YamlSyntaxErrorIsNASREC001AtTheSecondColon()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: Tiny: Net
            space: Tiny
            dataset: TinyData
            """);

        AssertOnly(workspace, "NASREC001", Severity.Error, ArchitectureFile, 2, 11);
    }

    [Fact]
    public void MisspelledKeyIsNASREC002AtTheKey()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            layernorm: false
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC002", Severity.Error, ArchitectureFile, 5, 1);
        Assert.Contains("'layernorm'", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DenseOperatorWithoutWidthIsNASREC003AtItsMapping()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, inputs: [1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC003", Severity.Error, ArchitectureFile, 8, 12);
        Assert.Equal("Missing required key 'width' in block 1's dense operator", diagnostic.Message);
    }

    [Fact]
    public void NonIntegerWidthIsNASREC004AtTheWidthValue()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: abc, inputs: [1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC004", Severity.Error, ArchitectureFile, 8, 29);
        Assert.Equal("'width' must be an integer; found 'abc'", diagnostic.Message);
    }

    [Fact]
    public void UnknownDocumentKindIsNASREC005AtTheKindValue()
    {
        var workspace = WithArchitecture("""
            kind: Architecure
            name: TinyNet
            space: Tiny
            dataset: TinyData
            """);

        AssertOnly(workspace, "NASREC005", Severity.Error, ArchitectureFile, 1, 7);
    }

    [Fact]
    public void UnknownDenseOperatorIsNASREC006AtTheOperator()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: mlp, width: 16, inputs: [1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC006", Severity.Error, ArchitectureFile, 8, 18);
        Assert.Equal("Unknown dense operator 'mlp'; allowed: fc, dot-product, sigmoid-gating, sum, zeros", diagnostic.Message);
    }

    [Fact]
    public void UnknownOperatorInASpaceIsNASREC006AtTheListItem()
    {
        var workspace = Load((SpaceFile, """
            kind: SearchSpace
            name: Tiny
            blocks: 3
            embeddingDim: 4
            denseOperators: [fc, dot-product, sigmoid-gating, zeros]
            sparseOperators: [efc, attention]
            denseWidths: [16, 32]
            sparseTokens: [16, 32]
            maxInputs: 2
            """));

        AssertOnly(workspace, "NASREC006", Severity.Error, SpaceFile, 6, 24);
    }

    [Fact]
    public void SumInASpaceWithoutSumIsNASREC007AtTheOperator()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: sum, width: 16, left: 0, right: 1 }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC007", Severity.Error, ArchitectureFile, 8, 18);
        Assert.Equal("The dense operator 'sum' is not in search space 'Tiny'; the space allows: fc, dot-product, sigmoid-gating, zeros",
            diagnostic.Message);
    }

    [Fact]
    public void WidthNotInTheSpaceIsNASREC008AtTheWidthValue()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 48, inputs: [1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC008", Severity.Error, ArchitectureFile, 8, 29);
        Assert.Equal("Dense width 48 is not a choice of search space 'Tiny'; allowed: 16, 32", diagnostic.Message);
    }

    [Fact]
    public void TokenCountNotInTheSpaceIsNASREC009AtTheTokensValue()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [1] }
                sparse: { op: efc, tokens: 64, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        AssertOnly(workspace, "NASREC009", Severity.Error, ArchitectureFile, 9, 32);
    }

    [Fact]
    public void Block2ReadingInput3IsNASREC010AtTheInput()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [3] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC010", Severity.Error, ArchitectureFile, 10, 42);
        Assert.StartsWith("Block 2 cannot read input 3; allowed: 0..2", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreInputsThanMaxInputsIsNASREC011AtTheInputList()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [0, 1, 2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC011", Severity.Error, ArchitectureFile, 11, 44);
        Assert.Equal("Block 2 reads 3 sparse inputs; search space 'Tiny' allows at most 2", diagnostic.Message);
    }

    [Fact]
    public void DuplicateInputIsNASREC012AtTheSecondOccurrence()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [1, 1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        AssertOnly(workspace, "NASREC012", Severity.Error, ArchitectureFile, 8, 45);
    }

    [Fact]
    public void GatingWithoutRightIsNASREC013AtTheDenseMapping()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: sigmoid-gating, width: 16, left: 1 }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC013", Severity.Error, ArchitectureFile, 8, 12);
        Assert.Equal("The sigmoid-gating operator reads 'left' and 'right'; add 'right' (a connection index 0..1)", diagnostic.Message);
    }

    [Fact]
    public void TwoBlocksInAThreeBlockSpaceIsNASREC014AtTheBlockList()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC014", Severity.Error, ArchitectureFile, 6, 3);
        Assert.Equal("The architecture has 2 blocks; search space 'Tiny' has 3", diagnostic.Message);
    }

    [Fact]
    public void UnknownSpaceIsNASREC015AtTheSpaceValue()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Huge
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC015", Severity.Error, ArchitectureFile, 3, 8);
        Assert.Equal("Unknown search space 'Huge'; known spaces: Tiny", diagnostic.Message);
    }

    [Fact]
    public void UnknownDatasetIsNASREC016AtTheDatasetValue()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: Criteo
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC016", Severity.Error, ArchitectureFile, 4, 10);
        Assert.Equal("Unknown dataset 'Criteo'; known datasets: TinyData", diagnostic.Message);
    }

    [Fact]
    public void SameNameInTwoFilesIsNASREC017AtTheLaterFilesName()
    {
        const string copy = "tiny2.space.yaml";
        var workspace = Load((SpaceFile, Space), (copy, Space));

        var diagnostic = AssertOnly(workspace, "NASREC017", Severity.Error, copy, 2, 7);
        Assert.Equal("The name 'Tiny' is already used by tiny.space.yaml; document names must be unique", diagnostic.Message);
    }

    [Theory]
    [InlineData("2fast")]
    [InlineData("class")]
    [InlineData("Tiny-Net")]
    public void NameThatIsNoCSharpIdentifierIsNASREC018AtTheName(string name)
    {
        var workspace = Load((SpaceFile, $"""
            kind: SearchSpace
            name: {name}
            blocks: 3
            embeddingDim: 4
            denseOperators: [fc]
            sparseOperators: [efc]
            denseWidths: [16]
            sparseTokens: [16]
            maxInputs: 2
            """));

        var diagnostic = AssertOnly(workspace, "NASREC018", Severity.Error, SpaceFile, 2, 7);
        Assert.StartsWith($"'{name}' is not a valid C# identifier", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TableSizeBelowTwoIsNASREC019AtTheTableSize()
    {
        var workspace = Load((DatasetFile, Dataset.Replace("{ name: s2, tableSize: 2 }", "{ name: s2, tableSize: 1 }", StringComparison.Ordinal)));

        var diagnostic = AssertOnly(workspace, "NASREC019", Severity.Error, DatasetFile, 14, 30);
        Assert.StartsWith("Feature 's2' has table size 1;", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DenseToSparseInASpaceWithoutItIsNASREC020AtTheSwitch()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [1] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
                denseToSparse: true
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC020", Severity.Error, ArchitectureFile, 10, 20);
        Assert.Equal("Search space 'Tiny' does not allow the 'denseToSparse' switch; remove it or set it to false", diagnostic.Message);
    }

    [Fact]
    public void EmptyInputListIsNASREC021AtTheList()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [] }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        AssertOnly(workspace, "NASREC021", Severity.Error, ArchitectureFile, 8, 41);
    }

    [Fact]
    public void SecondDocumentInAFileIsNASREC022AtItsStart()
    {
        var workspace = WithArchitecture(Snippets.Architecture + "\n" + """
            ---
            kind: Architecture
            name: Another
            """);

        var diagnostic = AssertOnly(workspace, "NASREC022", Severity.Error, ArchitectureFile, 13, 1);
        Assert.StartsWith("A NasRec file holds one document; this file holds 2", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockNothingReadsIsNASREC100WarningAtTheBlock()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC100", Severity.Warning, ArchitectureFile, 6, 5);
        Assert.StartsWith("Block 0 is dead", diagnostic.Message, StringComparison.Ordinal);
        Assert.NotNull(Assert.Single(workspace.Architectures));
    }

    [Fact]
    public void LeftOnAnFcBlockIsNASREC101WarningAtTheKey()
    {
        var workspace = WithArchitecture("""
            kind: Architecture
            name: TinyNet
            space: Tiny
            dataset: TinyData
            blocks:
              - dense: { op: fc, width: 16, inputs: [0] }
                sparse: { op: efc, tokens: 16, inputs: [0] }
              - dense: { op: fc, width: 16, inputs: [1], left: 0 }
                sparse: { op: efc, tokens: 16, inputs: [1] }
              - dense: { op: fc, width: 16, inputs: [2] }
                sparse: { op: efc, tokens: 16, inputs: [2] }
            """);

        var diagnostic = AssertOnly(workspace, "NASREC101", Severity.Warning, ArchitectureFile, 8, 46);
        Assert.Equal("'left' is ignored by the fc operator and is not kept", diagnostic.Message);
    }
}
