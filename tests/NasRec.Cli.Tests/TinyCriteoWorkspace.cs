using System.Text.RegularExpressions;

namespace NasRec.Cli.Tests;

/// <summary>
/// A temporary folder with the shipped spaces, a Criteo-layout dataset <c>TinyCriteo</c> whose tables hold at most 1,000
/// rows, a prepared store of synthetic rows, and Criteo's NASRec-Small and -Full architectures rewritten for it.
/// </summary>
internal sealed class TinyCriteoWorkspace : IDisposable
{
    private readonly TempFolder temp = new();

    public TinyCriteoWorkspace(int rows)
    {
        Directory.CreateDirectory(File("spaces"));
        foreach (var space in Directory.GetFiles(Repository.Spaces, "*.space.yaml"))
            System.IO.File.Copy(space, File(Path.Combine("spaces", Path.GetFileName(space))));
        var dataset = System.IO.File.ReadAllText(Path.Combine(Repository.Spaces, "datasets", "criteo.dataset.yaml")).Replace("name: Criteo", "name: TinyCriteo");
        dataset = Regex.Replace(dataset, @"tableSize: (\d+)", m => "tableSize: " + Math.Min(long.Parse(m.Groups[1].Value), 1000));
        System.IO.File.WriteAllText(File(Path.Combine("spaces", "tiny.dataset.yaml")), dataset);
        Directory.CreateDirectory(File("archs"));
        foreach (var (name, file) in new[] { ("TinySmall", "nasrecnet-small"), ("TinyFull", "nasrecnet-full") })
            System.IO.File.WriteAllText(File(Path.Combine("archs", file + ".arch.yaml")), Architecture(name, file));
        WriteRows(File("rows.tsv"), rows);
        var prepare = CliRunner.Run("data", "prepare", "--dataset", File(Path.Combine("spaces", "tiny.dataset.yaml")), "--input", File("rows.tsv"), "--output", File("store"));
        Assert.True(prepare.ExitCode == 0, prepare.Error);
    }

    public string Spaces => File("spaces");

    public string Store => File("store");

    /// <summary>Holds nasrecnet-full.arch.yaml (TinyFull) and nasrecnet-small.arch.yaml (TinySmall).</summary>
    public string Archs => File("archs");

    public string File(string name) => temp.File(name);

    /// <summary>The shipped Criteo architecture <paramref name="file"/>, renamed and moved to TinyCriteo.</summary>
    public static string Architecture(string name, string file) =>
        Regex.Replace(System.IO.File.ReadAllText(Path.Combine(Repository.Spaces, "criteo", file + ".arch.yaml")), @"name: Criteo\w+", "name: " + name)
            .Replace("dataset: Criteo", "dataset: TinyCriteo");

    public void Dispose() => temp.Dispose();

    private static void WriteRows(string path, int rows)
    {
        var random = new Random(3);
        using var writer = new StreamWriter(path);
        for (int i = 0; i < rows; i++)
        {
            var dense = Enumerable.Range(0, 13).Select(_ => random.Next(50).ToString()).ToArray();
            var sparse = Enumerable.Range(0, 26).Select(_ => random.Next(300).ToString("x8")).ToArray();
            int label = random.NextDouble() < (int.Parse(dense[0]) < 25 ? 0.6 : 0.15) ? 1 : 0;
            writer.Write(string.Join('\t', new[] { label.ToString() }.Concat(dense).Concat(sparse)) + "\n");
        }
    }
}
