using System.Text.RegularExpressions;
using CsCheck;

namespace NasRec.Dsl.Generators.Tests.Fuzzing;

/// <summary>One change to a case, described for the failure report.</summary>
public sealed record Mutation(string Kind, string Description, Func<FuzzCase, FuzzCase> Apply)
{
    public override string ToString() => Description;
}

/// <summary>
/// CsCheck generators of hostile inputs: a seed case changed by one to four mutations, each of the
/// kinds a new user or an attacker would try: byte and line edits, type swaps, extreme numbers, odd
/// Unicode and C#-hostile names, anchors and aliases (bombs included), huge documents and
/// cross-document mismatches.
/// </summary>
internal static class Mutations
{
    private static readonly string[] Characters =
    {
        "-", ":", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "#", "?", "~", " ", "\t", "\n", "\r",
        "\\", "\0", "\u0085", "\u2028", "\u2029", "<", "&amp;", "\uD800", "é", "\U0001D400", "\uFEFF", "\n---\n", "\n...\n", "\t\t",
    };

    private static readonly string[] Numbers =
    {
        "0", "-1", "1", "2", "7", "8", "16", "255", "256", "257", "4096", "4097", "65536", "65537", "2147483647", "2147483648",
        "4294967296", "4294967297", "4611686018427387904", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "1e9", "0x10", "1_000", "+3", "08", "268435456",
    };

    private static readonly string[] Values =
    {
        "[]", "{}", "[a, b]", "{ a: 1 }", "~", "null", "\"\"", "''", "!!int 3", "true", "*nowhere", "&dup 1", "[[[[1]]]]", "[0, 0]", "-1",
    };

    private static readonly string[] Names =
    {
        "var", "file", "record", "required", "scoped", "__arglist", "class", "Flops", "Definition", "forward", "head", "embedding",
        "block0_dense", "block2_dense_to_sparse", "TableSizes", "S", "SSpace", "Tiny", "TinySpace", "TINY", "TinyData",
        "TinyDataDataset", "TinyNet", "TINYNET", "Criteo", "CriteoDataset", "NasRecFull", "NasRecFullSpace", "Module", "Dispose",
        "TorchSharp", "System", "NasRec", "Consumer", "Tensor", "Models", "_", "__", "É", "Ⅻ", "名前", "\"a\\nb\"", "\"\\u2028x\"",
        "\"<x>&amp;\"", "\"\\0\"", "\"\\L\\P\\N\"", "\"\\uD800\"", "\"\\U0001D400bc\"", new string('A', 600), "\"a\\\"b\\\\c\"",
        "'*/ /* <!--'", "\"\\r\\n\"", "\"\\t\"", "\"\\e[31m\"",
    };

    private static readonly string[] Keys = { "name", "space", "dataset", "referenceKey", "label", "op", "kind", "format", "transform", "encoding", "activation" };

    private static readonly string[] Operators = { "fc", "dot-product", "sigmoid-gating", "sum", "zeros", "transformer", "efc", "FC", "" };

    private static readonly Gen<int> Index = Gen.Int[0, 1 << 20];

    private static readonly Gen<Mutation> CharacterEdit =
        from file in Index
        from at in Index
        from op in Gen.Int[0, 2]
        from text in Gen.OneOf(Characters)
        select new Mutation("character", $"{(op == 0 ? "insert" : op == 1 ? "replace with" : "delete before")} {Show(text)} at {at} of file {file}",
            c => c.Edit(file, s =>
            {
                int i = at % (s.Length + 1);
                return op switch
                {
                    0 => s.Insert(i, text),
                    1 => s.Remove(i, Math.Min(text.Length, s.Length - i)).Insert(i, text),
                    _ => i == 0 ? s : s.Remove(i - 1, 1),
                };
            }));

    private static readonly Gen<Mutation> LineEdit =
        from file in Index
        from line in Index
        from op in Gen.Int[0, 4]
        select new Mutation("line", $"{new[] { "delete", "duplicate", "swap down", "indent", "dedent" }[op]} line {line} of file {file}",
            c => c.Edit(file, s =>
            {
                var lines = s.Split('\n').ToList();
                int i = line % lines.Count;
                switch (op)
                {
                    case 0: lines.RemoveAt(i); break;
                    case 1: lines.Insert(i, lines[i]); break;
                    case 2 when i + 1 < lines.Count: (lines[i], lines[i + 1]) = (lines[i + 1], lines[i]); break;
                    case 3: lines[i] = "  " + lines[i]; break;
                    case 4: lines[i] = lines[i].TrimStart(); break;
                }
                return string.Join("\n", lines);
            }));

    private static readonly Gen<Mutation> NumberSwap =
        from file in Index
        from k in Index
        from number in Gen.OneOf(Numbers)
        select new Mutation("number", $"number {k} of file {file} := {number}", c => c.Edit(file, s => ReplaceMatch(s, @"(?<![\w.-])\d+(?![\w.])", k, number)));

    private static readonly Gen<Mutation> ValueSwap =
        from file in Index
        from k in Index
        from value in Gen.OneOf(Values.Concat(Numbers.Take(8)).Concat(Names.Take(6)).ToArray())
        select new Mutation("type", $"value {k} of file {file} := {Show(value)}", c => c.Edit(file, s => ReplaceMatch(s, @"(?<=: )[^,}\n]+", k, value)));

