using System.Globalization;
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
        var document = new DocumentReader(file, text);
        string? kind = null, name = null;
        NasRecDocument? parsed = null;
        try
        {
            if (text.Length > DocumentLimits.MaxCharacters) return TooLarge(file, text);
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
        catch (AliasBudgetException e)
        {
            document.Diagnostics.Add(DslDiagnostic.At(DiagnosticCatalog.LimitExceeded, document.Span(e.Start, e.End),
                string.Format(CultureInfo.InvariantCulture, "The aliases up to this one stand for {0} nodes", e.AliasedNodes),
                DocumentLimits.MaxAliasExpansion));
        }
        catch (YamlException e)
        {
            document.Diagnostics.Add(DslDiagnostic.At(DiagnosticCatalog.YamlSyntax, document.Span(e.Start, e.End), SyntaxMessage(e)));
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

    /// <summary>A file past <see cref="DocumentLimits.MaxCharacters"/> is not parsed: one error where the limit falls.</summary>
    private static ParseResult TooLarge(string file, string text)
    {
        int line = 1, column = 1;
        for (int i = 0; i < DocumentLimits.MaxCharacters; i++)
        {
            if (!TextPositions.IsBreak(text[i]) || (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')) column++;
            else (line, column) = (line + 1, 1);
        }
        var at = new SourceSpan(file, line, column, line, column, DocumentLimits.MaxCharacters, DocumentLimits.MaxCharacters);
        var diagnostic = DslDiagnostic.At(DiagnosticCatalog.LimitExceeded, at,
            string.Format(CultureInfo.InvariantCulture, "The file holds {0} characters", text.Length), DocumentLimits.MaxCharacters);
        return new ParseResult(file, null, null, null, new SourceMap(file, EquatableArray<SourceMap.Entry>.Empty), EquatableArray.Create(diagnostic));
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
