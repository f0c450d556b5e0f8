using System.Collections.Concurrent;
using System.Reflection;
using TorchSharp;
using Xunit.Sdk;

[assembly: NasRec.Tests.TensorsHeldDuringEachTest]

namespace NasRec.Tests;

/// <summary>
/// Runs each synchronous test inside a TorchSharp dispose scope. Outside one, a temporary tensor (the <c>abs()</c> of
/// <c>a.abs().max()</c>) is referenced by nothing once its handle is taken, so a collection during the next call can
/// finalize it and free the tensor libtorch is reading: a crash, or a wrong number (a gradient comparison once failed in
/// CI by 0.28 so). The scope holds every tensor the test makes until the test ends, then disposes them. Shipped code
/// holds its own: each operator's forward and each training step run in a scope.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class TensorsHeldDuringEachTestAttribute : BeforeAfterTestAttribute
{
    private static readonly ConcurrentDictionary<MethodInfo, (Thread Owner, DisposeScope Scope)> Open = new();

    public override void Before(MethodInfo methodUnderTest)
    {
        // An async test goes on on other threads after its first await, while its thread runs other tests: no scope.
        if (typeof(Task).IsAssignableFrom(methodUnderTest.ReturnType)) return;
        Open[methodUnderTest] = (Thread.CurrentThread, torch.NewDisposeScope());
    }

    public override void After(MethodInfo methodUnderTest)
    {
        // A scope is its thread's. A test that waits for work it posted (a Progress<T>'s reports) can end on another
        // thread; its scope then stays open on its own thread, holding what is made there outside any other scope.
        if (Open.TryRemove(methodUnderTest, out var open) && open.Owner == Thread.CurrentThread) open.Scope.Dispose();
    }
}
