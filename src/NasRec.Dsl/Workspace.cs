using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Dsl.Validation;

namespace NasRec.Dsl;

/// <summary>
/// A set of NasRec YAML files read together, as the generator sees a project and the CLI sees a
/// folder: every file parsed, architectures validated against the spaces and datasets, names
/// checked for uniqueness, and all diagnostics located in their files.
/// </summary>
public sealed class Workspace
{
    /// <summary>The file endings the DSL compiles.</summary>
    public static readonly IReadOnlyList<string> Extensions = new[] { ".space.yaml", ".arch.yaml", ".dataset.yaml" };

    private Workspace(IReadOnlyList<ParseResult> files, DocumentCatalog catalog, IReadOnlyList<DslDiagnostic> diagnostics)
    {
        Files = files;
        Catalog = catalog;
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<ParseResult> Files { get; }

    public DocumentCatalog Catalog { get; }

    /// <summary>Every diagnostic of every file, located, ordered by file and position.</summary>
    public IReadOnlyList<DslDiagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public IEnumerable<Architecture> Architectures => Files.Select(f => f.Document).OfType<Architecture>();

    public static bool IsDslFile(string path) =>
        Extensions.Any(ext => path.EndsWith(ext, StringComparison.OrdinalIgnoreCase));

    public static Workspace Load(IEnumerable<(string File, string Text)> files) =>
        Compose(files.Select(f => DocumentParser.Parse(f.File, f.Text)).ToList());

    /// <summary>This workspace with one more file, checked against the others (as if it were on disk beside them).</summary>
    public Workspace With(string file, string text) => Compose(Files.Append(DocumentParser.Parse(file, text)).ToList());

    /// <summary>
    /// The document checks after parsing, in order: the catalog of spaces and datasets, each architecture
    /// validated against it, then names made unique. The source generator runs the same steps one by one,
    /// so that each is cached on its own inputs.
    /// </summary>
    private static Workspace Compose(List<ParseResult> parsed)
    {
        var catalog = DocumentCatalog.From(parsed);
        var byFile = parsed.GroupBy(p => p.File, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var diagnostics = new List<DslDiagnostic>();
        foreach (var file in parsed)
        {
            diagnostics.AddRange(file.Diagnostics);
            diagnostics.AddRange(ArchitectureValidator.Validate(file.Document, catalog).Select(file.SourceMap.Locate));
        }
        foreach (var (file, diagnostic) in DuplicateNames.Find(parsed))
        {
            diagnostics.Add(byFile[file].SourceMap.Locate(diagnostic));
        }
        var ordered = diagnostics
            .OrderBy(d => d.Location?.File, StringComparer.Ordinal)
            .ThenBy(d => d.Location?.StartOffset ?? 0)
            .ThenBy(d => d.Rule.Id, StringComparer.Ordinal)
            .ToList();
        return new Workspace(parsed, catalog, ordered);
    }

    /// <summary>Loads every DSL file below <paramref name="directory"/>.</summary>
    public static Workspace LoadDirectory(string directory)
    {
        var paths = Directory.EnumerateFiles(directory, "*.yaml", SearchOption.AllDirectories)
            .Where(IsDslFile)
            .Select(Path.GetFullPath)
            .OrderBy(p => p, StringComparer.Ordinal);
        return Load(paths.Select(p => (p, File.ReadAllText(p))));
    }

    /// <summary>Diagnostics of one file.</summary>
    public IEnumerable<DslDiagnostic> DiagnosticsOf(string file) => Diagnostics.Where(d => d.Location?.File == file);
}
