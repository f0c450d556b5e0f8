namespace NasRec.EndToEnd.Tests;

/// <summary>`dotnet build` of a project that compiles NasRec YAML: mistakes are build errors at the YAML location.</summary>
public sealed class BuildDiagnosticsTests : IDisposable
{
    private readonly string project = Directory.CreateTempSubdirectory("nasrec-build-").FullName;

    public BuildDiagnosticsTests()
    {
        CopyDirectory(Path.Combine(DotnetCli.RepoRoot, "spaces"), Path.Combine(project, "spaces"));
        var generator = Path.Combine(DotnetCli.RepoRoot, "generators", "NasRec.Dsl.Generators", "NasRec.Dsl.Generators.csproj");
        var dsl = Path.Combine(DotnetCli.RepoRoot, "src", "NasRec.Dsl", "NasRec.Dsl.csproj");
        // Typed records only: with NasRec.Dsl but without NasRec.Runtime the generator emits no TorchSharp modules.
        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <WarningsAsErrors>CS8785</WarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{generator}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                <ProjectReference Include="{dsl}" />
                <AdditionalFiles Include="spaces/**/*.yaml" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Uses.cs"), """
            namespace Consumer;
            internal static class Uses
            {
                internal static int Blocks => NasRecFullSpace.Blocks + CriteoDataset.SparseFeatureCount + CriteoNasRecNetFull.Definition.Blocks.Count;
            }
            """);
    }

    public void Dispose() => Directory.Delete(project, recursive: true);

    [Fact]
    public void ShippedYamlBuildsIntoTypedClassesWithoutTheRuntime()
    {
        var build = Build();

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Contains("warning NASREC100", build.Output);
    }

    [Fact]
    public void WrongWidthFailsTheBuildWithANasRecErrorAtItsLineAndColumn()
    {
        var file = Path.Combine(project, "spaces", "criteo", "nasrecnet-full.arch.yaml");
        File.WriteAllText(file, File.ReadAllText(file).Replace("{ op: dot-product, width: 32,", "{ op: dot-product, width: 33,"));

        var build = Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains(file + "(15,38): error NASREC008: Dense width 33 is not a choice of search space 'NasRecFull'", build.Output);
    }

    /// <summary>Builds the consumer alone: the generator and NasRec.Dsl are built before the tests run.</summary>
    private (int ExitCode, string Output) Build() =>
        DotnetCli.Run(project, "build", "--nologo", "--no-dependencies", "-c", DotnetCli.Configuration);

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to));
    }
}
