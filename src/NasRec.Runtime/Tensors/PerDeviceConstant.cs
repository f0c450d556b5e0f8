using static TorchSharp.torch;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// A constant index tensor made on whichever device asks for it, and kept until another device asks.
/// Modules hold these instead of buffers: TorchSharp does not move non-persistent buffers with
/// <c>Module.to</c>, and a persistent buffer would add a non-weight entry to the state_dict.
/// </summary>
internal sealed class PerDeviceConstant(Func<Device, Tensor> create) : IDisposable
{
    private Tensor? value;

    public Tensor On(Device device)
    {
        if (value is null || value.device_type != device.type || value.device_index != device.index)
        {
            value?.Dispose();
            value = create(device).DetachFromDisposeScope();
        }
        return value;
    }

    public void Dispose() => value?.Dispose();
}
