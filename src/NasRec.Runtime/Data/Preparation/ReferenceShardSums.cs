namespace NasRec.Runtime.Data.Preparation;

/// <summary>The MD5 sums of shard-0 that the original README publishes for its split of each dataset.</summary>
public static class ReferenceShardSums
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Sums = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        ["Criteo"] = new Dictionary<string, string>
        {
            ["test"] = "5d8fea15e6f9c48a0a64b4a5bf971cc4", ["train"] = "4b8757a78fdb260f6ae9b72e05dca400", ["val"] = "91b0ff0a10d7a0cd2a6d59da9e5900b9",
        },
        ["Avazu"] = new Dictionary<string, string>
        {
            ["test"] = "18bf7ba03d014d5661b9d8de1c0cbafe", ["train"] = "4cbec9323c975209b64a8403b2151ec7", ["val"] = "445bc4a44216c15c1b953523e0b0bc35",
        },
        ["KDD"] = new Dictionary<string, string>
        {
            ["test"] = "4cdfb93e36784d8e39ac00ac6e36a727", ["train"] = "eec7bb5bec894b42145cc9d0d0d624d0", ["val"] = "c44da6a57501b812cc55997893276a66",
        },
    };

    /// <summary>Which dataset's published shard-0 the given sums (by stem) match, or null.</summary>
    public static string? Match(IReadOnlyDictionary<string, string> shardZero) =>
        Sums.FirstOrDefault(d => d.Value.All(s => shardZero.TryGetValue(s.Key, out var md5) && md5 == s.Value)).Key;
}
