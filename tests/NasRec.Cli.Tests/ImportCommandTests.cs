using NasRec.Dsl.Parsing;

namespace NasRec.Cli.Tests;

public sealed class ImportCommandTests
{
    [Fact]
    public void ImportWritesTheShippedArchitecture()
    {
        using var temp = new TempFolder();
        var path = temp.File("criteo.arch.yaml");

        var (exitCode, output, error) = CliRunner.Run("import", Repository.ReferenceConfig("criteo_xlarge_best_1shot.json"),
            "--space", "NasRecFull", "--name", "CriteoNasRecNetFull", "--dataset", "Criteo", "--spaces", Repository.Spaces, "--output", path);

        Assert.Equal(0, exitCode);
        Assert.Empty(output);
        var parsed = DocumentParser.Parse(path, File.ReadAllText(path));
        Assert.Empty(parsed.Diagnostics);
        Assert.Equal(Repository.Shipped("CriteoNasRecNetFull"), parsed.Document);
        Assert.Contains("note: block 3: dense_idx [0, 3] is ignored by sigmoid-gating\n", error.ReplaceLineEndings("\n"));
        Assert.Contains("note: use_layernorm 1 is ignored", error);
    }

    [Fact]
    public void SpaceAndDatasetDefaultToTheConfigKeyAndFileNamePrefix()
    {
        var (exitCode, output, _) = CliRunner.Run("import", Repository.ReferenceConfig("kdd_autoctr_best_1shot.json"),
            "--name", "KddNasRecNetSmall", "--spaces", Repository.Spaces);

        Assert.Equal(0, exitCode);
        Assert.Equal(Repository.Shipped("KddNasRecNetSmall"), DocumentParser.Parse("stdout.arch.yaml", output).Document);
    }

    [Fact]
    public void ANameTakenByASpaceOfTheFolderIsAnErrorAsInABuild()
    {
        var (exitCode, output, error) = CliRunner.Run("import", Repository.ReferenceConfig("criteo_xlarge_best_1shot.json"),
            "--space", "NasRecFull", "--name", "NasRecFull", "--dataset", "Criteo", "--spaces", Repository.Spaces);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("error NASREC017", error);
    }

    [Fact]
    public void AnUnknownSpaceIsAnError()
    {
        var (exitCode, output, error) = CliRunner.Run("import", Repository.ReferenceConfig("criteo_xlarge_best_1shot.json"),
            "--space", "NoSuchSpace", "--name", "A", "--spaces", Repository.Spaces);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("Unknown search space 'NoSuchSpace'", error);
    }

    [Fact]
    public void AConfigOfAnotherSpaceIsAnError()
    {
        var (exitCode, _, error) = CliRunner.Run("import", Repository.ReferenceConfig("criteo_autoctr_best_1shot.json"),
            "--space", "NasRecFull", "--name", "A", "--spaces", Repository.Spaces);

        Assert.Equal(1, exitCode);
        Assert.Contains("criteo_autoctr_best_1shot.json: The config was searched in the reference space 'autoctr'", error);
    }

    [Theory]
    [InlineData("{ not json", "is an invalid start of a property name")]
    [InlineData("""{ "micro": [], "num_blocks": 7, "use_layernorm": 1, "config": "xlarge" }""", "It lacks the properties 'macro'")]
    [InlineData("""{ "micro": [], "macro": [], "num_blocks": "seven", "use_layernorm": 1, "config": "xlarge" }""", "The value has the wrong type. Path: $.num_blocks")]
    [InlineData("[1, 2]", "The value has the wrong type. Path: $")]
    public void AFileThatIsNotAReferenceConfigIsAnErrorSayingWhatIsWrongWithoutDotNetTypes(string json, string problem)
    {
        using var temp = new TempFolder();
        var path = temp.File("criteo_broken.json");
        File.WriteAllText(path, json);

        var (exitCode, _, error) = CliRunner.Run("import", path, "--name", "A", "--spaces", Repository.Spaces);

        Assert.Equal(1, exitCode);
        Assert.Contains("error: criteo_broken.json is not a reference configuration", error);
        Assert.Contains(problem, error);
        Assert.DoesNotContain("NasRec.", error);
    }

    [Fact]
    public void ANameThatIsNotAnIdentifierIsALocatedError()
    {
        var (exitCode, output, error) = CliRunner.Run("import", Repository.ReferenceConfig("criteo_xlarge_best_1shot.json"),
            "--name", "not-an-identifier", "--spaces", Repository.Spaces);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("<stdout>(5,7): error NASREC018", error);
    }
}
