using System.CommandLine;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Subnets;
using static TorchSharp.torch;

namespace NasRec.Cli.Commands;

/// <summary><c>nasrec export-weights</c>: a checkpoint's weights as a PyTorch state dict (<c>.pt</c>) or safetensors file.</summary>
internal static class ExportWeightsCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<FileInfo>("checkpoint") { Description = "A checkpoint written by nasrec train" }.AcceptExistingOnly();
        var format = new Option<string>("--format") { Description = "pt (torch.load) or safetensors", DefaultValueFactory = _ => "pt" }.AcceptOnlyFromAmong("pt", "safetensors");
        var output = new Option<FileInfo?>("--output", "-o") { HelpName = "file", Description = "Where to write (default: beside the checkpoint, with the format's extension)" };

        var command = new Command("export-weights",
            "Writes a checkpoint's weights for PyTorch users: a state dict with the module names of the subnet " +
            "(embedding.weight is the fused [Σ rows, 16] table, one block of rows per sparse feature in feature order), " +
            "and beside it the subnet's description (<name>.nasrec.json), from which python/nasrec_torch.py builds the " +
            "same subnet in PyTorch (and exports it to ONNX).")
        {
            checkpoint, format, output,
        };
        command.SetAction(CommandAction.Of((r, stdout, _) =>
        {
            var path = r.GetRequiredValue(checkpoint).FullName;
            var weightsFormat = r.GetValue(format) == "safetensors" ? WeightsFormat.Safetensors : WeightsFormat.PyTorch;
            var target = r.GetValue(output)?.FullName ?? Path.ChangeExtension(path, WeightsFile.Extension(weightsFormat));
            var source = Checkpoint.ReadHeader(path).Model;
            var model = TrainingModel.Build(source, CPU);
            using var module = model.Module;
            Checkpoint.Load(path, module, optimizer: null);
            WeightsFile.Write(module, target, weightsFormat);
            stdout.WriteLine($"Wrote {target}");
            if (source is SubnetSource subnet)
            {
                var (architecture, space, dataset) = subnet.Resolve();
                var description = SubnetDescription.WriteBeside(target, architecture, space, dataset, model.TableSizes);
                stdout.WriteLine($"Wrote {description}: python/nasrec_torch.py builds the subnet in PyTorch from it");
            }
            return 0;
        }));
        return command;
    }
}
