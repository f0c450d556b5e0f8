using System.Text;
using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Parsing;

namespace NasRec.Dsl.Tests.Parsing;

/// <summary>
/// NASREC900 (internal error) cannot be triggered on purpose: whatever the text, the parser returns
/// located diagnostics, never an exception and never an internal error. Checked on texts that once
/// broke YamlDotNet, and on many random and truncated texts (fixed seeds, so failures reproduce).
/// </summary>
public sealed class ParserRobustnessTests
{
    private const string Alphabet = "-:[]{},&*!|>'\"%@`#?~ \t\n\r\\0123456789abcdefkindname_";

    /// <summary>Texts on which YamlDotNet throws something other than a YamlException, or never returns.</summary>
    public static TheoryData<string, int, int> BrokenYaml => new()
    {
        // An unclosed flow sequence followed by a key: the scanner throws InvalidOperationException.
        { "kind: Dataset\ndense:\n  features: [d1, d2\nsparse:\n", 4, 1 },
        // An entry without a key in a block mapping: the parser drops its value.
        { "kind: Architecture\nblocks:\n  - : false\n", 3, 6 },
        // A garbled alias read as a key (the loader would meet a mapping end instead of its value): keys are text.
        { "kind: Dataset\ndense:\n  features: [d1]*x:\n  transform: zero\n", 3, 17 },
        // A mapping key containing itself (hashing it overflows the stack): keys are text, not lists.
        { "? &a [*a]\n: 1\n", 1, 3 },
        { "kind: &k [*k]\n", 1, 11 },
        // Nesting beyond the loader's recursion: the stack overflows.
        { "kind: " + new string('[', 100_000) + new string(']', 100_000) + "\n", 1, 70 },
    };

    [Theory]
    [MemberData(nameof(BrokenYaml))]
    public void YamlThatBreaksYamlDotNetIsASyntaxErrorAtTheMistake(string text, int line, int column)
    {
        var result = DocumentParser.Parse("broken.yaml", text);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCatalog.YamlSyntax, diagnostic.Rule);
        Assert.Equal((line, column), (diagnostic.Location!.StartLine, diagnostic.Location.StartColumn));
        Assert.Null(result.Document);
    }

    [Fact]
    public void AnAliasToAFinishedNodeIsStillFine()
    {
        var result = DocumentParser.Parse("alias.space.yaml", """
            kind: SearchSpace
            name: Aliased
            blocks: 3
            embeddingDim: 4
            denseOperators: [fc]
            sparseOperators: [efc]
            denseWidths: &choices [16, 32]
            sparseTokens: *choices
            maxInputs: 2
            """);

        Assert.Empty(result.Diagnostics);
        Assert.NotNull(result.Document);
    }

    [Fact]
    public void RandomTextNeverThrowsNorReportsAnInternalError()
    {
        var random = new Random(20240601);
        for (int i = 0; i < 3000; i++)
        {
            var text = new StringBuilder();
            int length = random.Next(0, 120);
            for (int j = 0; j < length; j++)
            {
                text.Append(random.Next(8) == 0 ? (char)random.Next(0x20, 0x3000) : Alphabet[random.Next(Alphabet.Length)]);
            }
            AssertParses(text.ToString());
        }
    }

    [Fact]
    public void RandomBytesNeverThrowNorReportAnInternalError()
    {
        var random = new Random(7);
        var bytes = new byte[256];
        for (int i = 0; i < 1000; i++)
        {
            var slice = bytes.AsSpan(0, random.Next(bytes.Length));
            random.NextBytes(slice);
            AssertParses(Encoding.UTF8.GetString(slice));
            AssertParses(Encoding.Latin1.GetString(slice));
        }
    }

    [Fact]
    public void EveryPrefixOfEveryShippedFileParsesWithoutAnInternalError()
    {
        foreach (var (_, text) in ShippedFiles())
        {
            for (int length = 0; length <= text.Length; length++)
            {
                AssertParses(text.Substring(0, length));
            }
        }
    }

    [Fact]
    public void RandomEditsOfTheShippedFilesNeverBreakAWorkspace()
    {
        string[] edits = ["0", "7", "-1", "~", "[]", "{}", "[0, 0]", "sum", "zeros", "true", "abc", "class", "\n", " ", ":", "- ", "'", "\"",
            "&a ", "*a", "!!str ", "\t", "#", "99999999999", "[", "{", "]", "}", ","];
        var files = ShippedFiles();
        var random = new Random(42);
        for (int i = 0; i < 400; i++)
        {
            int target = random.Next(files.Count);
            var text = files[target].Text;
            for (int edit = random.Next(1, 4); edit > 0; edit--)
            {
                int at = random.Next(text.Length);
                text = text.Remove(at, Math.Min(random.Next(6), text.Length - at)).Insert(at, edits[random.Next(edits.Length)]);
            }
            var edited = files.Select((file, index) => index == target ? (file.File, text) : file).ToList();

            var workspace = Workspace.Load(edited);

            Assert.DoesNotContain(workspace.Diagnostics, d => d.Rule == DiagnosticCatalog.InternalError);
            Assert.All(workspace.Files, file => Assert.True(file.Document is not null || file.HasErrors, file.File));
        }
    }

    private static void AssertParses(string text)
    {
        var result = DocumentParser.Parse("fuzz.yaml", text);

        if (result.Diagnostics.FirstOrDefault(d => d.Rule == DiagnosticCatalog.InternalError) is { } failure)
        {
            Assert.Fail($"{failure} on the text {Escape(text)}");
        }
        if (result.Document is null && !result.HasErrors)
        {
            Assert.Fail($"No document and no error on the text {Escape(text)}");
        }
        foreach (var diagnostic in result.Diagnostics)
        {
            Assert.NotNull(diagnostic.Location);
            Assert.True(diagnostic.Location.StartLine >= 1 && diagnostic.Location.StartColumn >= 1, diagnostic.ToString());
            Assert.InRange(diagnostic.Location.StartOffset, 0, text.Length);
        }
    }

    private static string Escape(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static List<(string File, string Text)> ShippedFiles() =>
        Directory.EnumerateFiles(Repository.Spaces, "*.yaml", SearchOption.AllDirectories)
            .Where(Workspace.IsDslFile)
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (path, File.ReadAllText(path)))
            .ToList();
}
