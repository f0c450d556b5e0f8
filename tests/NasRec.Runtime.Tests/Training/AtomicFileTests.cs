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
}
