namespace NasRec.Cli.Tests;

public sealed class CheckCommandTests
{
    [Fact]
    public void ShippedSpacesHaveNoErrorsAndWarnAboutTheReleasedDeadBlocks()
    {
        var (exitCode, output, error) = CliRunner.Run("check", Repository.Spaces);

        Assert.Equal(0, exitCode);
        Assert.Equal("14 files, 0 errors, 8 warnings", output.Trim());
        Assert.Equal(8, error.Split('\n').Count(line => line.Contains(": warning NASREC100: ")));
    }

    [Fact]
    public void FolderWithAMistakeExitsOneAndLocatesIt()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("tiny.space.yaml"), """
            kind: SearchSpace
            name: Tiny
            blocks: 2
            embeddingDim: 8
            denseOperators: [fc, dot-product, convolution]
            sparseOperators: [efc]
            denseWidths: [8, 16]
            sparseTokens: [4]
            maxInputs: 2
            """);

        var (exitCode, output, error) = CliRunner.Run("check", Path.GetDirectoryName(folder.File("x"))!);

        Assert.Equal(1, exitCode);
        Assert.Equal("1 files, 1 errors, 0 warnings", output.Trim());
        Assert.StartsWith(folder.File("tiny.space.yaml") + "(5,35): error NASREC006: Unknown dense operator 'convolution'", error.Trim());
    }
}
