namespace NasRec.Runtime.Data.Preparation;

/// <summary>
/// The files a prepare reads and, for input that is already split, the split of each: a
/// <c>train.*</c>/<c>val.*</c>/<c>test.*</c> folder or the reference's <c>shard-*/{train,val,test}.txt</c>
/// (its <c>trainval.txt</c> is train then val and is not read).
/// </summary>
public sealed record InputPlan(IReadOnlyList<(string Path, DataSplit? Split)> Files, bool ReferenceShards)
{
    public static InputPlan Resolve(string input, Store.SplitMode mode)
    {
        if (mode == Store.SplitMode.Stratified)
        {
            if (File.Exists(input)) return new InputPlan(new[] { (input, (DataSplit?)null) }, false);
            if (Directory.Exists(input))
            {
                var files = Directory.GetFiles(input).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0) throw new DataException($"{input}: the folder holds no files");
                return new InputPlan(files.Select(f => (f, (DataSplit?)null)).ToList(), false);
            }
            throw new DataException($"{input}: no such file or folder");
        }

        if (!Directory.Exists(input)) throw new DataException($"{input}: with --split none the input is a folder holding train.*, val.* and test.* files, or the reference's shard-*/ folders");
        var shards = Directory.GetDirectories(input, "shard-*").Order(StringComparer.Ordinal).ToList();
        var plan = new List<(string, DataSplit?)>();
        foreach (var (split, stem) in Store.StoreFiles.Splits)
        {
            var found = shards.Count > 0
                ? shards.Select(shard => Path.Combine(shard, stem + ".txt")).Where(File.Exists).ToList()
                : Directory.GetFiles(input, stem + ".*").Order(StringComparer.Ordinal).ToList();
            if (found.Count == 0 && split != DataSplit.Test)
                throw new DataException($"{input}: no {stem} file ({(shards.Count > 0 ? "shard-*/" + stem + ".txt" : stem + ".*")}); an already split input needs train and val");
            plan.AddRange(found.Select(f => (f, (DataSplit?)split)));
        }
        return new InputPlan(plan, shards.Count > 0);
    }

    public long TotalBytes => Files.Sum(f => new FileInfo(f.Path).Length);
}
