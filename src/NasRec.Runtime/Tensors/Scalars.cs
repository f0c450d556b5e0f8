using TorchSharp;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// Numbers for libtorch calls, held so that a call cannot lose them. TorchSharp turns a number passed to a tensor
/// operation into a native <see cref="Scalar"/> that nothing references once its handle is taken: a garbage collection
/// during the call lets the finalizer free it while libtorch reads it (a quickstart stopped once with "Unknown scalar
/// type" from the factorization machine's <c>square()</c>, which is <c>pow(2)</c>). So a constant is passed as one of
/// these, which live as long as the process, and any other number as a <c>using var s = value.ToScalar()</c> held
/// across the call.
/// </summary>
public static class Scalars
{
    /// <summary>1.0.</summary>
    public static readonly Scalar One = 1.0.ToScalar();

    /// <summary>The integer 2, as <c>square()</c> passes it to <c>pow</c>.</summary>
    public static readonly Scalar Two = 2.ToScalar();
}
