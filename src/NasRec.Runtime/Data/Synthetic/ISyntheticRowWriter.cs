namespace NasRec.Runtime.Data.Synthetic;

/// <summary>Writes generated rows to a stream in one file format.</summary>
internal interface ISyntheticRowWriter : IDisposable
{
    void Write(SyntheticRow row);

    /// <summary>Writes whatever is buffered and the format's trailer.</summary>
    void Complete();
}
