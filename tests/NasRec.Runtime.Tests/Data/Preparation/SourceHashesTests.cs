using System.Security.Cryptography;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Preparation;

namespace NasRec.Runtime.Tests.Data.Preparation;

public sealed class SourceHashesTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nasrec-hashes-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1 << 20)] // exactly one block
    [InlineData((5 << 19) + 17)] // two blocks and an odd tail
    public void HashesEqualTheWholeFilesHashesAcrossBlockBoundaries(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var first = Path.Combine(folder, "a.tsv");
        var second = Path.Combine(folder, "b.tsv");
        File.WriteAllBytes(first, bytes);
        File.WriteAllBytes(second, [.. bytes, 42]);

        using var hashes = new SourceHashes([first, second], withMd5: path => path == first);
        var files = hashes.Finish();

        Assert.Equal([first, second], files.Select(f => f.Path));
        Assert.Equal(size, files[0].Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), files[0].Sha256);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), files[0].Md5);
        Assert.Equal(size + 1, files[1].Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([.. bytes, 42])), files[1].Sha256);
        Assert.Null(files[1].Md5);
    }

    [Fact]
    public void AFileThatCannotBeReadIsADataErrorNamingIt()
    {
        var missing = Path.Combine(folder, "missing.tsv");
        using var hashes = new SourceHashes([missing], withMd5: _ => false);

        var error = Assert.Throws<DataException>(() => hashes.Finish());

        Assert.Contains(missing, error.Message);
    }
}
