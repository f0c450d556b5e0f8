namespace NasRec.Runtime.Data;

/// <summary>A part of a prepared dataset.</summary>
public enum DataSplit
{
    Train,
    Val,
    Test,
    /// <summary>The train rows then the val rows (per shard, in round-robin order: the reference's trainval.txt).</summary>
    TrainVal,
}
