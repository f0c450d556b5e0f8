using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using NasRec.Tests;

namespace NasRec.Cli.Tests;

/// <summary>
/// <c>python/nasrec_torch.py --score</c> reads raw rows as <c>nasrec predict</c> does, from an export made with
/// <c>export-weights --data</c>: for each text format and every encoding, the probability it writes for each row is ours.
/// </summary>
[Collection(nameof(GlobalGeneratorCollection))]
public sealed class PythonScoringTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string File(string name) => temp.File(name);

    /// <summary>Each layout's dataset YAML (tables of at most 1,000 rows) and a writer of its raw rows.</summary>
    private static readonly Dictionary<string, (string Dataset, Action<string, int> WriteRows)> Layouts = new()
    {
        // tsv without a header, hex-modulo, log1p.
        ["criteo"] = (Shipped("criteo"), (path, rows) => Assert.Equal(0, CliRunner.Run("data", "synth", "--rows", Invariant(rows), "-o", path).ExitCode)),
        // csv with a header in another order than the model's, quoted fields, missing cells, hash, vocabulary, standardize.
        ["shop"] = (System.IO.File.ReadAllText(Path.Combine(Repository.Root, "examples", "CustomDataset", "shop.dataset.yaml")), WriteShopRows),
        // csv with a header, decimal-or-hex (decimal, hexadecimal and negative values), a zero feature.
        ["avazu"] = (Shipped("avazu-kaggle"), WriteAvazuRows),
        // libsvm, its labels ±1.
        ["libsvm"] = ("""
            kind: Dataset
            name: Svm
            source: { format: libsvm }
            label: y
            dense: { transform: zero, features: [pseudo] }
            sparse:
              encoding: decimal-or-hex
              features:
                - { name: f1, tableSize: 60 }
                - { name: f2, tableSize: 300 }
                - { name: f3, tableSize: 7 }
                - { name: f4, tableSize: 1000 }
            """, WriteLibsvmRows),
        // KDD Cup 2012's training lines, reordered and joined with userid_profile.txt.
        ["kdd2012"] = (Shipped("kdd-kaggle"), WriteKddRows),
    };

    [PyTorchTheory]
    [InlineData("criteo")]
    [InlineData("shop")]
    [InlineData("avazu")]
    [InlineData("libsvm")]
    [InlineData("kdd2012")]
    public void PythonScoresEachRawRowWithTheProbabilityPredictWrites(string layout)
    {
        var rows = Train(layout);

        var expected = Predict(rows, "dotnet.csv");
        var actual = Score(rows, "python.csv");

        AssertSameScores(expected, actual);
    }

    [PyTorchFact]
    public void GzippedRowsWithoutTheirLabelScoreAsTheLabelledOnesButNotFromAnExportWithoutItsStore()
    {
        var rows = Train("criteo");
        var unlabelled = File("unlabelled.tsv.gz");
        using (var gzip = new GZipStream(System.IO.File.Create(unlabelled), CompressionLevel.Fastest))
        using (var writer = new StreamWriter(gzip))
        {
            foreach (var line in System.IO.File.ReadLines(rows)) writer.Write(line[(line.IndexOf('\t') + 1)..] + "\n");
        }

        var expected = Predict(unlabelled, "dotnet.csv", "--no-labels");
        var actual = Score(unlabelled, "python.csv", "--no-labels");

        Assert.Equal("row,probability", System.IO.File.ReadLines(actual).First());
        AssertSameScores(expected, actual);
        AssertSameScores(Score(rows, "labelled.csv"), actual, labels: false);

        Succeeds("export-weights", File("run/best.ckpt"), "-o", File("plain.pt"));
        var refused = PythonWithTorch.RunScript(Repository.Root, File("plain.pt"), "--score", rows, "-o", File("never.csv"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("export with `nasrec export-weights --data <store>`", refused.Error);
    }

    [PyTorchFact]
    public void RowsGivenInMemoryAsAServiceReceivesThemEncodeAsTheirFileRows()
    {
        var rows = Train("shop");
        const string code = """
            import csv, sys, torch, nasrec_torch
            model = nasrec_torch.load(sys.argv[1]).eval()
            records = list(csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8")))
            _, dense, ids = nasrec_torch.RawRows.load(sys.argv[1]).encode(records)
            with torch.no_grad():
                probabilities = model(dense, ids).view(-1).sigmoid().tolist()
            with open(sys.argv[3], "w") as scores:
                scores.write("row,probability\n" + "".join(f"{row},{p:.9g}\n" for row, p in enumerate(probabilities)))
            """;

        var (exitCode, _, error) = PythonWithTorch.RunCode(Repository.Root, code, File("run/best.pt"), rows, File("memory.csv"));

        Assert.True(exitCode == 0, error);
        AssertSameScores(Predict(rows, "dotnet.csv"), File("memory.csv"), labels: false);
    }

    [PyTorchFact]
    public void ABadRowStopsThePythonScoringNamingItsFileAndLineOrIsSkippedAndCounted()
    {
        var rows = Train("shop");
        var lines = System.IO.File.ReadAllLines(rows)[..6];
        lines[3] = lines[3][..lines[3].LastIndexOf(',')] + ",maybe"; // data row 2's label
        var bad = File("bad.csv");
        System.IO.File.WriteAllLines(bad, lines);

        var stopped = PythonWithTorch.RunScript(Repository.Root, File("run/best.pt"), "--score", bad, "-o", File("never.csv"));
        var skipped = PythonWithTorch.RunScript(Repository.Root, File("run/best.pt"), "--score", bad, "-o", File("good.csv"), "--skip-bad-rows");

        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("bad.csv:4: column clicked: expected a label 0 or 1, found 'maybe'", stopped.Error);
        Assert.False(System.IO.File.Exists(File("never.csv")));
        Assert.True(skipped.ExitCode == 0, skipped.Error);
        Assert.Contains("skipped 1 bad rows", skipped.Error);
        Assert.Equal(["0", "1", "3", "4"], System.IO.File.ReadLines(File("good.csv")).Skip(1).Select(line => line.Split(',')[0]));
    }

    [PyTorchFact]
    public void FreedMemoryCanBeKeptInTheHeapOnGlibc()
    {
        const string code = """
            import nasrec_torch
            print(nasrec_torch.retain_freed_memory())
            """;

        var (exitCode, output, error) = PythonWithTorch.RunCode(Repository.Root, code);

        Assert.True(exitCode == 0, error);
        Assert.Equal("True", output.Trim());
    }

    /// <summary>
    /// Writes the layout's dataset and rows, prepares them, trains NASRec-Small on them for twenty steps at a rate that
    /// leaves the probabilities apart, and exports the weights with the store; returns the rows' file.
    /// </summary>
    private string Train(string layout)
    {
        var (datasetYaml, writeRows) = Layouts[layout];
        Directory.CreateDirectory(File("spaces"));
        foreach (var space in Directory.GetFiles(Repository.Spaces, "*.space.yaml"))
            System.IO.File.Copy(space, File(Path.Combine("spaces", Path.GetFileName(space))));
        var dataset = Regex.Match(datasetYaml, @"^name: (\w+)", RegexOptions.Multiline).Groups[1].Value;
        System.IO.File.WriteAllText(File("spaces/rows.dataset.yaml"),
            Regex.Replace(datasetYaml, @"tableSize: (\d+)", m => "tableSize: " + Math.Min(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), 1000)));
        System.IO.File.WriteAllText(File("small.arch.yaml"),
            System.IO.File.ReadAllText(Path.Combine(Repository.Spaces, "criteo", "nasrecnet-small.arch.yaml"))
                .Replace("name: CriteoNasRecNetSmall", "name: RowsSmall").Replace("dataset: Criteo", "dataset: " + dataset));
        Directory.CreateDirectory(File("rows"));
        var rows = File("rows/rows." + layout);
        writeRows(rows, 400);

        Succeeds("data", "prepare", "--dataset", File("spaces/rows.dataset.yaml"), "--input", rows, "--output", File("store"));
        Succeeds("train", "--arch", File("small.arch.yaml"), "--data", File("store"), "--spaces", File("spaces"),
            "--output", File("run"), "--batch", "16", "--steps", "20", "--lr", "0.01", "--quiet");
        Succeeds("export-weights", File("run/best.ckpt"), "--data", File("store"));
        return rows;
    }

    private string Predict(string rows, string output, params string[] options)
    {
        Succeeds(["predict", "--checkpoint", File("run/best.ckpt"), "--data", File("store"), "--input", rows, "-o", File(output), .. options]);
        return File(output);
    }

    private string Score(string rows, string output, params string[] options)
    {
        var (exitCode, _, error) = PythonWithTorch.RunScript(Repository.Root, [File("run/best.pt"), "--score", rows, "-o", File(output), .. options]);
        Assert.True(exitCode == 0, error);
        return File(output);
    }

    private static void Succeeds(params string[] args)
    {
        var (exitCode, _, error) = CliRunner.Run(args);
        Assert.True(exitCode == 0, string.Join(' ', args[..2]) + ": " + error);
    }

    /// <summary>The same rows (and labels) in order, each probability within float rounding of ours; the model tells the rows apart.</summary>
    private static void AssertSameScores(string expected, string actual, bool labels = true)
    {
        var ours = System.IO.File.ReadAllLines(expected)[1..].Select(line => line.Split(',')).ToArray();
        var theirs = System.IO.File.ReadAllLines(actual)[1..].Select(line => line.Split(',')).ToArray();
        Assert.Equal(ours.Length, theirs.Length);
        Assert.Equal(ours.Select(row => row[0]), theirs.Select(row => row[0]));
        if (labels) Assert.Equal(ours.Select(row => row[^2]), theirs.Select(row => row[^2]));
        var difference = ours.Zip(theirs, (a, b) => Math.Abs(double.Parse(a[^1], CultureInfo.InvariantCulture) - double.Parse(b[^1], CultureInfo.InvariantCulture))).Max();
        Assert.True(difference < 1e-6, $"the probabilities differ by up to {difference}");
        Assert.True(ours.Select(row => row[^1]).Distinct().Count() > ours.Length / 2, "the model's probabilities should tell the rows apart");
    }

    private static string Shipped(string dataset) => System.IO.File.ReadAllText(Path.Combine(Repository.Spaces, "datasets", dataset + ".dataset.yaml"));

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void WriteShopRows(string path, int rows)
    {
        var random = new Random(1);
        string[] devices = ["phone", "tablet", "desktop", "tv"];
        string[] categories = ["books", "garden, outdoor", "toys", "\"special\" offers", "food"];
        var text = new StringBuilder("user,item,item_category,views,price_eur,device,clicked\n");
        for (int i = 0; i < rows; i++)
        {
            int user = random.Next(300), item = random.Next(150);
            var views = random.Next(10) == 0 ? "" : Invariant(random.Next(50));
            text.Append(CultureInfo.InvariantCulture,
                $"u{user},item-{item},\"{categories[item % 5].Replace("\"", "\"\"")}\",{views},{5 + item % 40}.99,{devices[random.Next(4)]},{(random.Next(3) == 0 ? 1 : 0)}\n");
        }
        System.IO.File.WriteAllText(path, text.ToString());
    }

    private static void WriteAvazuRows(string path, int rows)
    {
        var random = new Random(2);
        const string columns = "id,click,hour,C1,banner_pos,site_id,site_domain,site_category,app_id,app_domain,app_category,device_id,device_ip,device_model,device_type,device_conn_type,C14,C15,C16,C17,C18,C19,C20,C21";
        var text = new StringBuilder(columns + "\n");
        for (int i = 0; i < rows; i++)
        {
            var cells = columns.Split(',').Select((column, k) => column switch
            {
                "click" => Invariant(random.Next(2)),
                "id" => Invariant(random.NextInt64(long.MaxValue)) + (random.Next(3) == 0 ? "7" : ""), // past 2^63 too
                "hour" => Invariant(14102100 + random.Next(24)),
                "C20" => random.Next(4) == 0 ? "-1" : Invariant(100000 + random.Next(50)),
                _ when k is >= 5 and <= 13 => random.Next(200).ToString("x8", CultureInfo.InvariantCulture),
                _ => Invariant(random.Next(30)),
            });
            text.Append(string.Join(',', cells)).Append('\n');
        }
        System.IO.File.WriteAllText(path, text.ToString());
    }

    private static void WriteLibsvmRows(string path, int rows)
    {
        var random = new Random(3);
        var text = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            text.Append(random.Next(2) == 0 ? "-1" : "+1");
            foreach (var value in new[] { Invariant(random.Next(100)), random.Next(500).ToString("x", CultureInfo.InvariantCulture), Invariant(random.Next(7)), Invariant(-random.Next(2000)) })
                text.Append(random.Next(3) == 0 ? "  " : " ").Append(value).Append(":1");
            text.Append('\n');
        }
        System.IO.File.WriteAllText(path, text.ToString());
    }

    private static void WriteKddRows(string path, int rows)
    {
        var random = new Random(4);
        var text = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            // Click, Impression, DisplayURL, AdID, AdvertiserID, Depth, Position, QueryID, KeywordID, TitleID, DescriptionID, UserID.
            long[] ids = [random.Next(3), 1 + random.Next(4), random.NextInt64(1L << 62), random.Next(5000), random.Next(900),
                1 + random.Next(3), 1 + random.Next(3), random.Next(100000), random.Next(20000), random.Next(40000), random.Next(30000), random.Next(60)];
            text.Append(string.Join('\t', ids.Select(Invariant))).Append('\n');
        }
        System.IO.File.WriteAllText(path, text.ToString());
        // Users 0-39 have a profile; the rest read as gender 0 and age 0.
        System.IO.File.WriteAllLines(Path.Combine(Path.GetDirectoryName(path)!, "userid_profile.txt"),
            Enumerable.Range(0, 40).Select(user => $"{user}\t{1 + user % 2}\t{1 + user % 6}"));
    }
}
