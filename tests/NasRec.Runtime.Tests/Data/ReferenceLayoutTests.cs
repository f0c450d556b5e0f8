using System.Globalization;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Preparation;
using NasRec.Runtime.Data.Store;

namespace NasRec.Runtime.Tests.Data;

/// <summary>
/// Each shipped dataset's raw Kaggle layout and the reference's shard layout give the same model
/// inputs for the same rows (spec §1.1, §1.2); libsvm reads one categorical field per pair.
/// </summary>
public sealed class ReferenceLayoutTests : IDisposable
{
    private static readonly string Datasets = Path.Combine(RepositoryRoot(), "spaces", "datasets");
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("nasrec-layouts-");

    public void Dispose() => folder.Delete(recursive: true);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "NasRec.Dsl.sln"))) directory = directory.Parent!;
        return directory.FullName;
    }

    /// <summary>Prepares the files as an already split input (each file is both train and val) and returns the train rows' batch tensors as arrays.</summary>
    private (float[] Label, float[] Dense, long[] Sparse) Prepare(string datasetFile, string name, params (string File, string Text)[] files)
    {
        var yaml = File.ReadAllText(Path.Combine(Datasets, datasetFile));
        var schema = (DatasetSchema)DocumentParser.Parse(datasetFile, yaml).Document!;
        var input = Directory.CreateDirectory(Path.Combine(folder.FullName, name)).FullName;
        foreach (var (file, text) in files) File.WriteAllText(Path.Combine(input, file), text);
        var output = Path.Combine(folder.FullName, name + "-store");
        new DataPreparer(schema, yaml, new PrepareOptions(Split: SplitMode.None)).Prepare(input, output);
        using var store = DataStore.Open(output);
        using var reader = store.Read(DataSplit.Train, new BatchOptions(16, schema.TableSizes(schema.SearchTableCap).ToList()));
        foreach (var batch in reader) return (batch.Label.data<float>().ToArray(), batch.Dense.data<float>().ToArray(), batch.Sparse.data<long>().ToArray());
        throw new InvalidOperationException("no batch");
    }

    /// <summary>The split tool's rewrite of a raw value: base 10, else base 16, mod 2147483647, as 8 hex digits.</summary>
    private static string ToolHex(string raw)
    {
        var value = System.Text.RegularExpressions.Regex.IsMatch(raw, "^-?[0-9]+$") ? System.Numerics.BigInteger.Parse(raw, CultureInfo.InvariantCulture)
            : System.Numerics.BigInteger.Parse("0" + raw, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        // Python's modulo: never negative.
        return ((long)((value % 2147483647 + 2147483647) % 2147483647)).ToString("x8", CultureInfo.InvariantCulture);
    }

    private static void AssertSameInputs((float[] Label, float[] Dense, long[] Sparse) expected, (float[] Label, float[] Dense, long[] Sparse) actual)
    {
        Assert.Equal(expected.Label, actual.Label);
        Assert.Equal(expected.Dense, actual.Dense);
        Assert.Equal(expected.Sparse, actual.Sparse);
    }

    [Fact]
    public void AvazuKaggleCsvAndTheReferenceShardsGiveTheSameInputs()
    {
        const string header = "id,click,hour,C1,banner_pos,site_id,site_domain,site_category,app_id,app_domain,app_category,device_id,device_ip,device_model,device_type,device_conn_type,C14,C15,C16,C17,C18,C19,C20,C21";
        string[] rows =
        {
            "1000009418151094273,0,14102100,1005,0,1fbe01fe,f3845767,28905ebd,ecad2386,7801e8d9,07d7df22,a99f214a,ddd2926e,44956a24,1,2,15706,320,50,1722,0,35,-1,79",
            "10000169349117863715,1,14102100,1005,1,85f751fd,c4e18dd6,50e219e0,9c13b419,2347f47a,f95efa07,a99f214a,b3cf8def,8a4875bd,1,0,20362,320,50,2333,0,39,100079,157",
        };
        var shards = rows.Select(row =>
        {
            var cells = row.Split(',');
            var values = new[] { cells[0] }.Concat(cells.Skip(2)).Select(ToolHex);
            return string.Join('\t', new[] { cells[1], "-1" }.Concat(values));
        });

        var raw = Prepare("avazu-kaggle.dataset.yaml", "avazu-raw", ("train.csv", header + "\n" + string.Join('\n', rows) + "\n"), ("val.csv", header + "\n" + rows[0] + "\n"));
        var shard = Prepare("avazu.dataset.yaml", "avazu-shards", ("train.txt", string.Join('\n', shards) + "\n"), ("val.txt", shards.First() + "\n"));

        AssertSameInputs(shard, raw);
        Assert.Equal(new float[] { 0, 1 }, raw.Label);
        Assert.Equal(new float[] { 0, 0 }, raw.Dense);
    }

    [Fact]
    public void KddTrainingFileJoinedWithProfilesGivesTheReferenceShardsInputs()
    {
        // Click, Impression, DisplayURL, AdID, AdvertiserID, Depth, Position, QueryID, KeywordID, TitleID, DescriptionID, UserID
        string[] training =
        {
            "0\t1\t4298118681424644510\t7686695\t385\t3\t3\t1601\t5521\t7709\t576\t490234",
            "2\t3\t4860571499428580850\t21560664\t37484\t2\t1\t2255103\t317\t48989\t44771\t0",
        };
        const string profiles = "490234\t1\t3\n";
        var shards = training.Select(line =>
        {
            var f = line.Split('\t');
            var (gender, age) = f[11] == "490234" ? ("1", "3") : ("0", "0");
            var categorical = new[] { f[2], f[3], f[4], f[7], f[8], f[9], f[10], f[11], gender, age }.Select(ToolHex);
            return string.Join('\t', new[] { int.Parse(f[0], CultureInfo.InvariantCulture) > 0 ? "1" : "0", f[1], f[5], f[6] }.Concat(categorical));
        }).ToList();

        var raw = Prepare("kdd-kaggle.dataset.yaml", "kdd-raw", ("train.txt", string.Join('\n', training) + "\n"), ("val.txt", training[0] + "\n"), ("userid_profile.txt", profiles));
        var shard = Prepare("kdd.dataset.yaml", "kdd-shards", ("train.txt", string.Join('\n', shards) + "\n"), ("val.txt", shards[0] + "\n"));

        AssertSameInputs(shard, raw);
        Assert.Equal(new float[] { 0, 1 }, raw.Label);
        Assert.Equal((float)Math.Log(4), raw.Dense[3]);
    }

    [Fact]
    public void LibsvmPairsAreCategoricalFieldsInOrder()
    {
        const string yaml = """
            kind: Dataset
            name: Frappe
            source: { format: libsvm }
            label: y
            dense:
              features: []
            sparse:
              encoding: decimal-or-hex
              features:
                - { name: user, tableSize: 100 }
                - { name: item, tableSize: 100 }
            """;
        var input = Directory.CreateDirectory(Path.Combine(folder.FullName, "frappe")).FullName;
        File.WriteAllText(Path.Combine(input, "train.libsvm"), "1 12:1 57:1\n-1 3:1 250:1\n");
        File.WriteAllText(Path.Combine(input, "val.libsvm"), "+1 1:1 2:1\n");
        var schema = (DatasetSchema)DocumentParser.Parse("frappe.dataset.yaml", yaml).Document!;
        new DataPreparer(schema, yaml, new PrepareOptions(Split: SplitMode.None)).Prepare(input, Path.Combine(folder.FullName, "frappe-store"));
        using var store = DataStore.Open(Path.Combine(folder.FullName, "frappe-store"));
        using var reader = store.Read(DataSplit.TrainVal, new BatchOptions(8, new long[] { 100, 100 }));

        foreach (var batch in reader)
        {
            Assert.Equal(new float[] { 1, 0, 1 }, batch.Label.data<float>().ToArray());
            Assert.Equal(new long[] { 13, 58, 4, 250 % 99 + 1, 2, 3 }, batch.Sparse.data<long>().ToArray());
            Assert.Equal(new long[] { 3, 0 }, batch.Dense.shape);
        }
    }
}
