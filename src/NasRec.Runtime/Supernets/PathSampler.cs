using NasRec.Dsl.Model;

namespace NasRec.Runtime.Supernets;

/// <summary>
/// Draws the supernet's path for each forward call (spec §3.2) with the full-path warm-up of spec §3.3,
/// from one seeded <see cref="ChoiceRandom"/>. <see cref="Next"/> counts forwards as the reference's
/// counters do: the macro decision of forward t uses p(t), each block's micro decision p(t - 1),
/// because the reference increments the block counter after sampling.
/// </summary>
public sealed class PathSampler
{
    private readonly SearchSpace space;
    private readonly ConnectionCount connections;
    private readonly int warmupSteps;
    private readonly ChoiceRandom random;
    private readonly SubnetChoice? frozen;
    private long forwards;

    /// <param name="connections">How many connections (and, for any-path, operators) an any-path draw takes.</param>
    /// <param name="warmupSteps">T: forwards over which the full-path probability decays from 1 to 0 (0: no warm-up).</param>
    public PathSampler(SearchSpace space, SamplingStrategy strategy, ConnectionCount connections, int warmupSteps, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        this.space = space;
        Strategy = strategy;
        this.connections = connections;
        this.warmupSteps = warmupSteps;
        random = new ChoiceRandom(seed);
        // Fixed-path draws its path once; drawing it here, from the seed, keeps the state a pair of numbers.
        if (strategy == SamplingStrategy.FixedPath)
        {
            frozen = Draw(block => ChoiceDraws.FixedPathConnections(random, space, block), () => ChoiceDraws.SingleOperator(random, space), fullMacro: false, fullMicro: () => false);
        }
    }

    /// <summary>A sampler with the space's <c>sampling</c> defaults.</summary>
    public static PathSampler ForSpace(SearchSpace space, int seed) =>
        new(space, space.Sampling.Strategy, space.Sampling.Connections, space.Sampling.WarmupSteps, seed);

    public SamplingStrategy Strategy { get; }

    /// <summary>The forward counter and the random source, for checkpoints: setting it resumes the exact sequence of paths.</summary>
    public PathSamplerState State
    {
        get => new(forwards, random.State);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value.Forwards);
            forwards = value.Forwards;
            random.State = value.Random;
        }
    }

    /// <summary>p(t) = 1 - t/T for 0 &lt; t &lt; T, else 0: the probability that forward t's decision is full-path.</summary>
    public static double FullPathProbability(long step, int warmupSteps) =>
        step > 0 && step < warmupSteps ? 1 - (double)step / warmupSteps : 0;

    /// <summary>The path of the next forward call; advances the forward counter.</summary>
    public SubnetChoice Next()
    {
        long step = forwards++;
        return Strategy switch
        {
            SamplingStrategy.Default => Sampled(block => ChoiceDraws.AnyPathConnections(random, space, block, connections), () => ChoiceDraws.SingleOperator(random, space), step),
            SamplingStrategy.SinglePath => Sampled(block => ChoiceDraws.SinglePathConnections(random, block), () => ChoiceDraws.SingleOperator(random, space), step),
            SamplingStrategy.AnyPath => Sampled(block => ChoiceDraws.AnyPathConnections(random, space, block, connections), () => ChoiceDraws.AnyOperators(random, space, connections), step),
            SamplingStrategy.FullPath => SubnetChoice.FullPath(space),
            SamplingStrategy.FixedPath => frozen!,
            _ => throw new InvalidOperationException($"Unknown sampling strategy {Strategy}."),
        };
    }

    /// <summary>One coin for the macro decision of all blocks, then one coin per block for its micro decision.</summary>
    private SubnetChoice Sampled(Func<int, BlockConnections> macro, Func<BlockOperators> micro, long step)
    {
        bool fullMacro = random.NextDouble() < FullPathProbability(step, warmupSteps);
        return Draw(macro, micro, fullMacro, () => random.NextDouble() < FullPathProbability(step - 1, warmupSteps));
    }

    private SubnetChoice Draw(Func<int, BlockConnections> macro, Func<BlockOperators> micro, bool fullMacro, Func<bool> fullMicro)
    {
        var connectionsPerBlock = Enumerable.Range(0, space.Blocks)
            .Select(block => fullMacro ? ChoiceDraws.FullPathConnections(block) : macro(block))
            .ToList();
        return new(connectionsPerBlock
            .Select(blockConnections => BlockChoice.Of(blockConnections, fullMicro() ? ChoiceDraws.FullPathOperators(space) : micro()))
            .ToEquatableArray());
    }
}

/// <summary>A <see cref="PathSampler"/>'s state: forwards drawn so far and the random source's state.</summary>
public sealed record PathSamplerState(long Forwards, ulong Random);
