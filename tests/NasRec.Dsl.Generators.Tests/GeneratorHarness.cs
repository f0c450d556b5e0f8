using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace NasRec.Dsl.Generators.Tests;

/// <summary>Runs the generator over in-memory YAML files, the way a project build does.</summary>
internal static class GeneratorHarness
{
    public static string RepoRoot { get; } = Metadata("RepoRoot");

    public static string TestProjectDirectory { get; } = Metadata("ProjectDirectory");

    /// <summary>The project the shipped files are compiled in; generated comments name files relative to it.</summary>
    public static string ModelsProjectDirectory { get; } = Path.Combine(RepoRoot, "src", "NasRec.Models") + "/";

    public static IReadOnlyList<AdditionalText> ShippedFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepoRoot, "spaces"), "*.yaml", SearchOption.AllDirectories)
            .Where(Workspace.IsDslFile)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (AdditionalText)new InMemoryText(p, File.ReadAllText(p)))
            .ToList();

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> files, string rootNamespace = "NasRec.Models") =>
        CSharpGeneratorDriver.Create(
            new[] { new NasRecGenerator().AsSourceGenerator() },
            files,
            (CSharpParseOptions)Compilation().SyntaxTrees.First().Options,
            new TestOptionsProvider(new Dictionary<string, string>
            {
                ["build_property.RootNamespace"] = rootNamespace,
                ["build_property.ProjectDir"] = ModelsProjectDirectory,
            }),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>A compilation that references everything the test process has loaded (the runtime, TorchSharp).</summary>
    public static CSharpCompilation Compilation(string source = "namespace Consumer; internal static class Empty { }")
    {
        _ = typeof(NasRec.Runtime.Operators.FcOperator); // make sure the runtime is loaded
        _ = typeof(TorchSharp.torch);
        var references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && a.Location.Length > 0)
            .Select(a => MetadataReference.CreateFromFile(a.Location));
        return CSharpCompilation.Create("Consumer",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static (GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (driver, output, diagnostics);
    }

    private static string Metadata(string key) =>
        typeof(GeneratorHarness).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public sealed class InMemoryText(string path, string text) : AdditionalText
    {
        private readonly SourceText source = SourceText.From(text);

        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => source;
    }

    private sealed class TestOptionsProvider(Dictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(values);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(new());

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(new());

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}
