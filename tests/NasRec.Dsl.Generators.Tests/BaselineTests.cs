using Microsoft.CodeAnalysis;

namespace NasRec.Dsl.Generators.Tests;

/// <summary>
/// The generated code of every shipped YAML file against checked-in baselines, in both modes: with
/// NasRec.Runtime referenced (Baselines/*.g.cs.txt: TorchSharp modules) and without it
/// (Baselines/RecordsOnly/*.g.cs.txt: typed records only; only the sources that differ between the
/// modes, so that the baselines of the others say that they do not). A missing or different baseline fails.
/// To accept new output, run with UPDATE_BASELINES=1 (refused when CI=true) and review the diff.
/// </summary>
public sealed class BaselineTests
{
    public const string WithRuntime = "WithRuntime";
    public const string RecordsOnly = "RecordsOnly";

    private static readonly Lazy<Generation> RuntimeGeneration = new(() =>
        Generate(GeneratorHarness.Compilation(), Path.Combine(GeneratorHarness.TestProjectDirectory, "Baselines"), (_, _) => true));

    private static readonly Lazy<Generation> RecordsOnlyGeneration = new(() =>
        Generate(GeneratorHarness.RecordsOnlyCompilation(), Path.Combine(GeneratorHarness.TestProjectDirectory, "Baselines", RecordsOnly),
            (hint, text) => RuntimeGeneration.Value.Sources[hint] != text));

    private static readonly Dictionary<string, Lazy<Generation>> Modes = new()
    {
        [WithRuntime] = RuntimeGeneration,
        [RecordsOnly] = RecordsOnlyGeneration,
    };

    public static TheoryData<string> ModeNames => new(Modes.Keys);

    public static TheoryData<string, string> HintNames()
    {
        var data = new TheoryData<string, string>();
        foreach (var (mode, generation) in Modes)
            foreach (var hint in generation.Value.Sources.Keys.OrderBy(k => k, StringComparer.Ordinal))
                data.Add(mode, hint);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModeNames))]
    public void EveryShippedDocumentHasABaselineAndNoBaselineIsStale(string mode)
    {
        var generation = Modes[mode].Value;
        var expected = Directory.EnumerateFiles(generation.BaselineDirectory, "*.g.cs.txt").Select(p => Path.GetFileName(p)[..^".txt".Length]);

        Assert.Equal(expected.OrderBy(n => n, StringComparer.Ordinal), generation.Sources.Keys.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(HintNames))]
    public void GeneratedSourceMatchesItsBaseline(string mode, string hintName)
    {
        var generation = Modes[mode].Value;
        var path = Path.Combine(generation.BaselineDirectory, hintName + ".txt");
        Assert.True(File.Exists(path), $"No baseline for {hintName}; run the tests with UPDATE_BASELINES=1 to create it.");
        var expected = File.ReadAllText(path).Split('\n');
        var actual = generation.Sources[hintName].Split('\n');

        for (int line = 0; line < Math.Min(expected.Length, actual.Length); line++)
        {
            Assert.True(expected[line] == actual[line], $"{mode} {hintName} line {line + 1}:\n  expected: {expected[line]}\n  actual:   {actual[line]}");
        }
        Assert.Equal(expected.Length, actual.Length);
    }

    [Theory]
    [InlineData(WithRuntime, true)]
    [InlineData(RecordsOnly, false)]
    public void EveryArchitectureIsAModuleExactlyWhenTheRuntimeIsReferenced(string mode, bool module)
    {
        var output = Modes[mode].Value.Output;
        var architectures = Workspace.LoadDirectory(Path.Combine(GeneratorHarness.RepoRoot, "spaces")).Architectures.Select(a => a.Name).ToList();

        Assert.Equal(6, architectures.Count);
        foreach (var name in architectures)
        {
            var type = output.GetTypeByMetadataName("NasRec.Models." + name);
            Assert.NotNull(type);
            Assert.Equal(module, type.BaseType?.ToDisplayString().StartsWith("TorchSharp.torch.nn.Module<", StringComparison.Ordinal) == true);
            Assert.Equal(!module, type.IsStatic);
        }
    }

    [Theory]
    [InlineData(WithRuntime, true)]
    [InlineData(RecordsOnly, false)]
    public void EverySpaceHasATypedSupernetExactlyWhenTheRuntimeIsReferenced(string mode, bool emitted)
    {
        var output = Modes[mode].Value.Output;
        var spaces = Workspace.LoadDirectory(Path.Combine(GeneratorHarness.RepoRoot, "spaces")).Files
            .Select(f => f.Document).OfType<Model.SearchSpace>().Select(s => s.Name).ToList();

        Assert.Equal(3, spaces.Count);
        foreach (var name in spaces)
        {
            var type = output.GetTypeByMetadataName("NasRec.Models." + name + "Space+Supernet");
            Assert.Equal(emitted, type is not null);
            if (emitted) Assert.Equal("NasRec.Runtime.Supernets.Supernet", type!.BaseType?.ToDisplayString());
        }
    }

    [Theory]
    [MemberData(nameof(ModeNames))]
    public void ShippedDocumentsCompileWithoutErrorsOrWarningsBesidesDeadBlocks(string mode)
    {
        var generation = Modes[mode].Value;

        Assert.All(generation.Diagnostics, d => Assert.Equal("NASREC100", d.Id));
        Assert.Empty(generation.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    private sealed record Generation(string BaselineDirectory, IReadOnlyDictionary<string, string> Sources, Compilation Output, IReadOnlyList<Diagnostic> Diagnostics);

    private static Generation Generate(Compilation compilation, string baselineDirectory, Func<string, string, bool> baselined)
    {
        var (driver, output, diagnostics) = GeneratorHarness.Run(GeneratorHarness.CreateDriver(GeneratorHarness.ShippedFiles()), compilation);
        var sources = driver.GetRunResult().Results.Single().GeneratedSources
            .Select(s => (s.HintName, Text: Normalize(s.SourceText.ToString())))
            .Where(s => baselined(s.HintName, s.Text))
            .ToDictionary(s => s.HintName, s => s.Text);
        if (Updating) RewriteAll(baselineDirectory, sources);
        return new Generation(baselineDirectory, sources, output, diagnostics);
    }

    private static bool Updating
    {
        get
        {
            if (Environment.GetEnvironmentVariable("UPDATE_BASELINES") != "1") return false;
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "UPDATE_BASELINES is refused when CI=true.");
            return true;
        }
    }

    private static void RewriteAll(string directory, IReadOnlyDictionary<string, string> generated)
    {
        Directory.CreateDirectory(directory);
        foreach (var stale in Directory.EnumerateFiles(directory, "*.g.cs.txt")) File.Delete(stale);
        foreach (var (hint, text) in generated) File.WriteAllText(Path.Combine(directory, hint + ".txt"), text);
    }

    /// <summary>The generator version changes with releases; baselines hold a placeholder.</summary>
    private static string Normalize(string source) =>
        source.Replace("\"NasRec.Dsl.Generators\", \"" + typeof(NasRecGenerator).Assembly.GetName().Version!.ToString(3) + "\"", "\"NasRec.Dsl.Generators\", \"{version}\"");
}
