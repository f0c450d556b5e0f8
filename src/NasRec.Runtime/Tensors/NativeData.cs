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

    [LibraryImport("LibTorchSharp", EntryPoint = "THSTensor_data")]
    private static partial nint Data(nint tensor);
}
