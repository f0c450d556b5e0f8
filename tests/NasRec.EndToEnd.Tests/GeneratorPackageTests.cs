using System.IO.Compression;

namespace NasRec.EndToEnd.Tests;

public sealed class GeneratorPackageTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("nasrec-pack-").FullName;

    public void Dispose() => Directory.Delete(output, recursive: true);

    [Fact]
    public void GeneratorPackageHoldsTheGeneratorAndWhatItLoadsUnderAnalyzers()
    {
        var project = Path.Combine(DotnetCli.RepoRoot, "generators", "NasRec.Dsl.Generators");
        var pack = DotnetCli.Run(project, "pack", "--nologo", "--no-build", "-c", DotnetCli.Configuration, "-o", output);
        Assert.True(pack.ExitCode == 0, pack.Output);

        using var package = ZipFile.OpenRead(Directory.EnumerateFiles(output, "*.nupkg").Single());
        var dlls = package.Entries.Select(e => e.FullName).Where(n => n.EndsWith(".dll", StringComparison.Ordinal)).OrderBy(n => n, StringComparer.Ordinal);

        Assert.Equal(new[]
        {
            "analyzers/dotnet/cs/NasRec.Dsl.Generators.dll",
            "analyzers/dotnet/cs/NasRec.Dsl.dll",
            "analyzers/dotnet/cs/YamlDotNet.dll",
        }, dlls);
    }
}
