using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NasRec.Dsl.Interop;
using NasRec.Dsl.Model;
using NasRec.Dsl.Validation;
using NasRec.Dsl.Writing;

namespace NasRec.Cli.Commands;

/// <summary><c>nasrec import</c>: a reference configuration JSON becomes an <c>.arch.yaml</c>.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var config = new Argument<FileInfo>("reference-config")
        {
            Description = "A subnet configuration of the reference implementation (a *_best_1shot.json file)",
        }.AcceptExistingOnly();
        var space = new Option<string>("--space")
        {
            HelpName = "name",
            Description = "The search space to import into. Default: the space whose referenceKey is the configuration's 'config'",
        };
        var name = new Option<string>("--name") { HelpName = "name", Description = "The architecture's name (a C# identifier)", Required = true };
        var dataset = new Option<string>("--dataset")
        {
            HelpName = "name",
            Description = "The dataset. Default: the dataset named like the file name's prefix before '_' (criteo_xlarge_best_1shot.json: Criteo)",
        };
        var spaces = SpacesFolder.CreateOption();
        var output = new Option<FileInfo>("--output", "-o") { HelpName = "file", Description = "The .arch.yaml to write. Default: standard output" };

        var command = new Command("import",
            "Converts a reference configuration into an .arch.yaml with layer norm off (as the reference's final training). " +
            "Genes the chosen operators ignore are dropped and listed on standard error.")
        {
            config, space, name, dataset, spaces, output,
        };
        command.SetAction(CommandAction.Of((parseResult, stdout, stderr) => Import(
            parseResult.GetRequiredValue(config), parseResult.GetValue(space), parseResult.GetRequiredValue(name), parseResult.GetValue(dataset),
            SpacesFolder.Resolve(parseResult.GetValue(spaces)), parseResult.GetValue(output), stdout, stderr)));
        return command;
    }

    private static int Import(FileInfo configFile, string? spaceName, string name, string? datasetName, string folder, FileInfo? outputFile,
        TextWriter stdout, TextWriter stderr)
    {
        var reference = Read(configFile);
        var definitions = SpacesFolder.Load(folder);
        var catalog = definitions.Catalog;
        var space = FindSpace(catalog, spaceName, reference.Config, folder);
        var dataset = FindDataset(catalog, datasetName, configFile.Name, folder);

        Architecture architecture;
        IReadOnlyList<string> ignoredGenes;
        try
        {
            architecture = ReferenceConfigConverter.ToArchitecture(reference, space, name, dataset.Name, out ignoredGenes);
        }
        catch (ReferenceConfigException e)
        {
            throw new CommandException($"{configFile.Name}: {e.Message}");
        }

        var directory = outputFile?.DirectoryName ?? Directory.GetCurrentDirectory();
        var schema = Path.GetRelativePath(directory, Path.Combine(folder, "schema", "nasrec.schema.json")).Replace('\\', '/');
        var yaml = ArchitectureWriter.Write(architecture, schema, Header(name, configFile.Name, reference));

        // The written document goes through the same checks as any .arch.yaml beside the folder's documents (identifier, widths, inputs, names).
        var file = outputFile?.FullName ?? "<stdout>";
        var diagnostics = definitions.With(file, yaml).DiagnosticsOf(file).ToList();
        foreach (var diagnostic in diagnostics) stderr.WriteLine(diagnostic);
        if (diagnostics.Any(d => d.IsError)) return 1;

        if (outputFile is null)
        {
            stdout.Write(yaml);
        }
        else
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(outputFile.FullName, yaml);
        }
        foreach (var gene in ignoredGenes) stderr.WriteLine("note: " + gene);
        return 0;
    }

    private static ReferenceConfig Read(FileInfo file)
    {
        try
        {
            return ReferenceConfigJson.Parse(File.ReadAllText(file.FullName));
        }
        catch (JsonException e)
        {
            throw new CommandException($"{file.Name} is not a reference configuration: {e.Message}");
        }
    }

    private static SearchSpace FindSpace(DocumentCatalog catalog, string? name, string referenceKey, string folder)
    {
        var space = name is null
            ? catalog.Spaces.FirstOrDefault(s => s.ReferenceKey == referenceKey)
            : catalog.Space(name);
        if (space is not null) return space;
        var known = string.Join(", ", catalog.Spaces.Select(s => $"{s.Name} ({s.ReferenceKey})"));
        throw new CommandException(name is null
            ? $"No search space in {folder} has referenceKey '{referenceKey}'; pass --space (known: {known})"
            : $"Unknown search space '{name}' (known in {folder}: {known})");
    }

    private static DatasetSchema FindDataset(DocumentCatalog catalog, string? name, string configFileName, string folder)
    {
        var prefix = configFileName.Split('_')[0];
        var dataset = name is null
            ? catalog.Datasets.FirstOrDefault(d => string.Equals(d.Name, prefix, StringComparison.OrdinalIgnoreCase))
            : catalog.Dataset(name);
        if (dataset is not null) return dataset;
        var known = string.Join(", ", catalog.Datasets.Select(d => d.Name));
        throw new CommandException(name is null
            ? $"No dataset in {folder} is named like the file name's prefix '{prefix}'; pass --dataset (known: {known})"
            : $"Unknown dataset '{name}' (known in {folder}: {known})");
    }

    private static IEnumerable<string> Header(string name, string configFileName, ReferenceConfig reference)
    {
        var loss = reference.TestLoss is double testLoss
            ? ", search-time val logloss " + testLoss.ToString("F5", CultureInfo.InvariantCulture)
            : "";
        yield return $"{name}: imported from {configFileName} (reference space '{reference.Config}'{loss}).";
        yield return "layerNorm is false: the reference's final training forces layer norm off.";
    }
}
