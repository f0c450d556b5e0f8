using NasRec.Dsl.Analysis;
using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Validation;

/// <summary>
/// Checks an architecture: its wiring, then against its search space and dataset. Diagnostics carry node paths
/// (<c>blocks[2].dense.width</c>); the file's source map locates them.
/// </summary>
public static class ArchitectureValidator
{
    /// <summary>What any parsed document gets checked for against the catalog: only architectures refer to others.</summary>
    public static EquatableArray<DslDiagnostic> Validate(NasRecDocument? document, DocumentCatalog catalog) =>
        document is Architecture architecture ? Validate(architecture, catalog).ToEquatableArray() : EquatableArray<DslDiagnostic>.Empty;

    public static IReadOnlyList<DslDiagnostic> Validate(Architecture architecture, DocumentCatalog catalog)
    {
        var diagnostics = new List<DslDiagnostic>();
        for (int i = 0; i < architecture.Blocks.Count; i++)
        {
            BlockWiring.Check(architecture.Blocks[i], i, diagnostics);
        }
        var space = catalog.Space(architecture.Space);
        var dataset = catalog.Dataset(architecture.Dataset);
        if (space is null && !catalog.IsBroken(architecture.Space))
        {
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.UnknownSpace, "space", architecture.Space, KnownNames(catalog.Spaces)));
        }
        if (dataset is null && !catalog.IsBroken(architecture.Dataset))
        {
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.UnknownDataset, "dataset", architecture.Dataset, KnownNames(catalog.Datasets)));
        }
        if (space is null) return diagnostics;

        if (architecture.Blocks.Count != space.Blocks)
        {
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.WrongBlockCount, "blocks", architecture.Blocks.Count, space.Name, space.Blocks));
        }
        var choices = new Choices(space);
        for (int i = 0; i < architecture.Blocks.Count; i++)
        {
            CheckBlock(architecture.Blocks[i], i, space, choices, diagnostics);
        }

        if (dataset is not null && !diagnostics.Any(d => d.IsError))
        {
            var (dense, sparse) = ArchitectureAnalyzer.Liveness(architecture.Blocks);
            for (int i = 0; i < architecture.Blocks.Count; i++)
            {
                if (!dense[i + 1] && !sparse[i + 1]) diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.DeadBlock, Path(i), i));
            }
        }
        return diagnostics;
    }

    private static void CheckBlock(Block block, int i, SearchSpace space, Choices choices, List<DslDiagnostic> diagnostics)
    {
        var dense = block.Dense;
        var sparse = block.Sparse;
        if (!choices.DenseOperators.Contains(dense.Operator))
        {
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.OperatorNotInSpace, Path(i, "dense.op"), "dense", dense.Operator.Name(), space.Name,
                string.Join(", ", space.DenseOperators.Select(op => op.Name()))));
        }
        if (!choices.SparseOperators.Contains(sparse.Operator))
        {
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.OperatorNotInSpace, Path(i, "sparse.op"), "sparse", sparse.Operator.Name(), space.Name,
                string.Join(", ", space.SparseOperators.Select(op => op.Name()))));
        }
        if (!choices.Widths.Contains(dense.Width))
        {
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.WidthNotInSpace, Path(i, "dense.width"), dense.Width, space.Name, string.Join(", ", space.DenseWidths)));
        }
        if (!choices.Tokens.Contains(sparse.Tokens))
        {
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.TokensNotInSpace, Path(i, "sparse.tokens"), sparse.Tokens, space.Name, string.Join(", ", space.SparseTokens)));
        }
        if (dense.Inputs.Count > space.MaxInputs)
        {
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.TooManyInputs, Path(i, "dense.inputs"), i, dense.Inputs.Count, "dense", space.Name, space.MaxInputs));
        }
        if (sparse.Inputs.Count > space.MaxInputs)
        {
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.TooManyInputs, Path(i, "sparse.inputs"), i, sparse.Inputs.Count, "sparse", space.Name, space.MaxInputs));
        }
        if (block.DenseToSparse && !space.DenseToSparse)
        {
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.SwitchNotInSpace, Path(i, "denseToSparse"), space.Name, "denseToSparse"));
        }
        if (block.Fm && !space.Fm)
        {
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.SwitchNotInSpace, Path(i, "fm"), space.Name, "fm"));
        }
    }

    /// <summary>The space's choices as sets, so that checking a block costs the same whatever the number of choices.</summary>
    private sealed class Choices(SearchSpace space)
    {
        public HashSet<DenseOperator> DenseOperators { get; } = new(space.DenseOperators);

        public HashSet<SparseOperator> SparseOperators { get; } = new(space.SparseOperators);

        public HashSet<int> Widths { get; } = new(space.DenseWidths);

        public HashSet<int> Tokens { get; } = new(space.SparseTokens);
    }

    private static string Path(int block, string? member = null) =>
        "blocks[" + block.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]" + (member is null ? "" : "." + member);

    private static string KnownNames(IEnumerable<NasRecDocument> documents)
    {
        var names = documents.Select(d => d.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        return names.Count == 0 ? "(none)" : string.Join(", ", names);
    }
}
