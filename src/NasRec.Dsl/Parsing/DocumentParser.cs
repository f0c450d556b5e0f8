using NasRec.Dsl.Diagnostics;
using NasRec.Dsl.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NasRec.Dsl.Parsing;

/// <summary>Parses one NasRec YAML file. Never throws: every problem is a located diagnostic.</summary>
public static class DocumentParser
{
    public static ParseResult Parse(string file, string text)
    {
        var document = new DocumentReader(file);
        string? kind = null, name = null;
        NasRecDocument? parsed = null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new BoundedParser(new StringReader(text)));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode rootNode)
            {
                document.Diagnostics.Add(DslDiagnostic.At(DiagnosticCatalog.MissingKey, SourceSpan.StartOf(file), "kind", "the document"));
            }
            else
            {
                var root = new MappingReader(document, rootNode, "", "the document");
                document.Record("", rootNode);
                kind = root.String("kind");
                name = (root.Value("name", required: false) as YamlScalarNode)?.Value;
                parsed = kind switch
                {
                    DocumentKinds.SearchSpace => SearchSpaceReader.Read(document, root),
                    DocumentKinds.Architecture => ArchitectureReader.Read(document, root),
                    DocumentKinds.Dataset => DatasetReader.Read(document, root),
                    null => null,
                    _ => UnknownKind(document, root, kind),
                };
            }
            if (stream.Documents.Count > 1)
            {
                document.Report(DiagnosticCatalog.SeveralDocuments, stream.Documents[1].RootNode, stream.Documents.Count);
            }
        }
        catch (YamlException e)
        {
            var span = new SourceSpan(file, (int)e.Start.Line, (int)e.Start.Column, (int)e.End.Line, (int)e.End.Column,
                (int)e.Start.Index, (int)e.End.Index);
            document.Diagnostics.Add(DslDiagnostic.At(DiagnosticCatalog.YamlSyntax, span, SyntaxMessage(e)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            document.Diagnostics.Add(DslDiagnostic.At(DiagnosticCatalog.InternalError, SourceSpan.StartOf(file), e.GetType().Name + ": " + e.Message));
        }

        var diagnostics = document.Diagnostics
            .OrderBy(d => d.Location?.StartOffset ?? 0)
            .ThenBy(d => d.Rule.Id, StringComparer.Ordinal)
            .ToEquatableArray();
        return new ParseResult(file, kind, name, document.HasErrors ? null : parsed, document.SourceMap, diagnostics);
    }

    private static NasRecDocument? UnknownKind(DocumentReader document, MappingReader root, string kind)
    {
        document.Report(DiagnosticCatalog.UnknownKind, root.Value("kind", required: false)!, kind);
        return null;
    }

    /// <summary>YamlDotNet prefixes its messages with the marks; the diagnostic has them already.</summary>
    private static string SyntaxMessage(YamlException e)
    {
        var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
        int cut = message.StartsWith("(Line", StringComparison.Ordinal) ? message.IndexOf("): ", StringComparison.Ordinal) : -1;
        return cut >= 0 ? message.Substring(cut + 3) : message;
    }
}
