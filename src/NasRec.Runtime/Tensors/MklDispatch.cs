using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// Lets MKL, libtorch's BLAS, choose its GEMM kernels by the CPU's features rather than its vendor. MKL runs its AVX2
/// kernels on any non-Intel CPU, so on an AMD CPU with AVX-512 (Zen 4, Zen 5) a float32 GEMM ran at 73-85 GFLOP/s per
/// core where the AVX-512 kernels run at 130-192 (docs/benchmarks.md): the products are most of every step here. MKL asks
/// whether the CPU is Intel's through one exported function that libtorch calls through its PLT; a one-line library
/// answering yes (build/mkl-dispatch.c, built beside TorchSharp's native library) is loaded into the process's global
/// symbol scope, which the dynamic linker searches before libtorch's own definition. MKL still checks the features, so
/// a CPU without AVX-512 keeps AVX2. The library also sets <c>MKL_CBWR=AUTO,STRICT</c> (unless set): results independent
/// of memory alignment, without which a resumed run drifted from an uninterrupted one in the last bits.
/// <c>NASREC_MKL_BY_VENDOR=1</c> keeps MKL's own choice.
/// </summary>
/// <remarks>
/// It must happen before the process's first MKL call, which binds the answer once: the runtime's module initializer
/// does it, before any of its code runs. The arithmetic stays IEEE float32; only the summation order inside a product
/// changes, as between any two BLAS builds.
/// </remarks>
public static class MklDispatch
{
    /// <summary>The library answering MKL's vendor question.</summary>
    public const string LibraryName = "libnasrec_mkl_dispatch.so";

    /// <summary>The environment variable that keeps MKL's vendor-based choice when set to 1.</summary>
    public const string KeepVendorChoiceVariable = "NASREC_MKL_BY_VENDOR";

    /// <summary>Whether the answering library is in the process's global symbol scope.</summary>
    public static bool Loaded { get; private set; }

    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Must run before the process's first MKL call, whoever makes it.")]
    internal static void LoadBeforeFirstMklCall()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        if (Environment.GetEnvironmentVariable(KeepVendorChoiceVariable) == "1") return;
        foreach (var folder in new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"), AppContext.BaseDirectory })
        {
            var path = Path.Combine(folder, LibraryName);
            if (File.Exists(path) && LibTorchLibrary.LoadGlobal(path))
            {
                Loaded = true;
                return;
            }
        }
    }

    /// <summary>
    /// MKL's own code for the kernels it runs on this CPU (0: its generic choice, which is what it reports for AVX2 on
    /// a CPU that is not Intel's), or null before libtorch is loaded or where it has no MKL.
    /// </summary>
    public static int? KernelCode()
    {
        if (!LibTorchLibrary.TryGetExport("mkl_serv_cpu_detect", out var detect)) return null;
        unsafe
        {
            return ((delegate* unmanaged<int, int>)detect)(0);
        }
    }

    /// <summary>One line for benchmark output: whose choice the products' kernels are.</summary>
    public static string Describe() => KernelCode() switch
    {
        null => "no MKL",
        var code when Loaded => $"MKL kernels chosen by CPU features (MKL code {code})",
        var code => $"MKL kernels chosen by MKL (MKL code {code})",
    };
}
