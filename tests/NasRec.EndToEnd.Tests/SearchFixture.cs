using System.Text.RegularExpressions;

namespace NasRec.EndToEnd.Tests;

/// <summary>
/// Through the built <c>nasrec</c>: synthetic clicks with planted interactions in a Criteo layout whose tables hold at most 1,000 rows,
/// a NASRec-Small supernet trained a few steps on them, and one uninterrupted search over it that the tests compare with and export.
/// </summary>
public sealed class SearchFixture : IDisposable
{
    /// <summary>
    /// Sixteen candidates, each fine-tuned a few dozen steps and scored on a small validation prefix: long enough (a few
    /// hundred ms each) that a test can kill the search between candidates even on a loaded machine.
    /// </summary>
    public static readonly string[] Evolution =
    [
        "--population", "8", "--tournament", "4", "--children", "2", "--generations", "4", "--seed", "3",
        "--finetune-steps", "48", "--finetune-batch", "64", "--val-rows", "512", "--threads", "1",
    ];

    public const int Candidates = 16;

    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("nasrec-e2e-");

    public SearchFixture()
    {
        Spaces = WriteSpaces(PathOf("spaces"));
        Store = SynthesizeStore(Spaces, PathOf("clicks.tsv"), PathOf("store"), rows: 3000);
        Supernet = PathOf("supernet");
        Succeed(NasrecCli.Run("supernet", "train", "--space", Path.Combine(Spaces, "nasrec-small.space.yaml"), "--dataset", "TinyCriteo",
            "--data", Store, "--spaces", Spaces, "--output", Supernet, "--batch-size", "64", "--steps", "20", "--warmup-steps", "5",
            "--eval-every", "0", "--fixed-archs", "0", "--threads", "1", "--quiet"));
        Search = PathOf("search");
        Succeed(NasrecCli.Run(["search", "--supernet", Supernet, "--data", Store, "--output", Search, "--quiet", .. Evolution]));
    }

    public string Spaces { get; }

    public string Store { get; }

    /// <summary>The supernet's run folder.</summary>
    public string Supernet { get; }

    /// <summary>The folder of the uninterrupted search.</summary>
    public string Search { get; }

    public string PathOf(string name) => Path.Combine(folder.FullName, name);

    public void Dispose() => folder.Delete(recursive: true);

    /// <summary>The shipped spaces and a Criteo-layout dataset <c>TinyCriteo</c> whose tables hold at most 1,000 rows.</summary>
    public static string WriteSpaces(string spaces)
    {
        Directory.CreateDirectory(spaces);
        foreach (var space in Directory.GetFiles(Path.Combine(DotnetCli.RepoRoot, "spaces"), "*.space.yaml"))
            File.Copy(space, Path.Combine(spaces, Path.GetFileName(space)));
        var dataset = File.ReadAllText(Path.Combine(DotnetCli.RepoRoot, "spaces", "datasets", "criteo.dataset.yaml")).Replace("name: Criteo", "name: TinyCriteo");
        dataset = Regex.Replace(dataset, @"tableSize: (\d+)", m => "tableSize: " + Math.Min(long.Parse(m.Groups[1].Value), 1000));
        File.WriteAllText(Path.Combine(spaces, "tiny.dataset.yaml"), dataset);
        return spaces;
    }

    /// <summary><c>nasrec data synth</c> then <c>nasrec data prepare</c> into <paramref name="store"/>.</summary>
    public static string SynthesizeStore(string spaces, string clicks, string store, int rows)
    {
        Succeed(NasrecCli.Run("data", "synth", "--rows", rows.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "1", "--output", clicks));
        Succeed(NasrecCli.Run("data", "prepare", "--dataset", Path.Combine(spaces, "tiny.dataset.yaml"), "--input", clicks, "--output", store));
        return store;
    }

    /// <summary>Asserts that the command succeeded and returns its standard output.</summary>
    public static string Succeed((int ExitCode, string Output, string Error) run)
    {
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        return run.Output;
    }
}
