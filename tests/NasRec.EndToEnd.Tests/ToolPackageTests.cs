using System.Runtime.InteropServices;

namespace NasRec.EndToEnd.Tests;

[Collection(nameof(RebuildsTheCliCollection))]
public sealed class ToolPackageTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nasrec-tool-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void CliPacksAsADotnetToolThatInstallsFromALocalFolderAndRuns()
    {
        var packages = Path.Combine(folder, "packages");
        var tools = Path.Combine(folder, "tools");
        // One platform's package only (the one the test runs on): each holds its platform's libtorch, and packing
        // all three would take minutes. The referenced projects are built already.
        var pack = DotnetCli.Run(Path.Combine(DotnetCli.RepoRoot, "src", "NasRec.Cli"), "pack", "--nologo", "-c", DotnetCli.Configuration,
            "-o", packages, "-p:BuildProjectReferences=false", "-p:ToolPackageRuntimeIdentifiers=" + RuntimeInformation.RuntimeIdentifier);
        Assert.True(pack.ExitCode == 0, pack.Output);
        Assert.Equal(
            new[] { $"NasRec.Cli.{DotnetCli.Version}.nupkg", $"NasRec.Cli.{RuntimeInformation.RuntimeIdentifier}.{DotnetCli.Version}.nupkg" },
            Directory.EnumerateFiles(packages).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var install = DotnetCli.Run(folder, "tool", "install", "--tool-path", tools, "--add-source", packages, "NasRec.Cli");
        Assert.True(install.ExitCode == 0, install.Output);

        var version = DotnetCli.RunProgram(Path.Combine(tools, "nasrec"), folder, "--version");
        Assert.True(version.ExitCode == 0, version.Output);
        Assert.StartsWith(DotnetCli.Version + "+", version.Output);
    }
}
