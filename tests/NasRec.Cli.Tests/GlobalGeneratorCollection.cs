namespace NasRec.Cli.Tests;

/// <summary>
/// Tests whose in-process runs seed torch's global generator and assert on what training reaches from those initial
/// weights: run alone, since another test drawing from that generator at the same time changes the draws.
/// </summary>
[CollectionDefinition(nameof(GlobalGeneratorCollection), DisableParallelization = true)]
public sealed class GlobalGeneratorCollection;
