using Microsoft.CodeAnalysis.Diagnostics;

namespace NasRec.Dsl.Generators.Specs;

/// <summary>The project facts generation depends on, reduced to a value-equal record.</summary>
/// <param name="Namespace">Namespace of the generated types: the project's RootNamespace.</param>
/// <param name="ProjectDirectory">Lets generated comments name files relative to the project.</param>
/// <param name="HasRuntime">Whether NasRec.Runtime is referenced; without it only typed records are emitted.</param>
internal sealed record GeneratorOptions(string Namespace, string ProjectDirectory, bool HasRuntime)
{
    /// <summary>The type whose presence says that NasRec.Runtime is referenced.</summary>
    public const string RuntimeMarkerType = "NasRec.Runtime.NasRecRuntime";

    public static GeneratorOptions From(AnalyzerConfigOptions options, bool hasRuntime)
    {
        options.TryGetValue("build_property.RootNamespace", out var ns);
        options.TryGetValue("build_property.ProjectDir", out var projectDir);
        return new GeneratorOptions(string.IsNullOrWhiteSpace(ns) ? "NasRec.Generated" : ns!.Trim(), projectDir ?? "", hasRuntime);
    }

    /// <summary>
    /// The path relative to the project directory, with forward slashes, so that generated text does
    /// not depend on where the repository is checked out.
    /// </summary>
    public string Relative(string path)
    {
        var target = path.Replace('\\', '/').Split('/');
        var root = ProjectDirectory.Replace('\\', '/').TrimEnd('/').Split('/');
        if (ProjectDirectory.Length == 0) return target[target.Length - 1];
        int common = 0;
        while (common < root.Length && common < target.Length - 1 && root[common] == target[common]) common++;
        if (common == 0) return target[target.Length - 1];
        return string.Join("/", Enumerable.Repeat("..", root.Length - common).Concat(target.Skip(common)));
    }
}
