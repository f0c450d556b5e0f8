namespace NasRec.Runtime;

/// <summary>
/// Marks that a project references the runtime: the source generator emits TorchSharp modules for
/// the architectures of a project that can see this type, and only typed records otherwise. A
/// dedicated type, so that renaming or moving an operator never silently switches modules off.
/// </summary>
public static class NasRecRuntime
{
}
