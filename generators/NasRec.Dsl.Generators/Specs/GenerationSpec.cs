using NasRec.Dsl.Analysis;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Generators.Specs;

/// <summary>One generated file: everything its emitter needs, value-equal so unchanged inputs emit nothing.</summary>
internal abstract record GenerationSpec(GeneratorOptions Options, string File)
{
    public abstract string HintName { get; }
}

internal sealed record SpaceSpec(GeneratorOptions Options, string File, SearchSpace Space) : GenerationSpec(Options, File)
{
    public override string HintName => Options.Namespace + "." + Space.Name + "Space.g.cs";
}

internal sealed record DatasetSpec(GeneratorOptions Options, string File, DatasetSchema Dataset) : GenerationSpec(Options, File)
{
    public override string HintName => Options.Namespace + "." + Dataset.Name + "Dataset.g.cs";
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
