using NasRec.Runtime.Data;
using NasRec.Runtime.Operators;
using NasRec.Runtime.Optim;
using NasRec.Runtime.Subnets;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasRec.Cli.Commands;

/// <summary>
/// The benchmark's baseline: the reference's training loop written plainly in TorchSharp over the same compiled model,
/// with one <c>nn.Embedding</c> per table as the reference holds them (dense gradients), TorchSharp's Adagrad and
/// <c>clip_grad_norm_</c>. The model's fused table is bypassed by a forward hook that returns the per-table lookups, and
/// every operator runs the reference's formulation (<see cref="IReferenceFormulation"/>: linears over transposed tokens,
/// libtorch's fused attention, which PyTorch's own attention is slower than).
/// </summary>
internal sealed class BenchPlainLoop : IDisposable
{
    private readonly nn.Module<Tensor, Tensor, Tensor> model;
    private readonly ModuleList<Embedding> tables = new();
    private readonly IReadOnlyList<Parameter> parameters;
    private readonly optim.Optimizer optimizer;
    private readonly Action removeHook;

    public BenchPlainLoop(nn.Module<Tensor, Tensor, Tensor> model, double learningRate)
    {
        this.model = model;
        foreach (var reformulated in model.modules().OfType<IReferenceFormulation>()) reformulated.ReferenceFormulation = true;
        var fused = model.modules().OfType<SparseEmbedding>().Single();
        fused.Weight.requires_grad_(false);
        using (no_grad())
        {
            foreach (var rows in fused.TableSizes)
            {
                var table = nn.Embedding(rows, fused.EmbeddingDim);
                nn.init.xavier_normal_(table.weight!);
                tables.Add(table);
            }
        }
        var hook = fused.register_forward_hook((_, ids, _) =>
            stack(tables.Select((table, j) => table.call(ids.select(1, j))).ToArray(), 1));
        removeHook = hook.remove;
        parameters = model.parameters().Where(p => p.requires_grad).Concat(tables.parameters()).ToList();
        optimizer = optim.Adagrad(parameters, learningRate, eps: RowSparseAdagrad.Epsilon);
    }

    public void Step(Batch batch)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = nn.functional.binary_cross_entropy_with_logits(model.call(batch.Dense, batch.Sparse), batch.Label);
        loss.item<float>();
        loss.backward();
        nn.utils.clip_grad_norm_(parameters, 5.0);
        optimizer.step();
    }

    public void Dispose()
    {
        removeHook();
        tables.Dispose();
        optimizer.Dispose();
    }
}
