using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using NasRec.Models.Tests.Generated;
using NasRec.Runtime.Subnets;
using NasRec.Runtime.Tensors;
using NasRec.Tests;
using TorchSharp;
using NasRec.Runtime.Checkpoints;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace NasRec.Models.Tests;

/// <summary>
/// <c>python/nasrec_torch.py</c> builds a subnet from the description <c>export-weights</c> writes and loads the
/// exported weights strictly: in PyTorch it computes the logits ours computes.
/// </summary>
[Collection(nameof(GlobalGeneratorCollection))]
public sealed class PyTorchExportTests : IDisposable
{
    private const long SmallTables = 1000;
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("nasrec-pytorch-");

    private static string RepoRoot { get; } = typeof(PyTorchExportTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    public void Dispose() => folder.Delete(recursive: true);

    public static TheoryData<string, WeightsFormat> Models
    {
        get
        {
            var data = new TheoryData<string, WeightsFormat>();
            foreach (var name in ReleasedModel.All.Select(m => m.Name).Append("EdgeCases").Append("EdgeCasesWithLayerNorm"))
            {
                foreach (var format in Enum.GetValues<WeightsFormat>()) data.Add(name, format);
            }
            return data;
        }
    }

    [PyTorchTheory]
    [MemberData(nameof(Models))]
    public void PyTorchAndItsOnnxExportComputeOurLogitsFromTheExportedWeightsAndDescription(string name, WeightsFormat format)
    {
        using var scope = NewDisposeScope();
        var (model, module) = Create(name);
        using var _ = module;
        // Biases and norms start at 0 and 1: drawn away from them, a bias or a norm wired wrongly shows.
        using (no_grad())
        {
            var generator = new Generator();
            generator.manual_seed(5);
            using var tenth = 0.1.ToScalar();
            foreach (var vector in module.parameters().Where(p => p.dim() == 1)) vector.add_(randn(vector.shape, generator: generator).mul_(tenth), Scalars.One);
        }
        var weights = Path.Combine(folder.FullName, "weights" + WeightsFile.Extension(format));
        WeightsFile.Write(module, weights, format);
        SubnetDescription.WriteBeside(weights, model.Architecture, model.Space, model.Dataset, model.Dataset.TableSizes(SmallTables).ToList());
        var (dense, ids) = model.Batch(64, SmallTables);
        var batch = Path.Combine(folder.FullName, "batch.json");
        File.WriteAllText(batch, new JsonObject { ["dense"] = Rows(dense.data<float>().ToArray(), dense.shape[1]), ["ids"] = Rows(ids.data<long>().ToArray(), ids.shape[1]) }.ToJsonString());
        var onnx = Path.Combine(folder.FullName, "model.onnx");

        float[] expected;
        using (no_grad()) expected = module.call(dense, ids).data<float>().ToArray();
        var actual = JsonSerializer.Deserialize<float[]>(RunPython(weights, "--logits", batch, "--onnx", onnx))!;

        AssertClose(expected, actual, "PyTorch");
        AssertClose(expected, RunOnnx(onnx, dense, ids), "ONNX Runtime");
    }

    private static void AssertClose(float[] expected, float[] actual, string who)
    {
        Assert.Equal(expected.Length, actual.Length);
        double largest = expected.Max(Math.Abs), difference = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(difference <= 1e-5 * Math.Max(1, largest), $"{who}'s logits differ from ours by up to {difference} (largest {largest})");
    }

    /// <summary>The exported ONNX file's logits for the batch, run by ONNX Runtime.</summary>
    private static float[] RunOnnx(string path, Tensor dense, Tensor ids)
    {
        using var session = new InferenceSession(path);
        NamedOnnxValue Input<T>(string name, Tensor value) where T : unmanaged =>
            NamedOnnxValue.CreateFromTensor(name, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<T>(value.data<T>().ToArray(), value.shape.Select(d => (int)d).ToArray()));
        using var results = session.Run([Input<float>("dense", dense), Input<long>("sparse_ids", ids)]);
        return results.Single(r => r.Name == "logits").AsTensor<float>().ToArray();
    }

    private static (ReleasedModel Model, nn.Module<Tensor, Tensor, Tensor> Module) Create(string name)
    {
        manual_seed(3);
        if (ReleasedModel.All.FirstOrDefault(m => m.Name == name) is { } released)
            return (released, released.CreateCompiled(SmallTables));
        // The edge cases, interpreted, with layer norm as their space has it (on) and off.
        var edgeCases = new ReleasedModel(name, cap => new EdgeCases(cap),
            EdgeCases.Definition with { LayerNorm = name == "EdgeCasesWithLayerNorm" }, NasRecFullZerosSpace.Definition, CriteoDataset.Definition);
        return (edgeCases, new Subnet(edgeCases.Architecture, edgeCases.Space, edgeCases.Dataset, SmallTables));
    }

    private static JsonArray Rows<T>(T[] values, long width) =>
        new(values.Chunk((int)width).Select(row => (JsonNode)new JsonArray(row.Select(v => JsonValue.Create(v)).ToArray<JsonNode?>())).ToArray());

    private static string RunPython(params string[] arguments)
    {
        var (exitCode, output, error) = PythonWithTorch.RunScript(RepoRoot, arguments);
        Assert.True(exitCode == 0, error);
        return output;
    }
}
