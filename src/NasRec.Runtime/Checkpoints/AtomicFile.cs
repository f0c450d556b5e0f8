namespace NasRec.Runtime.Checkpoints;

/// <summary>Writes a file so that readers see the old content or the complete new one, never a part.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes to a hidden temporary file beside <paramref name="path"/> (a name of its own, so that two writers of one
    /// target never share it), flushes it to disk, then renames it over the target. If <paramref name="write"/> throws,
    /// the target is left as it was and the temporary file is removed.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/>.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        var fullPath = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = Create(temporary, fullPath))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            // Not there after the rename, or when it could not be made (in a missing folder, Delete itself would throw).
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(text);
        });

    private static FileStream Create(string temporary, string target)
    {
        try
        {
            return new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write {target}: {e.Message}", e);
        }
    }
}
