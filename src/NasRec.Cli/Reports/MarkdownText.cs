using System.Globalization;
using System.Text;

namespace NasRec.Cli.Reports;

/// <summary>Builds a Markdown document; numbers in the invariant culture.</summary>
internal sealed class MarkdownText
{
    private readonly StringBuilder text = new();

    public MarkdownText Heading(int level, string title) => Line(new string('#', level) + " " + title).Line();

    public MarkdownText Paragraph(string paragraph) => Line(paragraph).Line();

    public MarkdownText Image(string alt, string file) => Paragraph($"![{alt}]({file})");

    public MarkdownText Code(string language, string code) => Line("```" + language).Line(code.TrimEnd()).Line("```").Line();

    public MarkdownText Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        Line("| " + string.Join(" | ", headers) + " |");
        Line("|" + string.Concat(headers.Select(_ => " --- |")));
        foreach (var row in rows) Line("| " + string.Join(" | ", row) + " |");
        return Line();
    }

    public MarkdownText Line(string line = "")
    {
        text.Append(line).Append('\n');
        return this;
    }

    public static string Number(double value, string format = "F5") => value.ToString(format, CultureInfo.InvariantCulture);

    public override string ToString() => text.ToString();
}
