using NasRec.Runtime.Checkpoints;

namespace NasRec.Runtime.Tests.Training;

public sealed class AtomicFileTests
{
    [Fact]
    public void ACrashWhileWritingLeavesThePreviousFileWholeAndNoTemporaryFile()
    {
        var folder = Directory.CreateTempSubdirectory("nasrec-atomic-").FullName;
        try
        {
            var path = Path.Combine(folder, "last.ckpt");
            AtomicFile.WriteAllText(path, "previous");

            Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
            {
                stream.Write(new byte[1000]);
                throw new IOException("disk full");
            }));

            Assert.Equal("previous", File.ReadAllText(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AFileThatCannotBeCreatedIsAnIOErrorNamingTheTargetNotTheTemporaryFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "nasrec-no-such-folder-" + Guid.NewGuid().ToString("N"), "run.ckpt");

        var error = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(path, "text"));

        Assert.StartsWith($"Cannot write {path}: ", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public void TwoWritersOfOneTargetUseTemporaryFilesOfTheirOwn()
    {
        var folder = Directory.CreateTempSubdirectory("nasrec-atomic-").FullName;
        try
        {
            var path = Path.Combine(folder, "summary.json");
            var temporaries = new List<string>();

            // The second writer starts while the first holds its temporary file open.
            AtomicFile.Write(path, outer =>
            {
                temporaries.AddRange(Directory.GetFiles(folder));
                AtomicFile.Write(path, inner => temporaries.AddRange(Directory.GetFiles(folder).Except(temporaries)));
                outer.Write("first"u8);
            });

            Assert.Equal(2, temporaries.Distinct().Count());
            Assert.Equal("first", File.ReadAllText(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
