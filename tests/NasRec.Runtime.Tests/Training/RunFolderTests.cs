using NasRec.Runtime.Training;

namespace NasRec.Runtime.Tests.Training;

public sealed class RunFolderTests
{
    [Fact]
    public void ResumingDropsTheMetricsACrashedRunWroteAfterItsCheckpoint()
    {
        var directory = Directory.CreateTempSubdirectory("nasrec-run-").FullName;
        try
        {
            using (var run = new RunFolder(directory))
            {
                foreach (long step in new long[] { 3, 5, 8 }) run.Log("train", step, new[] { ("loss", 0.5) });
            }
            using (var resumed = new RunFolder(directory))
            {
                resumed.TruncateMetricsAfter(5);
                resumed.Log("train", 6, new[] { ("loss", 0.25) });
            }

            Assert.Equal(
                new[] { "{\"split\":\"train\",\"step\":3,\"loss\":0.5}", "{\"split\":\"train\",\"step\":5,\"loss\":0.5}", "{\"split\":\"train\",\"step\":6,\"loss\":0.25}" },
                File.ReadAllLines(Path.Combine(directory, "metrics.jsonl")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
