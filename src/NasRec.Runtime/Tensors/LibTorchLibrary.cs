using System.Runtime.InteropServices;

namespace NasRec.Runtime.Tensors;

/// <summary>Symbols of libtorch's native libraries and their dependencies, found through the dynamic linker (Linux).</summary>
internal static partial class LibTorchLibrary
{
    private const int RtldNow = 0x2;
    private const int RtldNoLoad = 0x4;
    private const int RtldGlobal = 0x100;

    /// <summary>
    /// The address of <paramref name="symbol"/> in libtorch's CPU library or a library it depends on (dlsym through a
    /// library's handle searches its dependencies too); false before libtorch is loaded or where it has no such symbol.
    /// </summary>
    public static bool TryGetExport(string symbol, out nint address)
    {
        address = 0;
        if (!OperatingSystem.IsLinux()) return false;
        var torch = dlopen("libtorch_cpu.so", RtldNow | RtldNoLoad);
        return torch != 0 && NativeLibrary.TryGetExport(torch, symbol, out address);
    }

    /// <summary>Loads a library into the process's global symbol scope, where the dynamic linker looks before any library's own definitions.</summary>
    public static bool LoadGlobal(string path) => OperatingSystem.IsLinux() && dlopen(path, RtldNow | RtldGlobal) != 0;

    [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint dlopen(string path, int flags);
}
