using System.Text;

namespace NasRec.Cli.Output;

/// <summary>A plain-text table: a header row, each column as wide as its widest cell, two spaces apart.</summary>
internal sealed class TextTable(params TextColumn[] columns)
{
    private readonly List<string[]> rows = [];

    public void Add(params string[] cells) => rows.Add(cells);

    public override string ToString()
    {
        var all = rows.Prepend(columns.Select(c => c.Header).ToArray()).ToList();
        var widths = columns.Select((_, i) => all.Max(row => row[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            var cells = row.Select((cell, i) => columns[i].AlignRight ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            text.Append(string.Join("  ", cells).TrimEnd()).Append('\n');
        }
        return text.ToString();
    }
}

/// <summary>A column of a <see cref="TextTable"/>; numbers read best right-aligned.</summary>
internal sealed record TextColumn(string Header, bool AlignRight = false);
