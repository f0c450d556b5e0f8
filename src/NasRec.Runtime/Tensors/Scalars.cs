using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// Numbers for libtorch calls, held so that a call cannot lose them. TorchSharp turns a number passed to a tensor
/// operation into a native <see cref="Scalar"/> that nothing references once its handle is taken: a garbage collection
/// during the call lets the finalizer free it while libtorch reads it (a quickstart stopped once with "Unknown scalar
/// type" from the factorization machine's <c>square()</c>, which is <c>pow(2)</c>). So a constant is passed as one of
/// these, which live as long as the process, and any other number as a <c>using var s = value.ToScalar()</c> held
/// across the call. TorchSharp's <c>a + b</c> and <c>add(b)</c> on tensors pass an alpha of 1 that way: use
/// <see cref="Plus"/>.
/// </summary>
public static class Scalars
{
    /// <summary>The integer 1, as TorchSharp passes alpha: it suits integer tensors as well as floating-point ones.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The integer 2, as <c>square()</c> passes it to <c>pow</c>.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary><c>left + right</c> with a held alpha of 1 (the same sum).</summary>
    public static Tensor Plus(this Tensor left, Tensor right) => left.add(right, One);
}
