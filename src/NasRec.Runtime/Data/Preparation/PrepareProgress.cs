namespace NasRec.Runtime.Data.Preparation;

/// <summary>Progress of a prepare: the phase, bytes of input read (of the total), rows so far.</summary>
public readonly record struct PrepareProgress(string Phase, long Done, long Total, long Rows);
