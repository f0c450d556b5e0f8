using System.Text.Json.Nodes;
using NasRec.Runtime.Search;

namespace NasRec.Cli.Tests;

/// <summary>A small Criteo-layout store, a NASRec-Small supernet trained a few steps on it, and three NASRec-Small architectures.</summary>
public sealed class RankCheckFixture : IDisposable
{
    public RankCheckFixture()
    {
        var train = CliRunner.Run("supernet", "train", "--space", Path.Combine(Workspace.Spaces, "nasrec-small.space.yaml"), "--dataset", "TinyCriteo",
            "--data", Workspace.Store, "--spaces", Workspace.Spaces, "--output", Workspace.File("supernet"), "--batch-size", "32", "--steps", "6",
            "--warmup-steps", "3", "--eval-every", "0", "--fixed-archs", "1", "--fixed-rows", "64", "--quiet");
        Assert.True(train.ExitCode == 0, train.Error);
        Directory.CreateDirectory(Workspace.File("small"));
        var small = TinyCriteoWorkspace.Architecture("TinySmall", "nasrecnet-small");
        foreach (var (name, text) in new[]
        {
            ("TinySmall", small),
            ("TinySmallNarrowHead", small.Replace("width: 1024, inputs: [0, 3, 5]", "width: 64, inputs: [0, 3, 5]")),
            ("TinySmallFewTokens", small.Replace("tokens: 64, inputs: [0, 1, 2, 5]", "tokens: 16, inputs: [0, 1, 2, 5]")),
        })
        {
            File.WriteAllText(Workspace.File(Path.Combine("small", name + ".arch.yaml")), text.Replace("name: TinySmall", "name: " + name));
        }
    }

    internal TinyCriteoWorkspace Workspace { get; } = new(rows: 800);

    public void Dispose() => Workspace.Dispose();
}

/// <summary><c>nasrec search rank-check</c> end to end.</summary>
[Collection(nameof(GlobalGeneratorCollection))]
public sealed class RankCheckCommandTests(RankCheckFixture fixture) : IClassFixture<RankCheckFixture>
{
    private TinyCriteoWorkspace Workspace => fixture.Workspace;

    [Fact]
    public void RankCheckScoresEachArchitectureByInheritanceAndFromScratchAndReportsKendallsTau()
    {
        var (exitCode, output, error) = CliRunner.Run("search", "rank-check", "--supernet", Workspace.File("supernet"), "--archs", Workspace.File("small"),
            "--data", Workspace.Store, "--spaces", Workspace.Spaces, "--finetune-steps", "4", "--finetune-batch", "32", "--val-rows", "64",
            "--steps", "4", "--batch", "16", "--lr", "0.005", "--output", Workspace.File("check"), "--json");

        Assert.True(exitCode == 0, error);
        var result = JsonNode.Parse(output)!;
        Assert.Equal(result.ToJsonString(), JsonNode.Parse(File.ReadAllText(Workspace.File(Path.Combine("check", "rank-check.json"))))!.ToJsonString());
        var rows = result["architectures"]!.AsArray();
        Assert.Equal(["TinySmall", "TinySmallFewTokens", "TinySmallNarrowHead"], rows.Select(r => (string)r!["architecture"]!));
        var inherited = rows.Select(r => (double)r!["inheritedValLogloss"]!).ToList();
        var scratch = rows.Select(r => (double)r!["scratchValLogloss"]!).ToList();
        Assert.All(inherited.Concat(scratch), loss => Assert.InRange(loss, 0.05, 20));
        Assert.Equal(KendallTau.TauB(inherited, scratch), (double)result["kendallTau"]!);
        Assert.All(rows, r => Assert.True(File.Exists(Path.Combine((string)r!["runFolder"]!, "best.ckpt"))));
        Assert.Contains("[3/3] TinySmallNarrowHead: fine-tuning the inherited head", error);
    }

    [Fact]
    public void AnArchitectureOfAnotherSpaceIsAOneLineError()
    {
        var (exitCode, _, error) = CliRunner.Run("search", "rank-check", "--supernet", Workspace.File("supernet"), "--archs", Workspace.Archs,
            "--data", Workspace.Store, "--spaces", Workspace.Spaces, "--finetune-steps", "2", "--finetune-batch", "32", "--val-rows", "64");

        Assert.Equal(1, exitCode);
        Assert.Equal("error: TinyFull is an architecture of space 'NasRecFull'; the supernet is of 'NasRecSmall'\n", error.Replace("\r", ""));
    }
}
