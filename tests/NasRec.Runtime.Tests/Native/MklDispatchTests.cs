using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Native;

public sealed class MklDispatchTests
{
    /// <summary>Whatever test runs first, the runtime's initializer has run before this assembly's first MKL call.</summary>
    [ModuleInitializer]
    internal static void LoadTheRuntimeFirst() => RuntimeHelpers.RunModuleConstructor(typeof(MklDispatch).Module.ModuleHandle);

    [Fact]
    public void MklChoosesItsKernelsByTheCpusFeaturesNotItsVendor()
    {
        if (!OperatingSystem.IsLinux() || !Avx2.IsSupported) return;
        using (var product = mm(ones(64, 64), ones(64, 64))) Assert.Equal(64f, product[0, 0].item<float>());

        Assert.True(MklDispatch.Loaded, $"{MklDispatch.LibraryName} was not built beside TorchSharp's native library or did not load");
        // MKL reports 0, its generic choice, for a CPU it does not treat as Intel's, whatever its features.
        Assert.NotEqual(0, MklDispatch.KernelCode());
    }
}