    private static readonly Gen<Mutation> NameSwap =
        from file in Index
        from key in Gen.OneOf(Keys)
        from k in Gen.Int[0, 3]
        from name in Gen.OneOf(Names)
        select new Mutation("name", $"'{key}' {k} of file {file} := {Show(name)}", c => c.Edit(file, s => ReplaceMatch(s, $@"(?<=\b{key}: )[^,}}\n]+", k, name)));

    private static readonly Gen<Mutation> OperatorSwap =
        from file in Index
        from k in Index
        from op in Gen.OneOf(Operators)
        select new Mutation("operator", $"operator {k} of file {file} := '{op}'", c => c.Edit(file, s => ReplaceMatch(s, @"(?<=op: )[a-z-]+", k, op)));

    private static readonly Gen<Mutation> InputsSwap =
        from file in Index
        from k in Index
        from inputs in Gen.Int[-1, 5].Array[0, 4]
        select new Mutation("inputs", $"inputs list {k} of file {file} := [{string.Join(", ", inputs)}]",
            c => c.Edit(file, s => ReplaceMatch(s, @"(?<=inputs: )\[[^\]\n]*\]", k, "[" + string.Join(", ", inputs) + "]")));

    private static readonly Gen<Mutation> Alias =
        from file in Index
        from k in Index
        from levels in Gen.Int[0, 40]
        from use in Gen.Int[0, 3]
        select new Mutation("alias", $"{levels}-level alias bomb used as {new[] { "a value", "a key", "an unknown key's value", "a duplicated key" }[use]} (match {k}) in file {file}",
            c => c.Edit(file, s =>
            {
                var bomb = "z0: &z0 [x]\n" + string.Concat(Enumerable.Range(1, levels).Select(i => $"z{i}: &z{i} [*z{i - 1}, *z{i - 1}, *z{i - 1}]\n"));
                var top = $"*z{levels}";
                return use switch
                {
                    0 => ReplaceMatch(bomb + s, @"(?<=: )[^,}\n]+", k + levels + 1, top),
                    1 => bomb + s + $"\n? {top}\n: 1\n",
                    2 => bomb + s + $"\nextra: {top}\n",
                    _ => bomb + s + $"\n? [{top}]\n: 1\n? [{top}]\n: 2\n",
                };
            }));

    private static readonly Gen<Mutation> Huge =
        from file in Index
        from line in Index
        from copies in Gen.OneOf(10, 300, 3_000, 12_000)
        from keys in Gen.Bool
        select new Mutation("huge", $"{(keys ? "append unknown keys" : "repeat line " + line)} ×{copies} in file {file}",
            c => c.Edit(file, s =>
            {
                if (keys) return s + "\n" + string.Concat(Enumerable.Range(0, copies).Select(i => $"unknown{i}: {i}\n"));
                var lines = s.Split('\n').ToList();
                int i = line % lines.Count;
                lines.InsertRange(i, Enumerable.Repeat(lines[i], copies));
                return string.Join("\n", lines);
            }));

    private static readonly Gen<Mutation> CrossDocument =
        from file in Index
        from other in Index
        from op in Gen.Int[0, 3]
        select new Mutation("documents", $"{new[] { "drop", "duplicate under a new path", "overwrite with", "rename the kind of" }[op]} file {file} (other {other})",
            c =>
            {
                var files = c.Files.ToList();
                int i = file % files.Count, j = other % files.Count;
                switch (op)
                {
                    case 0 when files.Count > 1: files.RemoveAt(i); break;
                    case 1: files.Add(("copy/" + files[i].Path, files[i].Text)); break;
                    case 2: files[i] = (files[i].Path, files[j].Text); break;
                    case 3: files[i] = (files[i].Path, Regex.Replace(files[i].Text, @"(?<=kind: )\w+", new[] { "SearchSpace", "Architecture", "Dataset" }[j % 3])); break;
                }
                return new FuzzCase(files);
            });

    /// <summary>A seed case with one to four mutations.</summary>
    public static readonly Gen<(FuzzCase Case, Mutation[] Mutations)> Cases =
        from seed in Gen.Int[0, SeedCases.All.Count - 1]
        from mutations in Gen.Frequency(
            (4, CharacterEdit), (2, LineEdit), (3, NumberSwap), (2, ValueSwap), (4, NameSwap), (2, OperatorSwap), (2, InputsSwap),
            (2, Alias), (1, Huge), (2, CrossDocument)).Array[1, 4]
        select (mutations.Aggregate(SeedCases.All[seed], (c, m) => m.Apply(c)), mutations);

    private static FuzzCase Edit(this FuzzCase c, int file, Func<string, string> edit)
    {
        var files = c.Files.ToList();
        int i = file % files.Count;
        files[i] = (files[i].Path, edit(files[i].Text));
        return new FuzzCase(files);
    }

    /// <summary>Replaces the <paramref name="k"/>-th match (modulo the number of matches); no match, no change.</summary>
    private static string ReplaceMatch(string text, string pattern, int k, string replacement)
    {
        var matches = Regex.Matches(text, pattern);
        if (matches.Count == 0) return text;
        var match = matches[k % matches.Count];
        return text.Substring(0, match.Index) + replacement + text.Substring(match.Index + match.Length);
    }

    private static string Show(string text) =>
        "\"" + string.Concat(text.Take(40).Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:X4}" : c.ToString())) + (text.Length > 40 ? "…" : "") + "\"";
}
