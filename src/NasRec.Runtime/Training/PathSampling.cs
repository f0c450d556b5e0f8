using NasRec.Runtime.Data;
using NasRec.Runtime.Metrics;
using NasRec.Runtime.Supernets;

namespace NasRec.Runtime.Training;

/// <summary>What a <see cref="Trainer"/> needs of a model whose forward draws a new path each call (a supernet, spec §3.2).</summary>
/// <param name="Sampler">The sampler the training forwards draw from; every checkpoint carries its state, so that a
/// resumed run draws the same paths.</param>
/// <param name="Validate">The metrics of a validation, which draws its paths from a sampler of its own.</param>
public sealed record PathSampling(PathSampler Sampler, Func<IEnumerable<Batch>, BinaryMetrics> Validate);
