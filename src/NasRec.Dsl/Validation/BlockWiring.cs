using System.Globalization;
using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Validation;

/// <summary>
/// The wiring rules a block obeys whatever its space: it reads only connections 0..i, an input list
/// is a non-empty set, sum and gating have left and right. The parser reports these with exact YAML
/// locations; this check covers architectures built in code (typed records, search, import).
/// </summary>
internal static class BlockWiring
{
    public static void Check(Block block, int index, List<DslDiagnostic> diagnostics)
    {
        var dense = block.Dense;
        string name = dense.Operator.Name();
        if (dense.ReadsInputs) CheckInputs(dense.Inputs, name, Path(index, "dense.inputs"), index, diagnostics);
        if (dense.ReadsLeftRight)
        {
            CheckSide(dense.Left, "left", name, index, diagnostics);
            CheckSide(dense.Right, "right", name, index, diagnostics);
        }
        if (block.ReadsSparseInputs)
        {
            var reader = block.Sparse.ReadsInputs ? block.Sparse.Operator.Name() : name;
            CheckInputs(block.Sparse.Inputs, reader, Path(index, "sparse.inputs"), index, diagnostics);
        }
    }

    private static void CheckInputs(IReadOnlyList<int> inputs, string reader, string path, int index, List<DslDiagnostic> diagnostics)
    {
        if (inputs.Count == 0) diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.EmptyInputs, path, reader, "inputs"));
        foreach (var input in inputs.Where(input => input < 0 || input > index))
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.InputOutOfRange, path, index, input));
        foreach (var repeated in inputs.GroupBy(input => input).Where(group => group.Count() > 1))
            diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.DuplicateInput, path, repeated.Key));
    }

    private static void CheckSide(int? side, string key, string reader, int index, List<DslDiagnostic> diagnostics)
    {
        var path = Path(index, "dense." + key);
        if (side is null) diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.MissingLeftRight, Path(index, "dense"), reader, key, index));
        else if (side < 0 || side > index) diagnostics.Add(DslDiagnostic.AtPath(DiagnosticCatalog.InputOutOfRange, path, index, side.Value));
    }

    private static string Path(int block, string member) =>
        "blocks[" + block.ToString(CultureInfo.InvariantCulture) + "]." + member;
}
