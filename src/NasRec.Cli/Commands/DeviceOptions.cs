using System.CommandLine;
using static TorchSharp.torch;

namespace NasRec.Cli.Commands;

/// <summary><c>--device</c> and <c>--threads</c>, which every command that trains, evaluates or searches takes.</summary>
internal sealed class DeviceOptions
{
    private readonly Option<string> device = new Option<string>("--device")
    {
        Description = "Where to compute: cpu, cuda, or auto (cuda when available)",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong("cpu", "cuda", "auto");

    private readonly Option<int?> threads = new("--threads") { Description = "CPU threads for libtorch (default: libtorch's choice)" };

    public void AddTo(Command command)
    {
        command.Options.Add(device);
        command.Options.Add(threads);
    }

    /// <summary>Applies --threads and resolves --device.</summary>
    public Device Setup(ParseResult r)
    {
        if (r.GetValue(threads) is int count) SetThreads(count);
        return r.GetValue(device) switch
        {
            "cpu" => CPU,
            "cuda" when !cuda.is_available() => throw new CommandException("--device cuda: no CUDA device is available (this build uses TorchSharp-cpu unless built with -p:NasRecTorchPackage=TorchSharp-cuda-linux)"),
            "cuda" => CUDA,
            _ => cuda.is_available() ? CUDA : CPU,
        };
    }

    /// <summary>libtorch's CPU threads from <c>--threads</c>: below 1, libtorch would abort the process.</summary>
    public static void SetThreads(int count) =>
        set_num_threads(count >= 1 ? count : throw new CommandException("--threads must be at least 1"));
}
