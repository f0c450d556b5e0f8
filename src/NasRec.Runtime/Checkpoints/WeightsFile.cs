using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NasRec.Runtime.Checkpoints;

/// <summary>The formats PyTorch users read a state dict from.</summary>
public enum WeightsFormat
{
    /// <summary>A <c>.pt</c> file, as <c>torch.save</c> writes a state dict (<c>torch.load</c> reads it).</summary>
    PyTorch,
    /// <summary>A <c>.safetensors</c> file.</summary>
    Safetensors,
}

/// <summary>A module's weights for PyTorch users, under the module's parameter names, written atomically.</summary>
public static class WeightsFile
{
    public static string Extension(WeightsFormat format) => format == WeightsFormat.Safetensors ? ".safetensors" : ".pt";

    public static void Write(nn.Module module, string path, WeightsFormat format)
    {
        if (format == WeightsFormat.Safetensors) AtomicFile.Write(path, stream => module.save_safetensors(stream, leaveOpen: true));
        else AtomicFile.Write(path, stream => module.save_py(stream, leaveOpen: true));
    }
}
