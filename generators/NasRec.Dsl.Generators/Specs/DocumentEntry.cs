using NasRec.Dsl.Model;

namespace NasRec.Dsl.Generators.Specs;

/// <summary>What a file contributes once locations are set aside: equal across whitespace and comment edits.</summary>
internal sealed record DocumentEntry(string File, string? Kind, string? Name, NasRecDocument? Document);

/// <summary>A document with its validation against the catalog (node paths, no locations).</summary>
internal sealed record ValidatedDocument(DocumentEntry Entry, EquatableArray<Diagnostics.DslDiagnostic> Diagnostics);
