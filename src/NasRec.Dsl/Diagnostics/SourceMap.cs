using NasRec.Dsl.Model;

namespace NasRec.Dsl.Diagnostics;

/// <summary>Where each node of a parsed document stands in its file, by node path.</summary>
public sealed record SourceMap(string File, EquatableArray<SourceMap.Entry> Entries)
{
    public sealed record Entry(string Path, SourceSpan Span);

    /// <summary>The entries ordered by path, so that a lookup is a binary search.</summary>
    public EquatableArray<Entry> Entries { get; } = Entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToEquatableArray();

    /// <summary>
    /// The span of <paramref name="path"/>, or of its nearest recorded ancestor
    /// (<c>blocks[2].dense.width</c> → <c>blocks[2].dense</c> → <c>blocks[2]</c> → <c>blocks</c>), or the file start.
    /// </summary>
    public SourceSpan Locate(string path)
    {
        for (string? current = path; current is not null; current = Parent(current))
        {
            if (Find(current) is { } span) return span;
        }
        return SourceSpan.StartOf(File);
    }

    /// <summary>Gives a path-based diagnostic its location in this file.</summary>
    public DslDiagnostic Locate(DslDiagnostic diagnostic) =>
        diagnostic.Location is null && diagnostic.NodePath is not null
            ? diagnostic with { Location = Locate(diagnostic.NodePath) }
            : diagnostic;

    private SourceSpan? Find(string path)
    {
        int low = 0, high = Entries.Count - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) / 2);
            int order = string.CompareOrdinal(Entries[middle].Path, path);
            if (order == 0) return Entries[middle].Span;
            if (order < 0) low = middle + 1;
            else high = middle - 1;
        }
        return null;
    }

    private static string? Parent(string path)
    {
        int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut > 0 ? path.Substring(0, cut) : path.Length > 0 ? "" : null;
    }
}
