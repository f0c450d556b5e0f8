using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using NasRec.Cli;
using NasRec.Dsl.Analysis;
using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Generators.Tests.Fuzzing;

/// <summary>What checking a case found (every invariant held).</summary>
public enum FuzzOutcome
{
    /// <summary>The documents have errors: reported, located inside their files, nothing crashed.</summary>
    Errors,
    /// <summary>No error: the generated C# was compiled, without a warning.</summary>
    Compiled,
    /// <summary>No error, and generated C# already compiled for an earlier case.</summary>
    CompiledBefore,
    /// <summary>No error; compiling was not asked for.</summary>
    Clean,
}

/// <summary>
/// The invariants every input must keep, whatever its text: no exception and no NASREC900, no hang
/// (a time budget), every location inside its file, the build and the CLI reporting the same
/// diagnostics, analysis counts never negative, and, without an error, generated C# that compiles
/// without a warning. A violation throws, with the case in the message.
/// </summary>
internal sealed class Invariants
{
    /// <summary>Far beyond the milliseconds one case takes; a hang or quadratic blow-up crosses it.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    private static readonly System.Text.Encoding Lenient = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private readonly ConcurrentDictionary<string, bool> compiledSources = new(StringComparer.Ordinal);

    public FuzzOutcome Check(FuzzCase fuzzCase, bool compile, bool cli)
    {
        var clock = Stopwatch.StartNew();
        var workspace = Workspace.Load(fuzzCase.Files);
        Within(clock, "Workspace.Load");

        Assert.DoesNotContain(workspace.Diagnostics, d => d.Rule == DiagnosticCatalog.InternalError);
        var lines = fuzzCase.Files.GroupBy(f => f.Path).ToDictionary(g => g.Key, g => (g.First().Text.Length, LineLengths(g.First().Text)));
        foreach (var diagnostic in workspace.Diagnostics)
        {
            Assert.NotNull(diagnostic.Location);
            AssertInside(lines[diagnostic.Location.File], diagnostic);
        }
        if (!workspace.HasErrors) AnalysisIsNeverNegative(workspace);

        clock.Restart();
        var (driver, output, generatorDiagnostics) = GeneratorHarness.Run(
            GeneratorHarness.CreateDriver(fuzzCase.Files.Select(f => (AdditionalText)new GeneratorHarness.InMemoryText(f.Path, f.Text))),
            GeneratorHarness.Compilation());
        Within(clock, "the generator");
        Assert.All(generatorDiagnostics, d => Assert.True(d.Id.StartsWith("NASREC", StringComparison.Ordinal) && d.Id != "NASREC900", d.ToString()));
        Assert.Equal(Keys(workspace.Diagnostics), generatorDiagnostics.Select(d => $"{d.Id} {d.Location.GetLineSpan().Path}({d.Location.GetLineSpan().StartLinePosition.Line + 1},{d.Location.GetLineSpan().StartLinePosition.Character + 1})").Order(StringComparer.Ordinal));

        if (cli) CliNeverShowsAStackTrace(fuzzCase);
        if (workspace.HasErrors) return FuzzOutcome.Errors;
        if (!compile) return FuzzOutcome.Clean;

        var sources = string.Concat(driver.GetRunResult().GeneratedTrees.Select(t => t.FilePath + "\n" + t.GetText()));
        if (compiledSources.ContainsKey(sources)) return FuzzOutcome.CompiledBefore;
        clock.Restart();
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Within(clock, "compiling the generated code");
        Assert.True(problems.Count == 0, "Generated code of an error-free case does not compile cleanly:\n" + string.Join("\n", problems.Take(10)));
        compiledSources.TryAdd(sources, true);
        return FuzzOutcome.Compiled;
    }

    private static IEnumerable<string> Keys(IEnumerable<DslDiagnostic> diagnostics) =>
        diagnostics.Select(d => $"{d.Rule.Id} {d.Location!.File}({d.Location.StartLine},{d.Location.StartColumn})").Order(StringComparer.Ordinal);

    private static void Within(Stopwatch clock, string what) =>
        Assert.True(clock.Elapsed < Budget, $"{what} took {clock.Elapsed.TotalSeconds:0.0} s, over the {Budget.TotalSeconds} s budget");

    /// <summary>The length of each line, lines broken as YAML breaks them.</summary>
    private static List<int> LineLengths(string text)
    {
        var lengths = new List<int>();
        int start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] is not ('\n' or '\r' or '\u0085' or '\u2028' or '\u2029')) continue;
            lengths.Add(i - start);
            if (i + 1 < text.Length && text[i] == '\r' && text[i + 1] == '\n') i++;
            start = i + 1;
        }
        return lengths;
    }

    /// <summary>A position may stand on any line, at most just after its last character.</summary>
    private static void AssertInside((int Length, List<int> Lines) file, DslDiagnostic diagnostic)
    {
        var span = diagnostic.Location!;
        foreach (var (line, column) in new[] { (span.StartLine, span.StartColumn), (span.EndLine, span.EndColumn) })
        {
            Assert.True(line >= 1 && line <= file.Lines.Count && column >= 1 && column <= file.Lines[line - 1] + 1,
                $"{diagnostic} points at ({line},{column}), outside the file's {file.Lines.Count} lines");
        }
        Assert.True(0 <= span.StartOffset && span.StartOffset <= span.EndOffset && span.EndOffset <= file.Length, $"{diagnostic}: offsets outside the file");
    }

    private static void AnalysisIsNeverNegative(Workspace workspace)
    {
        foreach (var architecture in workspace.Architectures)
        {
            var space = workspace.Catalog.Space(architecture.Space);
            var dataset = workspace.Catalog.Dataset(architecture.Dataset);
            if (space is null || dataset is null) continue;
            var report = ArchitectureAnalyzer.Analyze(architecture, space, dataset);
            Assert.True(report.Flops >= 0 && report.NonEmbeddingParameters >= 0 && report.LiveNonEmbeddingParameters >= 0
                && report.EmbeddingParameters >= 0 && report.HeadInput > 0, $"negative counts for {architecture.Name}");
        }
    }

    /// <summary>`nasrec check` over the case's folder and `nasrec inspect` of each architecture: exit 0 or 1, no stack trace.</summary>
    private static void CliNeverShowsAStackTrace(FuzzCase fuzzCase)
    {
        var folder = Directory.CreateTempSubdirectory("nasrec-fuzz-");
        try
        {
            var written = new List<string>();
            foreach (var (path, text) in fuzzCase.Files)
            {
                var full = Path.Combine(folder.FullName, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, text, Lenient); // an unpaired surrogate reaches the disk as U+FFFD
                written.Add(full);
            }
            var commands = new List<string[]> { new[] { "check", folder.FullName } };
            commands.AddRange(written.Where(p => p.EndsWith(".arch.yaml", StringComparison.Ordinal)).Select(p => new[] { "inspect", p, "--spaces", folder.FullName }));
            foreach (var args in commands)
            {
                var (output, error) = (new StringWriter(), new StringWriter());
                int exitCode = NasRecCommand.Run(args, output, error);
                var printed = output + "\n" + error;
                Assert.True(exitCode is 0 or 1, $"nasrec {args[0]} exited {exitCode}:\n{printed}");
                Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
                Assert.DoesNotContain("NASREC900", printed, StringComparison.Ordinal);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
