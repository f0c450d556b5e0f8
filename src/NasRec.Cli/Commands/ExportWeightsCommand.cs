using System.CommandLine;
using NasRec.Runtime.Checkpoints;
using TorchSharp.PyBridge;
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
            "(embedding.weight is the fused [Σ rows, 16] table, one block of rows per sparse feature in feature order).")
        {
            checkpoint, format, output,
        };
        command.SetAction(CommandAction.Of((r, stdout, _) =>
        {
            var path = r.GetRequiredValue(checkpoint).FullName;
            var extension = r.GetValue(format) == "safetensors" ? ".safetensors" : ".pt";
            var target = r.GetValue(output)?.FullName ?? Path.ChangeExtension(path, extension);
            var model = TrainingModel.Build(Checkpoint.ReadHeader(path).Model, CPU);
            using var module = model.Module;
            Checkpoint.Load(path, module, optimizer: null);
            if (extension == ".pt") AtomicFile.Write(target, stream => module.save_py(stream, leaveOpen: true));
            else AtomicFile.Write(target, stream => module.save_safetensors(stream, leaveOpen: true));
            stdout.WriteLine($"Wrote {target}");
            return 0;
        }));
        return command;
    }
}
