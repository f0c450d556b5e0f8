using NasRec.Runtime.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Supernets;

/// <summary>Rebuilds a trained supernet from the checkpoint <c>nasrec supernet train</c> writes.</summary>
public static class SupernetCheckpoint
{
    /// <summary>
    /// The supernet of <paramref name="runFolderOrCheckpoint"/> (a run folder's supernet.ckpt, or any checkpoint of a
    /// supernet run) on <paramref name="device"/>, built from the space, dataset and options its header carries, with its
    /// weights. Its <see cref="Supernet.Sampler"/> is null: callers run given paths or set one.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint is not a supernet's, or is damaged.</exception>
    /// <exception cref="FileNotFoundException">The folder has no supernet.ckpt (an unfinished run).</exception>
    public static Supernet Load(string runFolderOrCheckpoint, Device device)
    {
        var path = runFolderOrCheckpoint;
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, SupernetTraining.CheckpointName);
            if (!File.Exists(path))
                throw new FileNotFoundException($"{runFolderOrCheckpoint} has no {SupernetTraining.CheckpointName}: the run has not finished (continue it with --resume).", path);
        }
        if (Checkpoint.ReadHeader(path).Model is not SupernetSource source)
            throw new InvalidDataException($"{path} holds a subnet, not a supernet.");
        var (space, dataset) = source.Resolve();
        var supernet = new Supernet(space, dataset, source.Options);
        try
        {
            supernet.to(device);
            Checkpoint.Load(path, supernet, optimizer: null);
            return supernet;
        }
        catch
        {
            supernet.Dispose();
            throw;
        }
    }
}
