using static TorchSharp.torch;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// Holds what our custom autograd functions (<see cref="autograd.SingleTensorFunction{T}"/>) pass through TorchSharp's
/// bridge to libtorch until libtorch has taken its own references. The bridge (TorchSharp 0.107's <c>Node&lt;T&gt;</c>)
/// hands libtorch the handles of a function's arguments and of the tensors its forward or backward returned only after
/// the last managed reference to them has gone: in a loop without a dispose scope, a collection at that moment
/// finalizes them and libtorch copies freed memory (seen as "tensor does not have a device" inside the autograd engine
/// under <c>Benchmarks/GarbageCollectionStorm.cs</c>). Arguments are held to the end of <see cref="Apply"/>; returned
/// tensors, by <see cref="HandOver(Tensor)"/>, until the same thread hands over the next, by when libtorch has long
/// copied them (the bridge copies them as the callback returns, on the thread that made them).
/// </summary>
internal static class AutogradBridge
{
    /// <summary>What this thread last handed over; owned here, not by any dispose scope.</summary>
    [ThreadStatic]
    private static List<Tensor?>? handedOver;

    /// <summary>Runs a function's <c>apply</c> with <paramref name="arguments"/> held until it returns.</summary>
    public static Tensor Apply(Func<object[], Tensor> apply, params object[] arguments)
    {
        var result = apply(arguments);
        GC.KeepAlive(arguments);
        return result;
    }

    /// <summary>A forward's result, held for the bridge.</summary>
    public static Tensor HandOver(Tensor result)
    {
        HandOver([result]);
        return result;
    }

    /// <summary>A backward's gradients (null where an input has none), held for the bridge.</summary>
    public static List<Tensor> HandOver(List<Tensor?> gradients)
    {
        foreach (var gradient in gradients) gradient?.DetachFromDisposeScope();
        var previous = handedOver;
        handedOver = gradients;
        if (previous is not null)
            foreach (var tensor in previous)
                if (tensor is not null && !gradients.Exists(gradient => ReferenceEquals(gradient, tensor))) tensor.Dispose();
        return gradients!;
    }
}
