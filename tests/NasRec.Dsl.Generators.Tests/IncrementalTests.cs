using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NasRec.Dsl.Generators.Tests;

/// <summary>The generator re-does only what an edit touches (house-style items 22-23).</summary>
public sealed class IncrementalTests
{
    private static readonly string CriteoFull = Path.Combine(GeneratorHarness.RepoRoot, "spaces", "criteo", "nasrecnet-full.arch.yaml");

    [Fact]
    public void SecondRunWithTheSameInputsIsAllCached()
    {
        var compilation = GeneratorHarness.Compilation();
        var driver = GeneratorHarness.CreateDriver(GeneratorHarness.ShippedFiles()).RunGenerators(compilation);

        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        foreach (var name in TrackedNames)
        {
            Assert.All(result.TrackedSteps[name].SelectMany(step => step.Outputs),
                output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, name + ": " + output.Reason));
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void CommentOrWhitespaceEditReEmitsNothingAndValidatesNothingAgain()
    {
        var (before, after) = RunEdit(CriteoFull, text => "# a comment the author added\n\n" + text.Replace("blocks:", "blocks:   "));

        Assert.Contains(after.TrackedSteps[TrackingNames.Parse].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.All(after.TrackedSteps[TrackingNames.Validation].SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.All(after.TrackedSteps[TrackingNames.Specs].SelectMany(s => s.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
        Assert.Equal(Sources(before), Sources(after));
    }

    [Fact]
    public void EditingOneArchitectureReEmitsOnlyItsFile()
    {
        var (before, after) = RunEdit(CriteoFull, text => text.Replace("width: 128, inputs: [0, 2, 3]", "width: 256, inputs: [0, 2, 3]"));

        var modified = after.TrackedSteps[TrackingNames.Specs].SelectMany(s => s.Outputs).Where(o => o.Reason == IncrementalStepRunReason.Modified).ToList();
        Assert.Single(modified);
        var changed = Sources(after).Where(pair => Sources(before)[pair.Key] != pair.Value).Select(pair => pair.Key);
        Assert.Equal(new[] { "NasRec.Models.CriteoNasRecNetFull.g.cs" }, changed);
    }

    [Fact]
    public void UnrelatedCSharpEditReEmitsNothing()
    {
        var compilation = GeneratorHarness.Compilation();
        var driver = GeneratorHarness.CreateDriver(GeneratorHarness.ShippedFiles()).RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            "namespace Consumer; internal static class Added { }", (Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)compilation.SyntaxTrees.First().Options));

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.All(TrackedNames.Where(name => name != TrackingNames.Options).SelectMany(name => result.TrackedSteps[name]).SelectMany(step => step.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.All(result.TrackedSteps[TrackingNames.Options].SelectMany(step => step.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    [Fact]
    public void StepOutputsHoldNoCompilerOrParserObjects()
    {
        var compilation = GeneratorHarness.Compilation();
        var result = GeneratorHarness.CreateDriver(GeneratorHarness.ShippedFiles()).RunGenerators(compilation).GetRunResult().Results.Single();

        foreach (var name in TrackedNames)
        {
            foreach (var output in result.TrackedSteps[name].SelectMany(step => step.Outputs))
            {
                var banned = FindBanned(output.Value, new HashSet<object>(ReferenceEqualityComparer.Instance), 0);
                Assert.True(banned is null, $"{name} output holds a {banned}");
            }
        }
    }

    private static readonly string[] TrackedNames =
    {
        TrackingNames.Options, TrackingNames.Parse, TrackingNames.Documents, TrackingNames.Catalog,
        TrackingNames.Names, TrackingNames.Specs, TrackingNames.Validation, TrackingNames.ValidationReport, TrackingNames.Duplicates,
    };

    private static (GeneratorRunResult Before, GeneratorRunResult After) RunEdit(string file, Func<string, string> edit)
    {
        var compilation = GeneratorHarness.Compilation();
        var files = GeneratorHarness.ShippedFiles();
        var driver = GeneratorHarness.CreateDriver(files).RunGenerators(compilation);
        var before = driver.GetRunResult().Results.Single();
        var old = files.Single(f => f.Path == file);
        var edited = new GeneratorHarness.InMemoryText(file, edit(old.GetText()!.ToString()));
        Assert.NotEqual(old.GetText()!.ToString(), edited.GetText().ToString());

        var after = driver.ReplaceAdditionalText(old, edited).RunGenerators(compilation).GetRunResult().Results.Single();
        return (before, after);
    }

    private static Dictionary<string, string> Sources(GeneratorRunResult result) =>
        result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    private static readonly Type[] BannedTypes =
    {
        typeof(ISymbol), typeof(Compilation), typeof(SyntaxNode), typeof(SyntaxTree), typeof(AdditionalText),
        typeof(SourceText), typeof(YamlDotNet.RepresentationModel.YamlNode),
    };

    private static string? FindBanned(object? value, HashSet<object> seen, int depth)
    {
        if (value is null || depth > 12 || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return null;
        if (BannedTypes.Any(t => t.IsInstanceOfType(value))) return value.GetType().Name;
        if (!value.GetType().IsValueType && !seen.Add(value)) return null;
        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                if (FindBanned(item, seen, depth + 1) is { } found) return found;
            }
        }
        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (FindBanned(field.GetValue(value), seen, depth + 1) is { } found) return found;
        }
        return null;
    }
}
