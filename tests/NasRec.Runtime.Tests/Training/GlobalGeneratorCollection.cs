namespace NasRec.Runtime.Tests.Training;

/// <summary>
/// Tests whose runs seed torch's global generator (manual_seed) and compare runs bit for bit: run alone, since any test
/// drawing from that generator at the same time changes what they draw.
/// </summary>
[CollectionDefinition(nameof(GlobalGeneratorCollection), DisableParallelization = true)]
public sealed class GlobalGeneratorCollection;
