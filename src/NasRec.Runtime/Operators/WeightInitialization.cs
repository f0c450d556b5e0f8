using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace NasRec.Runtime.Operators;

/// <summary>The reference's <c>init_weights</c> (spec §2.7), applied to a module and all its descendants.</summary>
public static class WeightInitialization
{
    /// <summary>
    /// Linear: Xavier-uniform weight, zero bias. Attention: Xavier-uniform matrices, zero vectors.
    /// Embedding: Xavier-normal table. LayerNorms are left as built (so the transformer's stay at 0.17).
    /// </summary>
    public static void Apply(Module module)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        module.apply(Initialize);
    }

    private static void Initialize(Module module)
    {
        switch (module)
        {
            // TorchSharp's Linear is sealed, so this matches the reference's exact-type test.
            case Linear linear:
                init.xavier_uniform_(linear.weight!);
                if (linear.bias is not null) init.zeros_(linear.bias);
                break;
            // The out-projection is a Linear child, initialised by the case above: the same rule.
            case SelfAttention attention:
                foreach (var (_, parameter) in attention.named_parameters(recurse: false))
                {
                    if (parameter.dim() > 1) init.xavier_uniform_(parameter);
                    else init.zeros_(parameter);
                }
                break;
            case Embedding embedding:
                init.xavier_normal_(embedding.weight!);
                break;
        }
    }
}
