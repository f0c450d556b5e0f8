using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;
using NasRec.Dsl.Validation;

namespace NasRec.Dsl.Generators.Specs;

/// <summary>One generated file: everything its emitter needs, value-equal so unchanged inputs emit nothing.</summary>
internal abstract record GenerationSpec(GeneratorOptions Options, string File)
{
    /// <summary>
    /// The generated file's name: the namespace and the generated type, unique ignoring case across all
    /// documents (NASREC017 and NASREC024 shadow any document that would repeat one).
    /// </summary>
    public abstract string HintName { get; }
}

internal sealed record SpaceSpec(GeneratorOptions Options, string File, SearchSpace Space) : GenerationSpec(Options, File)
{
    /// <summary>NasRecFull → NasRecFullSpace; a name already ending in "Space" is kept.</summary>
    public string TypeName => GeneratedNames.TypeName(DocumentKinds.SearchSpace, Space.Name);

    public override string HintName => Options.Namespace + "." + TypeName + ".g.cs";

    /// <summary>The file of the space's typed supernet (with the runtime only); no document name holds a dot, so none can repeat it.</summary>
    public string SupernetHintName => Options.Namespace + "." + TypeName + ".Supernet.g.cs";
}

internal sealed record DatasetSpec(GeneratorOptions Options, string File, DatasetSchema Dataset) : GenerationSpec(Options, File)
{
    /// <summary>Criteo → CriteoDataset; a name already ending in "Dataset" is kept.</summary>
    public string TypeName => GeneratedNames.TypeName(DocumentKinds.Dataset, Dataset.Name);

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
