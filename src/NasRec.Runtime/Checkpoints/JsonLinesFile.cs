using System.Text;

namespace NasRec.Runtime.Checkpoints;

/// <summary>
/// An append-only file of JSON lines, each flushed as it is written, so that a run killed at any point leaves its
/// complete lines and at most a torn last one, which reading ignores and resuming cuts off.
/// </summary>
public sealed class JsonLinesFile : IDisposable
{
    private readonly StreamWriter writer;

    private JsonLinesFile(FileStream stream) => writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };

    /// <summary>Starts an empty file (replacing any).</summary>
    public static JsonLinesFile Create(string path) => new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read));

    /// <summary>
    /// Opens <paramref name="path"/> (created when missing) for appending after its complete lines, which
    /// <paramref name="lines"/> receives; a torn last line is cut off.
    /// </summary>
    public static JsonLinesFile Resume(string path, out IReadOnlyList<string> lines)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            int complete = CompleteLength(bytes);
            lines = Lines(bytes, complete);
            stream.SetLength(complete);
            stream.Position = complete;
            return new JsonLinesFile(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The complete lines of <paramref name="path"/> (a torn last line is ignored).</summary>
    public static IReadOnlyList<string> ReadLines(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return Lines(bytes, CompleteLength(bytes));
    }

    public void Append(string line) => writer.WriteLine(line);

    public void Dispose() => writer.Dispose();

    private static int CompleteLength(byte[] bytes) => Array.LastIndexOf(bytes, (byte)'\n') + 1;

    private static string[] Lines(byte[] bytes, int length) =>
        Encoding.UTF8.GetString(bytes, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
