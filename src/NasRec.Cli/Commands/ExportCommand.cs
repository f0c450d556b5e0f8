using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NasRec.Dsl.Model;
using NasRec.Dsl.Parsing;
using NasRec.Dsl.Writing;
using NasRec.Cli.Reports;
using NasRec.Runtime.Checkpoints;
using NasRec.Runtime.Search;

namespace NasRec.Cli.Commands;

/// <summary><c>nasrec export</c>: a search's best architectures as <c>.arch.yaml</c> files the generator compiles (spec §6.7 step 1).</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var search = new Option<DirectoryInfo>("--search") { HelpName = "search dir", Description = "A search folder (nasrec search)", Required = true }.AcceptExistingOnly();
        var top = new Option<int>("--top") { Description = "How many architectures to export", DefaultValueFactory = _ => 10 };
        var outputDir = new Option<DirectoryInfo>("--output-dir", "-o") { HelpName = "dir", Description = "Where to write the .arch.yaml files", Required = true };
        var name = new Option<string?>("--name")
        {
            HelpName = "prefix",
            Description = "The architectures' names are this prefix and their rank, from 1 (default: <dataset><space>Search, as CriteoNasRecFullSearch1)",
        };
        var json = TrainingOptions.Json();
        var spaces = SpacesFolder.CreateOption();

        var command = new Command("export",
            "Writes a search's best architectures as .arch.yaml files with layer norm off (as the reference's final training), their search " +
            "score, MFLOPs, parameters and hash in a header comment. Sorted by val logloss; as the reference's notebook, an architecture whose " +
            "loss equals the previous one's within 1e-6 is a duplicate and skipped, and so is any hash already exported. Each file is checked " +
            "against the spaces folder as a build would.")
        {
            search, top, outputDir, name, json, spaces,
        };
        command.SetAction(CommandAction.Of((r, stdout, stderr) =>
        {
            int count = r.GetValue(top);
            if (count < 1) throw new CommandException("--top must be at least 1");
            var folder = new SearchFolder(r.GetRequiredValue(search).FullName);
            var best = JournalReader.Best(folder.Directory, count);
            if (best.Count == 0) throw new CommandException($"{folder.JournalFile} holds no evaluated candidate");

            var output = r.GetRequiredValue(outputDir).FullName;
            var spacesFolder = SpacesFolder.Resolve(r.GetValue(spaces), output);
            var definitions = SpacesFolder.Load(spacesFolder);
            // Made once the documents it is checked against are found, so that a failure leaves no empty folder.
            Directory.CreateDirectory(output);
            var schema = Path.GetRelativePath(output, Path.Combine(spacesFolder, "schema", "nasrec.schema.json")).Replace('\\', '/');
            var written = new List<(string File, JournalEntry Entry)>();
            for (int rank = 1; rank <= best.Count; rank++)
            {
                var entry = best[rank - 1];
                var candidate = Architecture(entry, folder.JournalFile);
                var exported = candidate with { Name = (r.GetValue(name) ?? candidate.Dataset + candidate.Space + "Search") + rank.ToString(CultureInfo.InvariantCulture) };
                var file = Path.Combine(output, exported.Name + ".arch.yaml");
                var yaml = ArchitectureWriter.Write(exported, schema, Header(exported.Name, rank, entry, folder.Directory));
                // The written document goes through the same checks as a build of it beside the spaces folder's documents.
                var errors = definitions.With(file, yaml).DiagnosticsOf(file).Where(d => d.IsError).ToList();
                if (errors.Count > 0) throw new CommandException(string.Join(Environment.NewLine, errors));
                AtomicFile.WriteAllText(file, yaml);
                written.Add((file, entry));
            }

            if (r.GetValue(json))
            {
                stdout.WriteLine(new JsonArray(written.Select(w => (JsonNode)new JsonObject
                {
                    ["file"] = w.File,
                    ["hash"] = w.Entry.Hash,
                    ["valLogloss"] = w.Entry.ValLogloss,
                    ["mflops"] = w.Entry.Mflops,
                    ["params"] = w.Entry.Params,
                }).ToArray()).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                foreach (var (file, entry) in written) stdout.WriteLine($"{file}  val logloss {entry.ValLogloss:F5}  {entry.Mflops:F4} MFLOPs  {entry.Params:N0} params");
                if (best.Count < count) stdout.WriteLine($"The search holds {best.Count} distinct architecture{(best.Count == 1 ? "" : "s")}; exported {(best.Count == 1 ? "it" : "them all")}.");
            }
            return 0;
        }));
        return command;
    }

    private static Architecture Architecture(JournalEntry entry, string journal)
    {
        var where = $"{journal}, candidate {entry.Index}";
        var parsed = DocumentParser.Parse(where, entry.Architecture);
        if (parsed.HasErrors) throw new CommandException(string.Join(Environment.NewLine, parsed.Diagnostics.Where(d => d.IsError)));
        return parsed.Document as Architecture ?? throw new CommandException($"{where}: not an Architecture document");
    }

    private static IEnumerable<string> Header(string name, int rank, JournalEntry entry, string search)
    {
        yield return $"{name}: rank {rank} of the search in {search} (candidate {entry.Index}, generation {entry.Generation}).";
        yield return string.Create(CultureInfo.InvariantCulture,
            $"Search score: val logloss {entry.ValLogloss:F5} under the fine-tuned supernet (not a test result); {entry.Mflops:F4} MFLOPs; {entry.Params:N0} parameters.");
        yield return "Hash (the reference's token encoding): " + entry.Hash;
        yield return "layerNorm is false: the reference's final training forces layer norm off.";
    }
}
