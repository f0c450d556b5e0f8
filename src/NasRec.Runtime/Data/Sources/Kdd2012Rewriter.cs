using System.Buffers.Text;

namespace NasRec.Runtime.Data.Sources;

/// <summary>
/// KDD Cup 2012 track 2 as the reference split tool reads it (spec §1.1): each line of training.txt
/// (Click, Impression, DisplayURL, AdID, AdvertiserID, Depth, Position, QueryID, KeywordID, TitleID,
/// DescriptionID, UserID) gets the user's Gender and Age from userid_profile.txt ("0" and "0" for an
/// unknown user), is reordered to Click, Impression, Depth, Position, DisplayURL, …, UserID, Gender,
/// Age, and its label becomes Click &gt; 0 (the Impression count is not expanded).
/// </summary>
public sealed class Kdd2012Rewriter : ILineRewriter
{
    public const string ProfileFile = "userid_profile.txt";
    private static readonly int[] Order = { 0, 1, 5, 6, 2, 3, 4, 7, 8, 9, 10, 11 };
    private readonly IReadOnlyDictionary<long, (int Gender, int Age)> profiles;

    public Kdd2012Rewriter(IReadOnlyDictionary<long, (int Gender, int Age)> profiles) => this.profiles = profiles;

    /// <summary>Reads <c>userid_profile.txt</c> (UserID, Gender, Age, tab-separated) beside the training file.</summary>
    public static IReadOnlyDictionary<long, (int Gender, int Age)> LoadProfiles(string trainingFile)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(trainingFile))!, ProfileFile);
        if (!File.Exists(path)) throw new DataException($"{path}: missing; the kdd2012 source joins {ProfileFile} from the training file's folder");
        var profiles = new Dictionary<long, (int, int)>();
        long lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var fields = line.Split('\t');
            if (fields.Length != 3 || !long.TryParse(fields[0], out var user) || !int.TryParse(fields[1], out var gender) || !int.TryParse(fields[2], out var age))
                throw new DataException(new DataLocation(path, lineNumber), "UserID, Gender and Age as integers", "'" + line + "'");
            profiles[user] = (gender, age);
        }
        return profiles;
    }

    public ReadOnlySpan<byte> Rewrite(ReadOnlySpan<byte> line, ref byte[] buffer)
    {
        Span<Range> fields = stackalloc Range[12];
        int count = 0, start = 0;
        for (int i = 0; i <= line.Length; i++)
        {
            if (i < line.Length && line[i] != (byte)'\t') continue;
            if (count == fields.Length) return line;
            fields[count++] = new Range(start, i);
            start = i + 1;
        }
        if (count != fields.Length) return line;
        if (buffer.Length < line.Length + 32) buffer = new byte[(line.Length + 32) * 2];
        int length = 0;
        for (int i = 0; i < Order.Length; i++)
        {
            var field = line[fields[Order[i]]];
            if (i == 0 && Utf8Parser.TryParse(field, out long clicks, out int used) && used == field.Length)
                field = clicks > 0 ? "1"u8 : "0"u8;
            if (i > 0) buffer[length++] = (byte)'\t';
            field.CopyTo(buffer.AsSpan(length));
            length += field.Length;
        }
        var (gender, age) = Utf8Parser.TryParse(line[fields[11]], out long user, out _) && profiles.TryGetValue(user, out var profile) ? profile : (0, 0);
        buffer[length++] = (byte)'\t';
        Utf8Formatter.TryFormat(gender, buffer.AsSpan(length), out int written);
        length += written;
        buffer[length++] = (byte)'\t';
        Utf8Formatter.TryFormat(age, buffer.AsSpan(length), out written);
        length += written;
        return buffer.AsSpan(0, length);
    }
}
