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
        var data = new Option<DirectoryInfo?>("--data")
        {
            HelpName = "store",
            Description = "The store the model was trained on: the description then also says how raw rows are read and encoded, " +
                "so that python/nasrec_torch.py scores raw rows as nasrec predict does (its vocabularies are copied beside)",
        };

        var command = new Command("export-weights",
            "Writes a checkpoint's weights for PyTorch users: a state dict with the module names of the subnet " +
            "(embedding.weight is the fused [Σ rows, 16] table, one block of rows per sparse feature in feature order), " +
            "and beside it the subnet's description (<name>.nasrec.json), from which python/nasrec_torch.py builds the " +
            "same subnet in PyTorch (and exports it to ONNX); with --data, from raw rows too.")
        {
            checkpoint, format, output, data,
        };
        command.SetAction(CommandAction.Of((r, stdout, _) =>
        {
            var path = r.GetRequiredValue(checkpoint).FullName;
            var weightsFormat = r.GetValue(format) == "safetensors" ? WeightsFormat.Safetensors : WeightsFormat.PyTorch;
            var target = r.GetValue(output)?.FullName ?? Path.ChangeExtension(path, WeightsFile.Extension(weightsFormat));
            var header = Checkpoint.ReadHeader(path);
            var subnet = header.Model as SubnetSource;
            var storeFolder = r.GetValue(data);
            if (subnet is null && storeFolder is not null)
                throw new CommandException($"{path} holds a supernet: --data describes raw rows for a subnet's export only");
            var model = TrainingModel.Build(header.Model, CPU);
            using var store = storeFolder is null ? null : TrainingOptions.OpenStore(storeFolder, model.Dataset);
            if (store is not null) TrainingOptions.RequireTheTrainingEncodings(path, header.Data, store);
            using var module = model.Module;
            Checkpoint.Load(path, module, optimizer: null);
            WeightsFile.Write(module, target, weightsFormat);
            stdout.WriteLine($"Wrote {target}");
            if (subnet is not null)
            {
                var (architecture, space, dataset) = subnet.Resolve();
                var description = SubnetDescription.WriteBeside(target, architecture, space, dataset, model.TableSizes, store);
                stdout.WriteLine(store is null
                    ? $"Wrote {description}: python/nasrec_torch.py builds the subnet in PyTorch from it (add --data <store> to score raw rows there too)"
                    : $"Wrote {description}: python/nasrec_torch.py builds the subnet in PyTorch from it and reads raw rows as {store.Directory} read its own");
            }
            return 0;
        }));
        return command;
    }
}
