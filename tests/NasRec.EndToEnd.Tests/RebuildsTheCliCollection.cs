namespace NasRec.EndToEnd.Tests;

/// <summary>
/// Tests that build src/NasRec.Cli again (packing it): the build copies libLibTorchSharp.so into the CLI's output
/// afresh and then patches it, and a nasrec process started from that output in between fails to load it. They run
/// alone, after the tests that start nasrec.
/// </summary>
[CollectionDefinition(nameof(RebuildsTheCliCollection), DisableParallelization = true)]
public sealed class RebuildsTheCliCollection;
