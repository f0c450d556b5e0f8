namespace NasRec.Cli.Tests;

public sealed class SpacesFolderTests
{
    [Fact]
    public void TheSpacesFolderIsFoundAboveTheArchitectureFileWhenTheCurrentDirectoryHasNone()
    {
        using var project = new TempFolder();
        using var elsewhere = new TempFolder();
        var spaces = Directory.CreateDirectory(project.File("spaces")).FullName;
        File.WriteAllText(Path.Combine(spaces, "tiny.space.yaml"), "kind: SearchSpace\n");
        var architecture = Path.Combine(Directory.CreateDirectory(Path.Combine(spaces, "tiny")).FullName, "net.arch.yaml");

        Assert.Equal(spaces, SpacesFolder.Resolve(null, architecture, elsewhere.File(".")));
    }

    [Fact]
    public void WithoutASpacesFolderAnywhereTheErrorNamesBothPlacesLooked()
    {
        using var elsewhere = new TempFolder();
        var architecture = elsewhere.File("net.arch.yaml");

        var error = Assert.Throws<CommandException>(() => SpacesFolder.Resolve(null, architecture, elsewhere.File(".")));
        Assert.Contains("beside " + architecture, error.Message, StringComparison.Ordinal);
        Assert.Contains("--spaces", error.Message, StringComparison.Ordinal);
    }
}
