using NasRec.Runtime.Tensors;
using static TorchSharp.torch;

namespace NasRec.Runtime.Tests.Tensors;

public sealed class AutogradBridgeTests
{
    [Fact]
    public void AForwardsResultOutlivesItsDisposeScopeUntilApplyReturns()
    {
        Tensor? handed = null;
        bool heldInside = false;

        using var returned = AutogradBridge.Apply(_ =>
        {
            using (NewDisposeScope()) handed = AutogradBridge.HandOver(ones(3));
            heldInside = !handed.IsInvalid;
            return zeros(1);
        });

        Assert.True(heldInside);
        Assert.True(handed!.IsInvalid);
        Assert.False(returned.IsInvalid);
    }

    [Fact]
    public void TheThreadsNextBackwardDisposesTheLastGradientsExceptThoseItHandsOverAgain()
    {
        var (dropped, kept) = (ones(2), ones(2));
        using (NewDisposeScope()) AutogradBridge.HandOver([dropped, kept, null]);
        Assert.False(dropped.IsInvalid);

        AutogradBridge.HandOver([kept, null]);

        Assert.True(dropped.IsInvalid);
        Assert.False(kept.IsInvalid);
    }

    [Fact]
    public async Task ABackwardOnAnotherThreadLeavesThisThreadsGradientsAlone()
    {
        var mine = AutogradBridge.HandOver([ones(2)])[0];

        var other = await Task.Factory.StartNew(() => AutogradBridge.HandOver([ones(2)])[0], TaskCreationOptions.LongRunning);

        Assert.False(mine.IsInvalid);
        Assert.False(other.IsInvalid);
    }
}
