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
        if (mode == Store.SplitMode.Stratified) return new InputPlan(FilesOf(input).Select(f => (f, (DataSplit?)null)).ToList(), false);

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

    /// <summary>Every file of <paramref name="input"/> into <paramref name="split"/> (rows to score all go to one).</summary>
    public static InputPlan AllTo(string input, DataSplit split) => new(FilesOf(input).Select(f => (f, (DataSplit?)split)).ToList(), false);

    /// <summary>A file, or a folder's files (hidden ones aside) in name order.</summary>
    private static List<string> FilesOf(string input)
    {
        if (File.Exists(input)) return [input];
        if (!Directory.Exists(input)) throw new DataException($"{input}: no such file or folder");
        var files = Directory.GetFiles(input).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        return files.Count > 0 ? files : throw new DataException($"{input}: the folder holds no files");
    }

    public long TotalBytes => Files.Sum(f => new FileInfo(f.Path).Length);
}
