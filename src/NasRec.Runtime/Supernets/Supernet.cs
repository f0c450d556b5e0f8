using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;
using NasRec.Runtime.Operators;
using NasRec.Runtime.Subnets;
using NasRec.Runtime.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Supernets;

/// <summary>
/// The weight-sharing supernet of any space over any dataset (spec §2): every operator of every block
/// built once at the space's widest width d_max (tokens s_max) and run in its elastic mode, where the
/// output keeps the first d (or s) units of the path's choice and the rest are zeros. Block i reads
/// every earlier output, unselected ones as zeros: n_dense + d_max·i dense columns and
/// n_sparse + (s_max + 8)·i tokens (the dense→sparse merger always adds 8 tokens, zeros when off).
/// Maps dense features <c>[B, n_dense]</c> and sparse ids <c>[B, n_sparse]</c> to logits <c>[B, 1]</c>.
/// Submodules are named <c>embedding</c>, <c>block{i}_{operator}</c> (e.g. <c>block0_dot_product</c>;
/// the zeros operators hold no state and are not registered), <c>block{i}_fm</c>,
/// <c>block{i}_dense_to_sparse</c> and <c>head</c>.
/// Not sealed: the generator's typed supernet of a space derives from it, so that it is this module
/// (same parameter names, usable wherever a supernet is) with the space's typed architecture records on top.
/// </summary>
public class Supernet : nn.Module<Tensor, Tensor, Tensor>, IGradientSlicing
{
    private readonly SparseEmbedding embedding;
    private readonly Linear head;
    private readonly List<BlockModules> blocks = new();
    private readonly SupernetReport report;
    private readonly int denseWidth;
    private readonly int sparseTokens;
    private readonly int embeddingDim;

    public Supernet(SearchSpace space, DatasetSchema dataset, SupernetOptions options)
        : base(space.Name + "Supernet")
    {
        Space = space;
        Dataset = dataset;
        Options = options;
        report = SupernetAnalyzer.Analyze(space, dataset, options.LayerNorm);
        denseWidth = report.DenseWidth;
        sparseTokens = space.SparseTokens.Max();
        embeddingDim = space.EmbeddingDim;

        embedding = new SparseEmbedding(SparseEmbedding.Capped(dataset.TableSizes(null), options.TableCap), embeddingDim);
        register_module("embedding", embedding);
        for (int i = 0; i < space.Blocks; i++)
        {
            var shape = new OperatorShape(DenseInputWidth(i), DenseInputWidth(i), DenseInputWidth(i), InputTokens(i), denseWidth, sparseTokens, embeddingDim, options.LayerNorm);
            string prefix = "block" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "_";
            nn.Module Build(OperatorTraits traits, string name)
            {
                var module = OperatorFactory.Create(traits.Module(shape), options.LayerNorm, space.Activation);
                // The zeros operators hold no state; registering them would clash (dense and sparse zeros share a name).
                if (module.parameters().Any()) register_module(prefix + name, module);
                return module;
            }
            blocks.Add(new BlockModules(
                space.DenseOperators.ToDictionary(op => op, op => Elastic(Build(OperatorTraits.Of(op), ModuleName(op.Name())))),
                space.SparseOperators.ToDictionary(op => op, op => Elastic(Build(OperatorTraits.Of(op), ModuleName(op.Name())))),
                space.Fm ? (FactorizationMachine)Build(OperatorTraits.Fm, "fm") : null,
                space.DenseToSparse ? (DenseToSparseMerger)Build(OperatorTraits.DenseToSparse, "dense_to_sparse") : null));
        }
        head = nn.Linear(report.HeadInput, 1);
        register_module("head", head);
        WeightInitialization.Apply(this);
    }

    public SearchSpace Space { get; }

    public DatasetSchema Dataset { get; }

    public SupernetOptions Options { get; }

    /// <summary>Draws the path of each <see cref="forward"/> call.</summary>
    public PathSampler? Sampler { get; set; }

