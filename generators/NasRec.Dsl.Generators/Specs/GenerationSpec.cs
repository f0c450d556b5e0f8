using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Generators.Specs;

/// <summary>One generated file: everything its emitter needs, value-equal so unchanged inputs emit nothing.</summary>
internal abstract record GenerationSpec(GeneratorOptions Options, string File)
{
    public abstract string HintName { get; }

    protected static string Suffixed(string name, string suffix) =>
        name.EndsWith(suffix, System.StringComparison.Ordinal) ? name : name + suffix;
}

internal sealed record SpaceSpec(GeneratorOptions Options, string File, SearchSpace Space) : GenerationSpec(Options, File)
{
    /// <summary>NasRecFull → NasRecFullSpace; a name already ending in "Space" is kept.</summary>
    public string TypeName => Suffixed(Space.Name, "Space");

    public override string HintName => Options.Namespace + "." + TypeName + ".g.cs";
}

internal sealed record DatasetSpec(GeneratorOptions Options, string File, DatasetSchema Dataset) : GenerationSpec(Options, File)
{
    /// <summary>Criteo → CriteoDataset; a name already ending in "Dataset" is kept.</summary>
    public string TypeName => Suffixed(Dataset.Name, "Dataset");

    public override string HintName => Options.Namespace + "." + TypeName + ".g.cs";
}

internal sealed record ArchitectureSpec(
    GeneratorOptions Options,
    string File,
    Architecture Architecture,
    SearchSpace Space,
    DatasetSchema Dataset,
    ArchitectureReport Report) : GenerationSpec(Options, File)
{
    public override string HintName => Options.Namespace + "." + Architecture.Name + ".g.cs";
}

/// <summary>A file whose spec could not be built: the emitter reports the failure as NASREC900 instead.</summary>
internal sealed record FailedSpec(GeneratorOptions Options, string File, string Failure) : GenerationSpec(Options, File)
{
    public override string HintName => "";
}
