namespace NasRec.Runtime.Data.Synthetic;

/// <summary>
/// A categorical feature of the synthetic data: Zipf-distributed categories, each written as a
/// fixed random 8-hex-digit id, missing at a given rate. The ids stay distinct after the hashing
/// modulo of every table size the data may be read with, so no two categories share an embedding row.
/// </summary>
internal sealed class CategoricalFeature
{
    // Outcomes 0..cardinality-1 are categories, outcome cardinality is "missing": one draw decides both.
    private readonly AliasTable outcomes;
    private readonly byte[] hexUtf8;

    public CategoricalFeature(int cardinality, double zipfExponent, double missingRate, IReadOnlyCollection<long> moduli, ref SplitMix64 random)
    {
        outcomes = AliasTable.WithMissing(AliasTable.ZipfWeights(cardinality, zipfExponent), missingRate);
        Hex = DistinctIds(cardinality, moduli, ref random).Select(id => id.ToString("x8")).ToArray();
        hexUtf8 = System.Text.Encoding.ASCII.GetBytes(string.Concat(Hex));
    }

    public int Cardinality => Hex.Length;

    /// <summary>The id of each category as Criteo writes it: 8 lower-case hex digits.</summary>
    public string[] Hex { get; }

    public ReadOnlySpan<byte> HexUtf8(int category) => hexUtf8.AsSpan(category * 8, 8);

    public int Sample(ref SplitMix64 random)
    {
        int outcome = outcomes.Sample(random.Next());
        return outcome == Cardinality ? SyntheticRow.Missing : outcome;
    }

    private static uint[] DistinctIds(int cardinality, IReadOnlyCollection<long> moduli, ref SplitMix64 random)
    {
        var ids = new uint[cardinality];
        var taken = moduli.Select(_ => new HashSet<long>()).ToArray();
        for (int k = 0; k < cardinality;)
        {
            uint id = (uint)random.Next();
            var residues = moduli.Select(m => id % m).ToArray();
            if (residues.Where((r, i) => taken[i].Contains(r)).Any()) continue;
            for (int i = 0; i < residues.Length; i++) taken[i].Add(residues[i]);
            ids[k++] = id;
        }
        return ids;
    }
}