    /// <summary>The path the last <see cref="forward"/> call ran.</summary>
    public SubnetChoice? LastChoice { get; private set; }

    /// <summary><c>Linear(d_max + (s_max + 8)·E → 1)</c>, registered as <c>head</c>.</summary>
    public Linear Head => head;

    public SparseEmbedding Embedding => embedding;

    /// <summary>
    /// Set by the optimizer: the operators' linear layers then take the gradients of the weight columns a path reads
    /// only (each block reads some earlier outputs, and of those only the kept units).
    /// </summary>
    public GradientSlices? GradientSlices { get; set; }

    /// <summary>Parameters outside the embedding tables.</summary>
    public long NonEmbeddingParameters => named_parameters().Where(p => !p.name.StartsWith("embedding.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());

    /// <summary>The width of block <paramref name="block"/>'s concatenated dense inputs: n_dense + d_max·i.</summary>
    public int DenseInputWidth(int block) => report.Blocks[block].DenseIn;

    /// <summary>The token count of block <paramref name="block"/>'s concatenated sparse inputs: n_sparse + (s_max + 8)·i.</summary>
    public int InputTokens(int block) => report.Blocks[block].TokensIn;

    /// <summary>Logits for a new path drawn by <see cref="Sampler"/>.</summary>
    public override Tensor forward(Tensor dense, Tensor sparseIds)
    {
        var sampler = Sampler ?? throw new InvalidOperationException("The supernet has no path sampler: set Sampler, or pass a choice to Forward.");
        LastChoice = sampler.Next();
        return Forward(dense, sparseIds, LastChoice);
    }

    /// <summary>Logits for <paramref name="choice"/>.</summary>
    public Tensor Forward(Tensor dense, Tensor sparseIds, SubnetChoice choice)
    {
        using var scope = NewDisposeScope();
        return head.call(HeadInput(dense, sparseIds, choice)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Everything before the head, <c>[B, d_max + (s_max + 8)·E]</c>: the last block's dense output and its
    /// tokens flattened token-major. Safe to call from several threads at once under no_grad.
    /// </summary>
    public Tensor HeadInput(Tensor dense, Tensor sparseIds, SubnetChoice choice)
    {
        ThrowIfInvalid(choice);
        using var scope = NewDisposeScope();
        var denseOutputs = new List<ZeroPadded> { ZeroPadded.Whole(dense) };
        var tokenOutputs = new List<ZeroPadded> { ZeroPadded.Whole(embedding.call(sparseIds).transpose(1, 2)) };
        var reaching = ReachingTheHead(choice);
        for (int i = 0; i < blocks.Count; i++)
        {
            var (denseOut, tokensOut) = reaching[i]
                ? Block(i, choice.Blocks[i], denseOutputs, tokenOutputs)
                : (denseOutputs[0].With([], denseWidth), tokenOutputs[0].With([], sparseTokens + OperatorTraits.MergerTokens));
            denseOutputs.Add(denseOut);
            tokenOutputs.Add(tokensOut);
        }
        var tokens = tokenOutputs[^1].Materialize().transpose(1, 2).flatten(1);
        return cat([denseOutputs[^1].Materialize(), tokens], 1).MoveToOuterDisposeScope();
    }

    private (ZeroPadded Dense, ZeroPadded Tokens) Block(int index, BlockChoice choice, List<ZeroPadded> dense, List<ZeroPadded> tokens)
    {
        var modules = blocks[index];
        // Full-path reads the same outputs as dense inputs, left and right: gathered once for the three.
        var gathered = new Dictionary<EquatableArray<int>, ZeroPadded>();
        ZeroPadded DenseInputs(EquatableArray<int> chosen) =>
            gathered.TryGetValue(chosen, out var input) ? input : gathered[chosen] = Gather(dense, chosen, DenseInputWidth(index), DenseOffset);
        var inputs = new ElasticInputs(
            DenseInputs(choice.DenseInputs),
            Gather(tokens, choice.SparseInputs, InputTokens(index), TokenOffset),
            DenseInputs(choice.Left),
            DenseInputs(choice.Right),
            choice.DenseWidth,
            choice.SparseTokens,
            Options.Compute == SupernetCompute.Sliced) { Masked = Options.Compute == SupernetCompute.Masked };

        // Both unit axes last: the dense outputs' [B, d] and the sparse ones' transposed [B, E, s].
        var denseNode = Sum(choice.DenseOperators.Select(op => KeepFirst(modules.Dense[op].Forward(inputs), choice.DenseWidth)));
        var sparseNode = Sum(choice.SparseOperators.Select(op => KeepFirst(modules.Sparse[op].Forward(inputs), choice.SparseTokens)));
        var denseOut = choice.Fm
            ? denseNode.Plus(KeepFirst(modules.Fm!.Forward(sparseNode, inputs.ComputedWidth(denseWidth)), choice.DenseWidth))
            : denseNode;

        var tokenParts = new List<ZeroPaddedPart> { new(0, sparseNode) };
        if (choice.DenseToSparse)
        {
            // The reference's merger reads a view of the dense output when d_max = 8·E, so it then sees the FM
            // added in place (spec §9.3); otherwise it reads a copy taken before the FM.
            bool afterFm = denseWidth == OperatorTraits.MergerTokens * embeddingDim;
            var merged = modules.Merger!.Forward(DenseOutput(afterFm ? denseOut : denseNode));
            tokenParts.Add(new ZeroPaddedPart(sparseTokens, merged.transpose(1, 2)));
        }
        var tokensOut = new ZeroPadded([sparseNode.shape[0], embeddingDim], sparseTokens + OperatorTraits.MergerTokens, tokenParts, sparseNode.dtype, sparseNode.device);
        return (DenseOutput(denseOut), Options.Compute == SupernetCompute.Masked ? ZeroPadded.Whole(tokensOut.Materialize()) : tokensOut);
    }

    /// <summary>
    /// Which blocks' outputs reach the head (spec §8.2 liveness). The others change neither the logits nor any gradient,
    /// so they are left out (as zeros that nothing reads) except by Masked, the reference's arithmetic. Only for an
    /// architecture (a single-operator choice), where liveness is defined; any other path runs every block.
    /// </summary>
    private bool[] ReachingTheHead(SubnetChoice choice)
    {
        if (Options.Compute == SupernetCompute.Masked || !choice.IsSingleOperator) return Enumerable.Repeat(true, blocks.Count).ToArray();
        var (dense, sparse) = ArchitectureAnalyzer.Liveness(choice.ToArchitecture(Space.Name, Space, Dataset).Blocks);
        return Enumerable.Range(0, blocks.Count).Select(i => dense[i + 1] || sparse[i + 1]).ToArray();
    }

    /// <summary>A block's dense output as the d_max units later blocks see.</summary>
    private ZeroPadded DenseOutput(Tensor kept) =>
        new([kept.shape[0]], denseWidth, [new ZeroPaddedPart(0, kept)], kept.dtype, kept.device, GradientSlices);

    /// <summary>
    /// The chosen outputs laid out at their places in the concatenation of all earlier outputs, the others
    /// zero, touching ones joined. Masked computes over the full concatenation, zeros written out, as the reference does.
    /// </summary>
    private ZeroPadded Gather(List<ZeroPadded> outputs, EquatableArray<int> chosen, long size, Func<int, long> offset)
    {
        var first = outputs[0];
        var parts = chosen.SelectMany(j => outputs[j].Shifted(offset(j))).ToList();
        var gathered = new ZeroPadded([.. first.LeadingShape], size, parts, first.Dtype, first.Device, GradientSlices);
        return Options.Compute == SupernetCompute.Masked ? ZeroPadded.Whole(gathered.Materialize()) : gathered.Joined();
    }

    private long DenseOffset(int output) => output == 0 ? 0 : DenseInputWidth(output - 1);

    private long TokenOffset(int output) => output == 0 ? 0 : InputTokens(output - 1);

    /// <summary>Keeps the first <paramref name="kept"/> units of the last axis: a 0/1 mask (Masked) or a slice (the rest are zeros).</summary>
    private Tensor KeepFirst(Tensor output, long kept)
    {
        if (Options.Compute == SupernetCompute.Masked)
        {
            return output * ConstantCache.KeepFirst(output.shape[^1], kept, trailingDims: 0, output.dtype, output.device);
        }
        // All of them: a narrow would still cost its backward a zero-filled copy of the gradient.
        return kept == output.shape[^1] ? output : output.narrow(-1, 0, kept);
    }

    private static Tensor Sum(IEnumerable<Tensor> outputs) => outputs.Aggregate((a, b) => a.Plus(b));

    private static string ModuleName(string operatorName) => operatorName.Replace('-', '_');

    private static IElasticOperator Elastic(nn.Module module) => module as IElasticOperator
        ?? throw new InvalidOperationException($"Operator module {module.GetType().Name} has no supernet (elastic) mode.");

    /// <summary>A path must be one of this space's: wrong operators, widths or connections fail loudly.</summary>
    private void ThrowIfInvalid(SubnetChoice choice)
    {
        if (choice.Blocks.Count != blocks.Count)
            throw new ArgumentException($"The choice has {choice.Blocks.Count} blocks; space '{Space.Name}' has {blocks.Count}.", nameof(choice));
        for (int i = 0; i < blocks.Count; i++)
        {
            var block = choice.Blocks[i];
            string? problem = ProblemIn(block, i);
            if (problem is not null) throw new ArgumentException($"Block {i} of the choice: {problem}", nameof(choice));
        }
    }

    private string? ProblemIn(BlockChoice block, int index)
    {
        foreach (var (name, connections) in new[] { ("dense inputs", block.DenseInputs), ("sparse inputs", block.SparseInputs), ("left", block.Left), ("right", block.Right) })
        {
            if (connections.Count == 0) return $"{name} are empty.";
            if (connections.Any(j => j < 0 || j > index)) return $"{name} {connections} name outputs outside 0..{index}.";
            if (connections.Zip(connections.Skip(1)).Any(pair => pair.First >= pair.Second)) return $"{name} {connections} are not ascending and distinct.";
        }
        if (block.DenseOperators.Count == 0 || block.SparseOperators.Count == 0) return "it needs at least one dense and one sparse operator.";
        var unknownDense = block.DenseOperators.Where(op => !Space.DenseOperators.Contains(op)).ToList();
        if (unknownDense.Count > 0) return $"dense operator {string.Join(", ", unknownDense)} is not in space '{Space.Name}'.";
        var unknownSparse = block.SparseOperators.Where(op => !Space.SparseOperators.Contains(op)).ToList();
        if (unknownSparse.Count > 0) return $"sparse operator {string.Join(", ", unknownSparse)} is not in space '{Space.Name}'.";
        if (!Space.DenseWidths.Contains(block.DenseWidth)) return $"width {block.DenseWidth} is not one of {Space.DenseWidths}.";
        if (!Space.SparseTokens.Contains(block.SparseTokens)) return $"{block.SparseTokens} tokens is not one of {Space.SparseTokens}.";
        if (block.Fm && !Space.Fm) return $"space '{Space.Name}' has no FM merger.";
        if (block.DenseToSparse && !Space.DenseToSparse) return $"space '{Space.Name}' has no dense→sparse merger.";
        return null;
    }

    /// <summary>One block's modules: every operator of the space, the FM and the merger (null where the space has none).</summary>
    private sealed record BlockModules(
        Dictionary<DenseOperator, IElasticOperator> Dense, Dictionary<SparseOperator, IElasticOperator> Sparse, FactorizationMachine? Fm, DenseToSparseMerger? Merger);
}
