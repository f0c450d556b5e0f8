using System.Globalization;

namespace NasRec.Runtime.Data;

/// <summary>
/// Bad input data or a bad store, for the user: where (file, line or row, column), what was expected
/// and what was found. The CLI prints the message as one line and exits 1.
/// </summary>
public sealed class DataException : Exception
{
    public DataException(string message) : base(message) { }

    public DataException(string message, Exception inner) : base(message, inner) { }

    public DataException(DataLocation location, string expected, string found)
        : base(location + ": expected " + expected + ", found " + found)
    {
        Location = location;
        Expected = expected;
        Found = found;
    }

    public DataLocation? Location { get; }

    public string? Expected { get; }

    public string? Found { get; }
}

/// <summary>A place in a raw input: a file, a line (text) or a row (Parquet: row group and row), a column.</summary>
public sealed record DataLocation(string File, long Line, string? Column = null, int? RowGroup = null)
{
    public override string ToString()
    {
        var where = RowGroup is int group
            ? string.Format(CultureInfo.InvariantCulture, "{0}: row group {1}, row {2}", File, group, Line)
            : string.Format(CultureInfo.InvariantCulture, "{0}:{1}", File, Line);
        return Column is null ? where : where + ", column " + Column;
    }
}
