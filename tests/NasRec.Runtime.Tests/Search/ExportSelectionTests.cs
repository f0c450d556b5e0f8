using NasRec.Runtime.Search;

namespace NasRec.Runtime.Tests.Search;

public class ExportSelectionTests
{
    [Fact]
    public void BestDropsLossesWithin1e6OfTheLastKeptRepeatedHashesAndDivergedEntries()
    {
        JournalEntry Entry(int index, string hash, double loss) => new(index, -1, hash, loss, 0.7, 0.8, 1.0, 1000, null, "");
        var entries = new[]
        {
            Entry(0, "a", 0.45), Entry(1, "b", 0.4500005), Entry(2, "c", 0.44), Entry(3, "c", 0.46), Entry(4, "d", double.NaN),
            Entry(5, "e", 0.47), Entry(6, "f", 0.4500015),
        };

        // Sorted: c 0.44, a 0.45, b 0.4500005 (same loss as a within 1e-6: the notebook's duplicate), f 0.4500015 (1.5e-6 from a: kept),
        // c 0.46 (hash already kept), e 0.47; the NaN never.
        Assert.Equal(["c", "a", "f", "e"], ExportSelection.Best(entries, 10).Select(e => e.Hash));
        Assert.Equal(["c", "a"], ExportSelection.Best(entries, 2).Select(e => e.Hash));
    }
}
