namespace NasRec.Runtime.Operators;

/// <summary>
/// An operator that computes the reference's result through an exact formulation of its own that is faster here (equal
/// within float summation order). The switch restores the reference's own formulation: the benchmark's plain loop,
/// which stands for the reference under PyTorch, runs that one.
/// </summary>
public interface IReferenceFormulation
{
    bool ReferenceFormulation { get; set; }
}
