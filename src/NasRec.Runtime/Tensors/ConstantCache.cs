using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tensors;

/// <summary>
/// Zero blocks and keep-the-first-units masks, made once per (device, dtype, shape) and shared by every
/// supernet forward (the reference's mask and zero generators). Thread-safe: several threads may
/// evaluate at once. The tensors hold no parameters and live as long as the process.
/// </summary>
public static class ConstantCache
{
    private static readonly ConcurrentDictionary<string, Lazy<Tensor>> Tensors = new(StringComparer.Ordinal);

    /// <summary>Zeros of <paramref name="shape"/>.</summary>
    public static Tensor Zeros(long[] shape, ScalarType dtype, Device device) =>
        Get("zeros", shape, dtype, device, () => zeros(shape, dtype, device));

    /// <summary>
    /// A 0/1 mask of <paramref name="size"/> units keeping the first <paramref name="kept"/>, shaped
    /// <c>[size, 1, …]</c> with <paramref name="trailingDims"/> ones so that it broadcasts over the unit axis.
    /// </summary>
    public static Tensor KeepFirst(long size, long kept, int trailingDims, ScalarType dtype, Device device)
    {
        long[] shape = [size, .. Enumerable.Repeat(1L, trailingDims)];
        return Get("keep" + kept.ToString(System.Globalization.CultureInfo.InvariantCulture), shape, dtype, device, () =>
        {
            using var scope = NewDisposeScope();
            var mask = zeros(shape, dtype, device);
            mask.narrow(0, 0, kept).fill_(Scalars.One);
            return mask.MoveToOuterDisposeScope();
        });
    }

    /// <summary>
    /// Attention logits to add over <paramref name="keys"/> keys: zero, except <c>ln(count)</c> on the last, a key that
    /// stands for <paramref name="count"/> identical keys (its softmax weight is theirs together). Shaped <c>[1, keys]</c>
    /// to broadcast over the queries.
    /// </summary>
    public static Tensor LastKeyCounted(long keys, long count, ScalarType dtype, Device device) =>
        Get("counted" + count.ToString(System.Globalization.CultureInfo.InvariantCulture), [1, keys], dtype, device, () =>
        {
            using var scope = NewDisposeScope();
            var logits = zeros([1, keys], dtype, device);
            using var logCount = Math.Log(count).ToScalar();
            logits[0, keys - 1].fill_(logCount);
            return logits.MoveToOuterDisposeScope();
        });

    private static Tensor Get(string kind, long[] shape, ScalarType dtype, Device device, Func<Tensor> create)
    {
        string key = string.Join('|', kind, device.ToString(), dtype.ToString(), string.Join(',', shape));
        return Tensors.GetOrAdd(key, _ => new Lazy<Tensor>(() => create().DetachFromDisposeScope())).Value;
    }
}
