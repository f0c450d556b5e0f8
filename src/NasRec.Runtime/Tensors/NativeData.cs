using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tensors;

/// <summary>Where a CPU tensor's first element lies, for kernels of ours that walk a view's rows themselves.</summary>
internal static unsafe partial class NativeData
{
    /// <summary>
    /// The address of <paramref name="tensor"/>'s first element, its storage offset included (a view's, not its
    /// storage's); valid while the tensor lives and its storage is not resized.
    /// </summary>
    public static float* Floats(Tensor tensor) => (float*)Data(tensor.Handle);

    /// <summary>
    /// Keeps tensors reachable up to this call, which follows a kernel over their <see cref="Floats"/>: an address does
    /// not keep its tensor alive, and a temporary outside any dispose scope (a backward's contiguous copy of its
    /// gradient, say) could otherwise be finalized, freeing its storage, while the kernel still reads it.
    /// </summary>
    public static void KeepAlive(params ReadOnlySpan<Tensor?> tensors)
    {
        foreach (var tensor in tensors) GC.KeepAlive(tensor);
    }

    [LibraryImport("LibTorchSharp", EntryPoint = "THSTensor_data")]
    private static partial nint Data(nint tensor);
}
