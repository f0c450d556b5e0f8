using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;
using NasRec.Dsl.Validation;
using NasRec.Runtime.Operators;
using NasRec.Runtime.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Runtime.Subnets;

/// <summary>
/// The interpreted subnet: builds any architecture of any space at run time from the DSL object
/// model, with the same submodule names (<c>embedding</c>, <c>block{i}_dense</c>, <c>block{i}_sparse</c>,
/// <c>block{i}_fm</c>, <c>block{i}_dense_to_sparse</c>, <c>head</c>) and the same arithmetic as the
/// generated compiled subnet, so weights interchange and outputs agree.
/// Maps dense features <c>[B, n_dense]</c> and sparse ids <c>[B, n_sparse]</c> to logits <c>[B, 1]</c>.
/// </summary>
public sealed class Subnet : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly SparseEmbedding embedding;
    private readonly Linear head;
    private readonly List<(BlockPlan Plan, BlockModules Modules)> blocks = new();

    /// <param name="tableCap">Caps every embedding table (500,000 rows during search); null keeps the full tables.</param>
    /// <param name="pruned">Leave out what does not reach the head (as the compiled subnet does); false builds
    /// every part, as the reference's module holds them.</param>
    public Subnet(Architecture architecture, SearchSpace space, DatasetSchema dataset, long? tableCap = null, bool pruned = true)
        : base(architecture.Name)
    {
        ThrowIfInvalid(architecture, space, dataset);
        Report = ArchitectureAnalyzer.Analyze(architecture, space, dataset);

        embedding = new SparseEmbedding(SparseEmbedding.Capped(dataset.TableSizes(null), tableCap), space.EmbeddingDim);
        register_module("embedding", embedding);
        foreach (var block in SubnetLayout.Of(Report, pruned).Blocks)
        {
            string prefix = "block" + block.Plan.Shape.Index + "_";
            nn.Module? Build(OperatorModule? operatorModule, string part)
            {
                if (operatorModule is null) return null;
                var module = OperatorFactory.Create(operatorModule, Report.LayerNorm, space.Activation);
                register_module(prefix + part, module);
                return module;
            }
            var modules = new BlockModules(
                Build(block.Dense, "dense"),
                Build(block.Sparse, "sparse"),
                (FactorizationMachine?)Build(block.Fm, "fm"),
                (DenseToSparseMerger?)Build(block.Merger, "dense_to_sparse"));
            blocks.Add((block.Plan, modules));
        }
        head = nn.Linear(Report.HeadInput, 1);
        register_module("head", head);
        WeightInitialization.Apply(this);
    }

    /// <summary>Shapes, liveness, FLOPs and parameter counts of the architecture.</summary>
    public ArchitectureReport Report { get; }

    public override Tensor forward(Tensor dense, Tensor sparseIds)
    {
        using var scope = NewDisposeScope();
        var denseOutputs = new List<Tensor?> { dense };
        var sparseOutputs = new List<Tensor?> { embedding.call(sparseIds) };
        foreach (var (plan, modules) in blocks)
        {
            var (denseOut, sparseOut) = Block(plan, modules, denseOutputs, sparseOutputs);
            denseOutputs.Add(denseOut);
            sparseOutputs.Add(sparseOut);
        }
        var headInput = cat(new[] { denseOutputs[^1]!, sparseOutputs[^1]!.flatten(1) }, 1);
        return head.call(headInput).MoveToOuterDisposeScope();
    }

    private static (Tensor? Dense, Tensor? Sparse) Block(BlockPlan plan, BlockModules modules, List<Tensor?> dense, List<Tensor?> sparse)
    {
        var block = plan.Shape.Block;
        // A token join that both operators read is built once, as the reference's block builds its sparse input.
        Tensor? joined = null;
        Tensor Tokens() => joined ??= Concat(sparse, block.Sparse.Inputs);
        var denseNode = modules.Dense is null ? null : Dense(modules.Dense, block, dense, Tokens);
        var sparseNode = modules.Sparse is null ? null : Call(modules.Sparse, [block.Sparse.ReadsInputs ? Tokens() : sparse[0]!]);
        var postFm = !plan.PostFm ? null
            : modules.Fm is not null ? denseNode!.Plus(modules.Fm.call(sparseNode!))
            : denseNode;
        Tensor? sparseOut = null;
        if (plan.SparseOut)
        {
            sparseOut = modules.Merger is not null
                ? cat(new[] { sparseNode!, modules.Merger.call(plan.MergerAfterFm ? postFm! : denseNode!) }, 1)
                : sparseNode;
        }
        return (plan.DenseOut ? postFm : null, sparseOut);
    }

    /// <summary>Calls a dense operator with what it reads, in its forward's parameter order; one that reads nothing gets the raw input for its batch size.</summary>
    private static Tensor Dense(nn.Module module, Block block, List<Tensor?> dense, Func<Tensor> tokens)
    {
        var arguments = new List<Tensor>();
        if (block.Dense.ReadsInputs) arguments.Add(Concat(dense, block.Dense.Inputs));
        if (block.Dense.ReadsSparseInputs) arguments.Add(tokens());
        if (block.Dense.ReadsLeftRight) arguments.AddRange([dense[block.Dense.Left!.Value]!, dense[block.Dense.Right!.Value]!]);
        if (arguments.Count == 0) arguments.Add(dense[0]!);
        return Call(module, arguments);
    }

    private static Tensor Call(nn.Module module, List<Tensor> arguments) => (module, arguments.Count) switch
    {
        (nn.Module<Tensor, Tensor> unary, 1) => unary.call(arguments[0]),
        (nn.Module<Tensor, Tensor, Tensor> binary, 2) => binary.call(arguments[0], arguments[1]),
        _ => throw new InvalidOperationException($"Operator module {module.GetType().Name} does not take {arguments.Count} inputs."),
    };

    /// <summary>One connection's output, or several concatenated along the feature (or token) axis, ascending.</summary>
    private static Tensor Concat(List<Tensor?> outputs, IReadOnlyList<int> inputs) =>
        inputs.Count == 1 ? outputs[inputs[0]]! : cat(inputs.Select(j => outputs[j]!).ToArray(), 1);

    /// <summary>An architecture built in code gets the checks a YAML file gets from the compiler.</summary>
    private static void ThrowIfInvalid(Architecture architecture, SearchSpace space, DatasetSchema dataset)
    {
        var catalog = new DocumentCatalog(EquatableArray.Create(space), EquatableArray.Create(dataset), EquatableArray<string>.Empty);
        var errors = ArchitectureValidator.Validate(architecture, catalog).Where(d => d.IsError).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                $"Architecture '{architecture.Name}' is not valid in space '{space.Name}' for dataset '{dataset.Name}':{Environment.NewLine}" +
                string.Join(Environment.NewLine, errors), nameof(architecture));
        }
    }

    /// <summary>The submodules one block computes with; null where the plan leaves a part out.</summary>
    private sealed record BlockModules(nn.Module? Dense, nn.Module? Sparse, FactorizationMachine? Fm, DenseToSparseMerger? Merger);
}
