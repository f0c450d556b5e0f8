using static TorchSharp.torch;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// Holds what our custom autograd functions (<see cref="autograd.SingleTensorFunction{T}"/>) pass through TorchSharp's
/// bridge to libtorch until libtorch has taken its own references. The bridge (TorchSharp 0.107's <c>Node&lt;T&gt;</c>)
/// hands libtorch the handles of a function's arguments and of the tensors its forward or backward returned only after
/// the last managed reference to them has gone: in a loop without a dispose scope, a collection at that moment
/// finalizes them and libtorch copies freed memory (seen as "tensor does not have a device" inside the autograd engine
/// under <c>Benchmarks/GarbageCollectionStorm.cs</c>). The arguments and the forward's result are held to the end of
/// <see cref="Apply"/>. A backward's gradients, which the engine takes as the callback returns, are held until the
/// same thread's next backward hands over its own: no call of ours follows the engine's copy.
/// </summary>
internal static class AutogradBridge
{
    /// <summary>This thread's forward result inside <see cref="Apply"/>; owned here, not by any dispose scope.</summary>
    [ThreadStatic]
    private static Tensor? forwardResult;

    /// <summary>This thread's last backward's gradients; owned here, not by any dispose scope.</summary>
    [ThreadStatic]
    private static List<Tensor?>? gradients;

    /// <summary>Runs a function's <c>apply</c> with <paramref name="arguments"/> and the forward's result held until it returns.</summary>
    public static Tensor Apply(Func<object[], Tensor> apply, params object[] arguments)
    {
        try
        {
            return apply(arguments);
        }
        finally
        {
            GC.KeepAlive(arguments);
            // The bridge has wrapped the result by now: libtorch holds it, and the caller its own wrapper.
            forwardResult?.Dispose();
            forwardResult = null;
        }
    }

    /// <summary>A forward's result, held for the bridge until <see cref="Apply"/> returns.</summary>
    public static Tensor HandOver(Tensor result)
    {
        forwardResult = result.DetachFromDisposeScope();
        return result;
    }

    /// <summary>
    /// A backward as the bridge needs it: <paramref name="body"/> runs in a dispose scope of its own (the caller's loop may
    /// have none, and an unheld temporary could be finalized mid-call); the bridge's wrapper of the incoming gradient is
    /// ours to dispose, and disposed at the end it is held to there; the gradients are handed over.
    /// </summary>
    public static List<Tensor> Backward(Tensor incoming, Func<Tensor, List<Tensor?>> body)
    {
        using var scope = NewDisposeScope();
        using (incoming) return HandOver(body(incoming));
    }

    /// <summary>A backward's gradients (null where an input has none), held for the bridge until this thread's next backward.</summary>
    public static List<Tensor> HandOver(List<Tensor?> gradients)
    {
        foreach (var gradient in gradients) gradient?.DetachFromDisposeScope();
        var previous = AutogradBridge.gradients;
        AutogradBridge.gradients = gradients;
        if (previous is not null)
            foreach (var tensor in previous)
                if (tensor is not null && !gradients.Exists(gradient => ReferenceEquals(gradient, tensor))) tensor.Dispose();
        return gradients!;
    }
}
