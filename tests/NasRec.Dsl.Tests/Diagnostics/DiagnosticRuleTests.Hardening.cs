using NasRec.Dsl.Diagnostics;
using static NasRec.Dsl.Tests.Diagnostics.Snippets;

namespace NasRec.Dsl.Tests.Diagnostics;

/// <summary>The rules that keep hostile documents from crashing the tools or the generated code.</summary>
public sealed partial class DiagnosticRuleTests
{
    [Fact]
    public void WidthBeyondItsLimitIsNASREC023AtTheWidthWithTheLimit()
    {
        var workspace = WithArchitecture(Snippets.Architecture.Replace("{ op: fc, width: 16, inputs: [1] }", "{ op: fc, width: 2147483647, inputs: [1] }", StringComparison.Ordinal));

        var diagnostic = AssertOnly(workspace, "NASREC023", Severity.Error, ArchitectureFile, 8, 29);
        Assert.Equal("'width' is 2147483647; the limit is 65536", diagnostic.Message);
    }

    [Fact]
    public void GeneratedTypeNameOfAnotherDocumentIsNASREC024AtTheLaterName()
    {
        const string later = "tiny2.space.yaml";
        var workspace = Load((SpaceFile, Space), (later, Space.Replace("name: Tiny", "name: TinySpace", StringComparison.Ordinal)));

        var diagnostic = AssertOnly(workspace, "NASREC024", Severity.Error, later, 2, 7);
        Assert.Equal("The name 'TinySpace' gives the generated type 'TinySpace', which tiny.space.yaml already declares; " +
            "generated type names must differ, ignoring case", diagnostic.Message);
    }

    [Fact]
    public void ArchitectureNamedAfterAMemberOfItsClassIsNASREC025AtTheName()
    {
        var workspace = WithArchitecture(Snippets.Architecture.Replace("name: TinyNet", "name: block0_dense", StringComparison.Ordinal));

        var diagnostic = AssertOnly(workspace, "NASREC025", Severity.Error, ArchitectureFile, 2, 7);
        Assert.Equal("The architecture name 'block0_dense' is also the field block0_dense of its generated class; choose another name", diagnostic.Message);
    }
}
