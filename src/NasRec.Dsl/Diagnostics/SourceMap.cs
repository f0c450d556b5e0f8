using NasRec.Dsl.Model;

namespace NasRec.Dsl.Diagnostics;

/// <summary>Where each node of a parsed document stands in its file, by node path.</summary>
public sealed record SourceMap(string File, EquatableArray<SourceMap.Entry> Entries)
{
    public sealed record Entry(string Path, SourceSpan Span);

    /// <summary>
    /// The span of <paramref name="path"/>, or of its nearest recorded ancestor
    /// (<c>blocks[2].dense.width</c> → <c>blocks[2].dense</c> → <c>blocks[2]</c> → <c>blocks</c>), or the file start.
    /// </summary>
    public SourceSpan Locate(string path)
    {
        for (string? current = path; current is not null; current = Parent(current))
        {
            foreach (var entry in Entries)
            {
                if (entry.Path == current) return entry.Span;
            }
        }
        return SourceSpan.StartOf(File);
    }

    /// <summary>Gives a path-based diagnostic its location in this file.</summary>
    public DslDiagnostic Locate(DslDiagnostic diagnostic) =>
        diagnostic.Location is null && diagnostic.NodePath is not null
            ? diagnostic with { Location = Locate(diagnostic.NodePath) }
            : diagnostic;

    private static string? Parent(string path)
    {
        int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut > 0 ? path.Substring(0, cut) : path.Length > 0 ? "" : null;
    }
}
