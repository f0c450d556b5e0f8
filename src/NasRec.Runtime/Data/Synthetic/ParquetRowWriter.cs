using Parquet;
using Parquet.Schema;

namespace NasRec.Runtime.Data.Synthetic;

/// <summary>
/// Writes rows as Parquet (Parquet.Net) in row groups of a fixed size, so only one group is held in
/// memory. Category strings come from the model's table of ids: no string is made per row.
/// </summary>
/// <remarks>Parquet.Net's API is asynchronous; the generator is a synchronous loop with no
/// synchronization context, so waiting on each call is safe.</remarks>
internal sealed class ParquetRowWriter : ISyntheticRowWriter
{
    private readonly SyntheticCtrModel model;
    private readonly DataField<int> labelField = new("label");
    private readonly DataField<long?>[] denseFields;
    private readonly DataField<string>[] categoryFields;
    private readonly ParquetWriter writer;
    private readonly int[] labels;
    private readonly long?[][] dense;
    private readonly string?[][] categories;
    private int count;
    private bool closed;

    public ParquetRowWriter(Stream output, SyntheticCtrModel model, int rowGroupSize)
    {
        this.model = model;
        denseFields = Enumerable.Range(1, SyntheticCtrModel.DenseFeatures).Select(i => new DataField<long?>($"I{i}")).ToArray();
        categoryFields = Enumerable.Range(1, SyntheticCtrModel.CategoricalFeatures).Select(i => new DataField<string>($"C{i}", nullable: true)).ToArray();
        var schema = new ParquetSchema(new Field[] { labelField }.Concat(denseFields).Concat(categoryFields));
        writer = ParquetWriter.CreateAsync(schema, output).GetAwaiter().GetResult();
        labels = new int[rowGroupSize];
        dense = denseFields.Select(_ => new long?[rowGroupSize]).ToArray();
        categories = categoryFields.Select(_ => new string?[rowGroupSize]).ToArray();
    }

    public void Write(SyntheticRow row)
    {
        labels[count] = row.Label;
        for (int d = 0; d < dense.Length; d++) dense[d][count] = row.DenseMissing[d] ? null : row.Dense[d];
        for (int j = 0; j < categories.Length; j++)
            categories[j][count] = row.Category[j] == SyntheticRow.Missing ? null : model.CategoryHex(j, row.Category[j]);
        if (++count == labels.Length) WriteRowGroup();
    }

    public void Complete()
    {
        if (count > 0) WriteRowGroup();
        Dispose();
    }

    /// <summary>Closes the writer, which writes the footer.</summary>
    public void Dispose()
    {
        if (closed) return;
        closed = true;
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private void WriteRowGroup()
    {
        using (var group = writer.CreateRowGroup())
        {
            group.WriteAsync(labelField, (ReadOnlyMemory<int>)labels.AsMemory(0, count)).GetAwaiter().GetResult();
            for (int d = 0; d < dense.Length; d++)
                group.WriteAsync(denseFields[d], (ReadOnlyMemory<long?>)dense[d].AsMemory(0, count)).GetAwaiter().GetResult();
            for (int j = 0; j < categories.Length; j++)
                group.WriteAsync(categoryFields[j], new ArraySegment<string>(categories[j]!, 0, count)).GetAwaiter().GetResult();
        }
        count = 0;
    }
}
