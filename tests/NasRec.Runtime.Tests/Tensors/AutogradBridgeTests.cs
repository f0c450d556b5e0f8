using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Tensors;

public sealed class AutogradBridgeTests
{
    [Fact]
    public void AHandedOverTensorOutlivesTheDisposeScopeItWasMadeIn()
    {
        Tensor handed;
        using (NewDisposeScope()) handed = AutogradBridge.HandOver(ones(3));

        Assert.False(handed.IsInvalid);
        Assert.Equal(3f, handed.sum().item<float>());
    }

    [Fact]
    public void TheThreadsNextHandOverDisposesTheLastOneExceptWhatItHandsOverAgain()
    {
        var (dropped, kept) = (ones(2), ones(2));
        AutogradBridge.HandOver([dropped, kept, null]);
        Assert.False(dropped.IsInvalid);

        AutogradBridge.HandOver([kept, null]);

        Assert.True(dropped.IsInvalid);
        Assert.False(kept.IsInvalid);
    }

    [Fact]
    public void AHandOverOnAnotherThreadLeavesThisThreadsOneAlone()
    {
        var mine = AutogradBridge.HandOver(ones(2));

        var other = Task.Factory.StartNew(() => AutogradBridge.HandOver(ones(2)), TaskCreationOptions.LongRunning).Result;

        Assert.False(mine.IsInvalid);
        Assert.False(other.IsInvalid);
    }
}
