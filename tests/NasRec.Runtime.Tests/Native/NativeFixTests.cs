using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using NasRec.Runtime.Tensors;

namespace NasRec.Runtime.Tests.Native;

/// <summary>
/// Runs the build's native-fix target (src/NasRec.Runtime/build) on a scratch copy of TorchSharp's
/// native library, forced on so that the tests mean the same on any Linux system.
/// </summary>
public sealed class NativeFixTests : IDisposable
{
    private const string Shim = "libnasrec_glibcxx_shim.so";
    private readonly string scratch = Directory.CreateTempSubdirectory("nasrec-native-fix-").FullName;
    private readonly string library;
    private readonly string pristine;

    public NativeFixTests()
    {
        pristine = Path.Combine(Metadata("NuGetPackageRoot"), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        library = Path.Combine(scratch, "out", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Directory.CreateDirectory(Path.GetDirectoryName(library)!);
        File.WriteAllText(Path.Combine(scratch, "fix.proj"),
            $"""<Project><Import Project="{Metadata("RepoRoot")}src/NasRec.Runtime/build/NasRec.Runtime.targets" /></Project>""");
    }

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public void FixMarksTheMissingVersionWeakAndLoadsTheShimBesideTheLibrary()
    {
        if (!OperatingSystem.IsLinux()) return;
        File.Copy(pristine, library);
        Assert.Equal("none", ElfFacts.VersionNeedFlags(library, "GLIBCXX_3.4.32"));

        var result = RunFix();

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal("WEAK", ElfFacts.VersionNeedFlags(library, "GLIBCXX_3.4.32"));
        Assert.Single(ElfFacts.NeededLibraries(library), name => name == Shim);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(library)!, Shim)));
    }

    [Fact]
    public void FixingTwiceChangesNothingTheSecondTime()
    {
        if (!OperatingSystem.IsLinux()) return;
        File.Copy(pristine, library);
        Assert.True(RunFix().ExitCode == 0);
        var once = Sha256(library);
        var writtenAt = File.GetLastWriteTimeUtc(library);

        var second = RunFix();

        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Equal(once, Sha256(library));
        Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(library));
        Assert.Single(ElfFacts.NeededLibraries(library), name => name == Shim);
    }

    [Fact]
    public void FixNeverWritesThroughAHardLinkIntoThePackageCache()
    {
        if (!OperatingSystem.IsLinux()) return;
        var cacheCopy = Path.Combine(scratch, "cache-libLibTorchSharp.so");
        File.Copy(pristine, cacheCopy);
        var before = Sha256(cacheCopy);
        Assert.Equal(0, Run("ln", $"\"{cacheCopy}\" \"{library}\"").ExitCode);

        Assert.True(RunFix().ExitCode == 0);

        Assert.Equal(before, Sha256(cacheCopy));
        Assert.NotEqual(before, Sha256(library));
    }

    [Fact]
    public void MissingToolFailsTheBuildWithOneLineNamingThePackage()
    {
        if (!OperatingSystem.IsLinux()) return;
        File.Copy(pristine, library);

        var result = RunFix(path: "/nonexistent");

        Assert.NotEqual(0, result.ExitCode);
        var errors = result.Output.Split('\n').Where(line => line.Contains("error", StringComparison.OrdinalIgnoreCase)
            && line.Contains("NasRec native fix")).Distinct().ToList();
        Assert.Single(errors);
        Assert.Contains("apt-get install -y g++", errors[0]);
    }

    [Fact]
    public void MklDispatchLibraryIsBuiltBesideEveryCopyOfTheNativeLibrary()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/cc")) return;
        File.Copy(pristine, library);

        var result = RunMklDispatch();

        Assert.True(result.ExitCode == 0, result.Output);
        var built = Path.Combine(Path.GetDirectoryName(library)!, MklDispatch.LibraryName);
        Assert.True(File.Exists(built), result.Output);
        Assert.Contains("mkl_serv_intel_cpu_true", Run("nm", $"-D --defined-only \"{built}\"").Output);
    }

    [Fact]
    public void WithoutACCompilerTheBuildSaysSoAndGoesOnWithoutTheMklDispatchLibrary()
    {
        if (!OperatingSystem.IsLinux()) return;
        File.Copy(pristine, library);

        var result = RunMklDispatch("-p:_NasRecCc=");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("no C compiler", result.Output);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(library)!, MklDispatch.LibraryName)));
    }

    private (int ExitCode, string Output) RunMklDispatch(string extra = "") =>
        Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            "msbuild fix.proj -nologo -nodeReuse:false -t:NasRecMklDispatchInOutput -p:OutDir=out/ -p:IntermediateOutputPath=obj/ " + extra);

    private (int ExitCode, string Output) RunFix(string? path = null) =>
        Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            "msbuild fix.proj -nologo -nodeReuse:false -t:NasRecFixLibTorchSharpInOutput " +
            "-p:OutDir=out/ -p:IntermediateOutputPath=obj/ -p:NasRecNativeFixForce=true",
            path);

    private (int ExitCode, string Output) Run(string program, string arguments, string? path = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = scratch,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The test host inherits MSBuild settings of the outer build; the child must not.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        if (path is not null) start.Environment["PATH"] = path;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd() + stderr.Result;
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    private static string Sha256(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    private static string Metadata(string key) =>
        typeof(NativeFixTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
