using System.Text.Json;

namespace NasRec.Cli.Tests;

public sealed class BenchTrainCommandTests
{
    [Fact]
    public void BenchTrainMeasuresOurStepBesideThePlainLoopThenInferenceAndTheMetrics()
    {
        var (exitCode, output, error) = CliRunner.Run("bench", "train", "--models", "KddNasRecNetSmall", "--tables", "capped",
            "--cap-rows", "1000", "--steps", "1", "--warmup", "1", "--rounds", "1", "--threads", "1", "--inference-batch", "64", "--auc-rows", "10000");

        Assert.True(exitCode == 0, error);
        // Which MKL kernels ran, and the native heap's policy, are part of every figure (README, CPU kernels).
        Assert.Matches(@"Training, 1 threads, (MKL kernels chosen by (CPU features|MKL) \(MKL code \d+\)|no MKL), " +
            @"(freed native memory kept in the heap|glibc's heap policy \(NASREC_GLIBC_HEAP=1\)|the C library's heap policy):", output);
        // The training row: tables, the reference's batch for KDD (512), ours, the plain loop's and their ratio; then inference.
        Assert.Matches(@"KddNasRecNetSmall\s+1,000\s+512\s+[\d,]+\s+[\d,]+\s+\d+\.\d\d×", output);
        Assert.Matches(@"Inference, batch 64,[^\n]*\n[^\n]*\nKddNasRecNetSmall\s+[\d,]+\s+[\d,]+\s+\d+\.\d\d×", output);
        Assert.Matches(@"ROC-AUC over 10,000 scores: \d+\.\d{3} s; all metrics from logits: \d+\.\d{3} s", output);
    }

    [Fact]
    public void WithJsonBenchTrainPrintsEveryMeasurementAsOneObject()
    {
        var (exitCode, output, error) = CliRunner.Run("bench", "train", "--models", "CriteoNasRecNetSmall", "--tables", "capped",
            "--cap-rows", "1000", "--steps", "1", "--warmup", "0", "--rounds", "1", "--threads", "1", "--inference-batch", "32", "--auc-rows", "1000", "--json");

        Assert.True(exitCode == 0, error);
        using var result = JsonDocument.Parse(output);
        var root = result.RootElement;
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        var training = Assert.Single(root.GetProperty("training").EnumerateArray());
        Assert.Equal("CriteoNasRecNetSmall", training.GetProperty("model").GetString());
        Assert.Equal("capped", training.GetProperty("tables").GetString());
        Assert.Equal(1000, training.GetProperty("capRows").GetInt64());
        Assert.Equal(256, training.GetProperty("batch").GetInt32());
        Assert.True(training.GetProperty("oursSamplesPerSecond").GetDouble() > 0);
        Assert.True(training.GetProperty("plainSamplesPerSecond").GetDouble() > 0);
        var inference = Assert.Single(root.GetProperty("inference").EnumerateArray());
        Assert.Equal(32, inference.GetProperty("batch").GetInt32());
        Assert.True(inference.GetProperty("oursSamplesPerSecond").GetDouble() > 0);
        Assert.Equal(1000, root.GetProperty("metrics").GetProperty("scores").GetInt32());
        Assert.True(root.GetProperty("metrics").GetProperty("aucSeconds").GetDouble() >= 0);
    }

    [Fact]
    public void WithFullTablesBenchTrainMeasuresTheTwoSidesOneAfterTheOther()
    {
        // Avazu's full tables (151M parameters) are the smallest of the released datasets'.
        var (exitCode, output, error) = CliRunner.Run("bench", "train", "--models", "AvazuNasRecNetSmall", "--tables", "full",
            "--steps", "1", "--warmup", "1", "--rounds", "1", "--threads", "1", "--inference-batch", "64", "--auc-rows", "10000");

        Assert.True(exitCode == 0, error);
        Assert.Contains("measured alternately (with full tables one after the other, each alone in memory)", output);
        Assert.Matches(@"AvazuNasRecNetSmall\s+full\s+256\s+[\d,]+\s+[\d,]+\s+\d+\.\d\d×", output);
    }

    /// <summary>Once a native abort (libtorch's set_num_threads(0)), a NaN figure (no timed step) and NASREC900 (one class of labels).</summary>
    [Theory]
    [InlineData("bench train --threads 0", "--threads must be at least 1")]
    [InlineData("bench supernet --threads 0", "--threads must be at least 1")]
    [InlineData("bench train --steps 0", "--steps and --rounds must be at least 1, --warmup at least 0")]
    [InlineData("bench train --auc-rows 2", "--cap-rows and --inference-batch must be at least 1, --auc-rows at least 1,000 (two classes of labels)")]
    [InlineData("data bench . --batch-size 0", "--batch-size and --passes must be at least 1")]
    [InlineData("data bench . --table-cap 0", "--table-cap must be at least 1")]
    public void AMeasurementThatCannotMeasureIsOneLineAndExitOneBeforeItStarts(string command, string message)
    {
        var (exitCode, output, error) = CliRunner.Run(command.Split(' '));

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal("error: " + message, error.Trim());
    }
}
