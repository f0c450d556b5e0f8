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
            ParseOptions,
            new TestOptionsProvider(new Dictionary<string, string>
            {
                ["build_property.RootNamespace"] = rootNamespace,
                ["build_property.ProjectDir"] = ModelsProjectDirectory,
            }),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>
    /// A consumer compilation that references the framework, NasRec.Dsl, NasRec.Runtime and TorchSharp by file,
    /// so that the generator takes its runtime path (modules emitted and compiled), with documentation
    /// comments checked as a project with GenerateDocumentationFile checks them.
    /// </summary>
    public static CSharpCompilation Compilation(string source = "namespace Consumer; internal static class Empty { }") =>
        Compilation(source, WithRuntime.Value);

    /// <summary>The same consumer without NasRec.Runtime and TorchSharp: the generator emits only typed records.</summary>
    public static CSharpCompilation RecordsOnlyCompilation() =>
        Compilation("namespace Consumer; internal static class Empty { }", RecordsOnly.Value);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static CSharpCompilation Compilation(string source, IReadOnlyList<MetadataReference> references) =>
        CSharpCompilation.Create("Consumer",
            new[] { CSharpSyntaxTree.ParseText(source, ParseOptions) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    // Referenced by file, so what the consumer sees does not depend on what this test assembly happens to load.
    private static readonly Lazy<IReadOnlyList<MetadataReference>> WithRuntime = new(() =>
        References(typeof(NasRec.Runtime.NasRecRuntime), typeof(TorchSharp.torch), typeof(NasRec.Dsl.Model.Architecture)));

    private static readonly Lazy<IReadOnlyList<MetadataReference>> RecordsOnly = new(() =>
        References(typeof(NasRec.Dsl.Model.Architecture)));

    private static IReadOnlyList<MetadataReference> References(params Type[] nasrec)
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll");
        return framework.Concat(nasrec.Select(type => type.Assembly.Location))
            .Distinct(StringComparer.Ordinal).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToList();
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
