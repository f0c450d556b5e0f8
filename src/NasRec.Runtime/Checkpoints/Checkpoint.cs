using System.Text;
using System.Text.Json;
using NasRec.Runtime.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace NasRec.Runtime.Checkpoints;

/// <summary>
/// A training checkpoint file: a JSON header (<see cref="CheckpointHeader"/>), the model's state dict and, for the
/// checkpoints a run resumes from, the optimizer's accumulators. Tensors are stored bit for bit, so a resumed run
/// continues exactly. Written atomically.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "NASRECCK";
    // 2: the model source names its kind (subnet or supernet).
    private const int FormatVersion = 2;

    private static readonly JsonSerializerOptions Json = new();

    public static void Save(string path, CheckpointHeader header, nn.Module model, RowSparseAdagrad? optimizer)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Encoding.ASCII.GetBytes(Magic));
            writer.Write(FormatVersion);
            writer.Write(JsonSerializer.Serialize(header with { HasOptimizerState = optimizer is not null }, Json));
            WriteTensors(writer, model.state_dict().Select(entry => (entry.Key, entry.Value)).ToList());
            if (optimizer is not null) WriteTensors(writer, optimizer.Accumulators.ToList());
            writer.Flush();
        });
    }

    public static CheckpointHeader ReadHeader(string path)
    {
        using var reader = Open(path);
        return ReadHeader(reader, path);
    }

    /// <summary>Loads the weights into <paramref name="model"/> and, when given, the accumulators into <paramref name="optimizer"/>.</summary>
    /// <exception cref="InvalidDataException">Not a checkpoint, or one of another model.</exception>
    public static CheckpointHeader Load(string path, nn.Module model, RowSparseAdagrad? optimizer)
    {
        using var reader = Open(path);
        var header = ReadHeader(reader, path);
        using var noGrad = no_grad();
        ReadTensors(reader, path, model.state_dict());
        if (optimizer is not null)
        {
            if (!header.HasOptimizerState)
                throw new InvalidDataException($"{path} holds weights only (a best-model checkpoint); a run resumes from last.ckpt.");
            ReadTensors(reader, path, optimizer.Accumulators.ToDictionary(a => a.Name, a => a.Accumulator));
        }
        return header;
    }

    private static BinaryReader Open(string path) => new(File.OpenRead(path), Encoding.UTF8);

    private static CheckpointHeader ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            var magic = Encoding.ASCII.GetString(reader.ReadBytes(Magic.Length));
            if (magic != Magic) throw new InvalidDataException($"{path} is not a nasrec checkpoint.");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"{path} has checkpoint format {version}; this nasrec reads format {FormatVersion}.");
            return JsonSerializer.Deserialize<CheckpointHeader>(reader.ReadString(), Json)
                ?? throw new InvalidDataException($"{path} has an empty header.");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new InvalidDataException($"{path} is not a complete nasrec checkpoint: {e.Message}", e);
        }
    }

    private static void WriteTensors(BinaryWriter writer, IReadOnlyList<(string Name, Tensor Value)> tensors)
    {
        writer.Write(tensors.Count);
        foreach (var (name, value) in tensors)
        {
            writer.Write(name);
            using var onCpu = value.cpu();
            onCpu.Save(writer);
        }
    }

    private static void ReadTensors(BinaryReader reader, string path, IDictionary<string, Tensor> targets)
    {
        try
        {
            int count = reader.ReadInt32();
            if (count != targets.Count)
                throw new InvalidDataException($"{path} holds {count} tensors where the model has {targets.Count}: it is another model's checkpoint.");
            for (int i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                if (!targets.TryGetValue(name, out var target))
                    throw new InvalidDataException($"{path} holds '{name}', which the model does not have.");
                using var loaded = TensorExtensionMethods.Load(reader);
                if (!loaded.shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"{path}: '{name}' is [{string.Join(", ", loaded.shape)}], the model's is [{string.Join(", ", target.shape)}].");
                target.copy_(loaded);
            }
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path} is truncated.", e);
        }
    }
}
