namespace NasRec.Models.Tests;

/// <summary>
/// Tests that seed torch's global generator (manual_seed) to draw the same weights on every run: run alone, since any
/// test drawing from that generator at the same time changes what they draw.
/// </summary>
[CollectionDefinition(nameof(GlobalGeneratorCollection), DisableParallelization = true)]
public sealed class GlobalGeneratorCollection;
