using System.Diagnostics;

namespace NasRec.Runtime.Tests.Native;

/// <summary>Reads what the native-fix tests check from an ELF file, with binutils' readelf.</summary>
internal static class ElfFacts
{
    public static IReadOnlyList<string> NeededLibraries(string library) =>
        Readelf("-d", library)
            .Where(line => line.Contains("(NEEDED)"))
            .Select(line => line[(line.IndexOf('[') + 1)..line.IndexOf(']')])
            .ToList();

    /// <summary>The flags readelf prints for a version need, e.g. "none" or "WEAK".</summary>
    public static string VersionNeedFlags(string library, string version) =>
        Readelf("-V", library)
            .Select(line => line.Trim())
            .Where(line => line.Contains("Name: " + version + " "))
            .Select(line => line[(line.IndexOf("Flags: ") + 7)..].Split(' ', 2)[0])
            .Single();

    private static IEnumerable<string> Readelf(string option, string file)
    {
        using var process = Process.Start(new ProcessStartInfo("readelf", $"{option} --wide \"{file}\"")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Split('\n');
    }
}
