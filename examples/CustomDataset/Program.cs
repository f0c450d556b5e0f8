using System.Globalization;
using System.Text;
using CustomDataset;
using NasRec.Dsl.Parsing;
using NasRec.Runtime.Data;
using NasRec.Runtime.Data.Inspection;
using NasRec.Runtime.Data.Preparation;

// 1. A click log of our own: a CSV with a header, quoted text and missing cells.
var work = Directory.CreateTempSubdirectory("shop-");
try
{
    var csv = Path.Combine(work.FullName, "clicks.csv");
    WriteClickLog(csv, rows: 2000, seed: 1);

    // 2. Prepare it with its Dataset YAML: the reference's stratified 8/1/1 split, a store on disk.
    var yamlFile = Path.Combine(AppContext.BaseDirectory, "shop.dataset.yaml");
    var yaml = File.ReadAllText(yamlFile);
    var schema = DocumentParser.Parse(yamlFile, yaml).Document as NasRec.Dsl.Model.DatasetSchema
        ?? throw new InvalidOperationException("shop.dataset.yaml is not a valid Dataset");
    var store = Path.Combine(work.FullName, "store");
    var (manifest, _) = new DataPreparer(schema, yaml, new PrepareOptions()).Prepare(csv, store);
    Console.WriteLine($"prepared: train {manifest.Splits["train"].Rows}, val {manifest.Splits["val"].Rows}, test {manifest.Splits["test"].Rows} rows");

    // 3. Inspect it, as `nasrec data inspect` does.
    using var data = DataStore.Open(store);
    var train = StoreInspection.Inspect(data).First(s => s.Split == DataSplit.Train);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train positive rate {train.PositiveRate:F3}"));
    foreach (var feature in train.Features)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {feature.Name,-8} missing {feature.MissingRate,6:P1}  distinct ~{feature.Distinct}"));
    Console.WriteLine($"vocabulary of item: {manifest.VocabularySizes["item"]} values seen at least twice");

    // 4. Read shuffled batches, the table sizes from the generated ShopDataset class.
    var options = new BatchOptions(256, ShopDataset.TableSizes()) { Order = BatchOrder.Shuffled, Seed = 7 };
    using var reader = data.Read(DataSplit.Train, options);
    long rows = 0;
    foreach (var batch in reader)
    {
        rows += batch.Size;
        if (rows == batch.Size) Console.WriteLine($"first batch: dense {Shape(batch.Dense.shape)}, sparse {Shape(batch.Sparse.shape)}, label {Shape(batch.Label.shape)}");
    }
    Console.WriteLine($"read {rows} training rows in {reader.Batches} batches");
}
finally
{
    work.Delete(recursive: true);
}

static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";

static void WriteClickLog(string path, int rows, int seed)
{
    var random = new Random(seed);
    string[] devices = { "phone", "tablet", "desktop", "tv" };
    string[] categories = { "books", "garden, outdoor", "toys", "\"special\" offers", "food" };
    var text = new StringBuilder("user,item,item_category,views,price_eur,device,clicked\n");
    for (int i = 0; i < rows; i++)
    {
        int user = random.Next(300), item = (int)Math.Pow(random.Next(1, 400), 1.3) % 400;
        var category = categories[item % categories.Length];
        bool clicked = random.NextDouble() < (item % 7 == 0 ? 0.6 : 0.15);
        var views = random.Next(10) == 0 ? "" : random.Next(50).ToString(CultureInfo.InvariantCulture);
        text.Append(CultureInfo.InvariantCulture, $"u{user},item-{item},\"{category.Replace("\"", "\"\"")}\",{views},{5 + item % 40}.99,{devices[random.Next(devices.Length)]},{(clicked ? 1 : 0)}\n");
    }
    File.WriteAllText(path, text.ToString());
}
