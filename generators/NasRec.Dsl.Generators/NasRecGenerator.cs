using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using NasRec.Dsl.Analysis;
using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Generators.Emit;
using NasRec.Dsl.Generators.Specs;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Dsl.Validation;

namespace NasRec.Dsl.Generators;

/// <summary>
/// Compiles NasRec YAML documents (AdditionalFiles ending in .space.yaml, .arch.yaml, .dataset.yaml)
/// into typed classes: per space, typed architecture records and enums (and, with the runtime, its typed supernet); per dataset, a typed schema;
/// per architecture, a TorchSharp subnet with straight-line forward code and dead parts left out.
/// Source and diagnostics are separate outputs, and source specs hold no locations, so an edit that
/// only moves text re-reports diagnostics but re-emits no code.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NasRecGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var hasRuntime = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(GeneratorOptions.RuntimeMarkerType) is not null);
        var options = context.AnalyzerConfigOptionsProvider
            .Combine(hasRuntime)
            .Select(static (pair, _) => GeneratorOptions.From(pair.Left.GlobalOptions, pair.Right))
            .WithTrackingName(TrackingNames.Options);

        var parsed = context.AdditionalTextsProvider
            .Where(static text => Workspace.IsDslFile(text.Path))
            .Select(static (text, token) => DocumentParser.Parse(text.Path, text.GetText(token)?.ToString() ?? ""))
            .WithTrackingName(TrackingNames.Parse);

        var documents = parsed
            .Select(static (result, _) => new DocumentEntry(result.File, result.Kind, result.Name, result.Document))
            .WithTrackingName(TrackingNames.Documents);

        // Only spaces and datasets are referred to, so editing an architecture leaves the catalog cached.
        var catalog = documents
            .Where(static entry => entry.Kind != DocumentKinds.Architecture)
            .Collect()
            .Select(static (entries, _) => DocumentCatalog.From(entries.Select(e => (e.Kind, e.Name, e.Document))))
            .WithTrackingName(TrackingNames.Catalog);

        // The files whose name or type name an earlier file already uses emit nothing (NASREC017, NASREC024 say why).
        var shadowed = documents
            .Select(static (entry, _) => (entry.File, entry.Kind, entry.Name))
            .Collect()
            .Select(static (names, _) => DuplicateNames.Find(names).Select(s => s.File).ToEquatableArray())
            .WithTrackingName(TrackingNames.Names);

        // Each document is validated once; its diagnostics carry node paths, not locations, so moving text keeps them cached.
        var validated = documents
            .Combine(catalog)
            .Select(static (pair, _) => new ValidatedDocument(pair.Left, ArchitectureValidator.Validate(pair.Left.Document, pair.Right)))
            .WithTrackingName(TrackingNames.Validation);

        var specs = validated
            .Combine(catalog)
            .Combine(shadowed)
            .Combine(options)
            .Select(static (input, _) => SpecOf(input.Left.Left.Left, input.Left.Left.Right, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.Specs);

        context.RegisterSourceOutput(specs, static (production, spec) => Emit(production, spec));

        context.RegisterSourceOutput(parsed.Select(static (result, _) => result.Diagnostics), Report);

        var validationReport = parsed
            .Collect()
            .Combine(validated.Collect())
            .Select(static (pair, _) =>
            {
                var maps = SourceMaps(pair.Left);
                return pair.Right.SelectMany(v => v.Diagnostics.Select(maps[v.Entry.File].Locate)).ToEquatableArray();
            })
            .WithTrackingName(TrackingNames.ValidationReport);
        context.RegisterSourceOutput(validationReport, Report);

        var duplicates = parsed
            .Collect()
            .Select(static (results, _) =>
            {
                var maps = SourceMaps(results);
                return DuplicateNames.Find(results).Select(found => maps[found.File].Locate(found.Diagnostic)).ToEquatableArray();
            })
            .WithTrackingName(TrackingNames.Duplicates);
        context.RegisterSourceOutput(duplicates, Report);
    }

    /// <summary>Each file's source map (the first of a repeated path, as the other steps take it).</summary>
    private static Dictionary<string, SourceMap> SourceMaps(IEnumerable<ParseResult> results) =>
        results.GroupBy(r => r.File, System.StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().SourceMap, System.StringComparer.Ordinal);

    /// <summary>The spec of the file to generate, or null when the document has errors.</summary>
    private static GenerationSpec? SpecOf(ValidatedDocument document, DocumentCatalog catalog, EquatableArray<string> shadowed, GeneratorOptions options)
    {
        try
        {
            return BuildSpec(document, catalog, shadowed, options);
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            return new FailedSpec(options, document.Entry.File, e.GetType().Name + ": " + e.Message);
        }
    }

    private static GenerationSpec? BuildSpec(ValidatedDocument document, DocumentCatalog catalog, EquatableArray<string> shadowed, GeneratorOptions options)
    {
        var entry = document.Entry;
        if (entry.Document is null || document.Diagnostics.Any(d => d.IsError) || shadowed.Contains(entry.File)) return null;
        switch (entry.Document)
        {
            case SearchSpace space:
                return new SpaceSpec(options, entry.File, space);
            case DatasetSchema dataset:
                return new DatasetSpec(options, entry.File, dataset);
            case Architecture architecture:
                // A space or dataset with errors of its own is in no catalog: its errors say why nothing is emitted.
                var itsSpace = catalog.Space(architecture.Space);
                var itsDataset = catalog.Dataset(architecture.Dataset);
                return itsSpace is null || itsDataset is null ? null
                    : new ArchitectureSpec(options, entry.File, architecture, itsSpace, itsDataset, ArchitectureAnalyzer.Analyze(architecture, itsSpace, itsDataset));
            default:
                return null;
        }
    }

    private static void Emit(SourceProductionContext production, GenerationSpec? spec)
    {
        if (spec is null) return;
        if (spec is FailedSpec failed)
        {
            production.ReportDiagnostic(RoslynDiagnostics.InternalError(failed.File, failed.Failure));
            return;
        }
        try
        {
            foreach (var (hintName, source) in Sources(spec)) production.AddSource(hintName, source);
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            production.ReportDiagnostic(RoslynDiagnostics.InternalError(spec.File, e.GetType().Name + ": " + e.Message));
        }
    }

    /// <summary>The files a spec generates: a space also has its supernet when the runtime is referenced.</summary>
    private static IEnumerable<(string HintName, string Source)> Sources(GenerationSpec spec)
    {
        switch (spec)
        {
            case SpaceSpec space:
                yield return (space.HintName, SpaceEmitter.Emit(space));
                if (space.Options.HasRuntime) yield return (space.SupernetHintName, SupernetEmitter.Emit(space));
                break;
            case DatasetSpec dataset:
                yield return (dataset.HintName, DatasetEmitter.Emit(dataset));
                break;
            case ArchitectureSpec architecture:
                yield return (architecture.HintName, ArchitectureEmitter.Emit(architecture));
                break;
        }
    }

    private static void Report(SourceProductionContext production, EquatableArray<DslDiagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics) production.ReportDiagnostic(RoslynDiagnostics.Create(diagnostic));
    }
}
