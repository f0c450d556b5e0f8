namespace NasRec.Cli.Tests;

/// <summary>A fresh folder for a test's files, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("nasrec-cli-");

    public string File(string name) => Path.Combine(directory.FullName, name);

    public void Dispose() => directory.Delete(recursive: true);
}
