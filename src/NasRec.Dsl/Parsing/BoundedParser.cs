using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NasRec.Dsl.Parsing;

/// <summary>
/// The YAML event stream, limited to what YamlDotNet's representation model loads without failing
/// other than by a <see cref="YamlException"/>: its loader recurses once per nesting level (a deep
/// <c>[[[…</c> overflows the stack) and hashes mapping keys (an alias inside the node it names never
/// stops hashing); its scanner throws plain exceptions on some malformed flow collections
/// (<c>a: [b</c> followed by another key), and its parser drops the value of an entry with an empty
/// key in block context (<c>- : false</c>), leaving a key without a value. Each becomes a syntax error.
/// </summary>
internal sealed class BoundedParser : IParser
{
    /// <summary>Far beyond any NasRec document: an architecture nests five levels deep.</summary>
    public const int MaxDepth = 64;

    private readonly Scanner scanner;
    private readonly Parser parser;

    /// <summary>The open collections, innermost last.</summary>
    private readonly List<Level> open = new();

    /// <summary>For each anchor name, the depth of the open collection it names (null: a closed node).</summary>
    private readonly Dictionary<string, int?> anchors = new(StringComparer.Ordinal);

    public BoundedParser(TextReader input)
    {
        scanner = new Scanner(input);
        parser = new Parser(scanner);
    }

    public ParsingEvent? Current => parser.Current;

    public bool MoveNext()
    {
        bool moved;
        try
        {
            moved = parser.MoveNext();
        }
        catch (Exception e) when (e is not YamlException and not OutOfMemoryException)
        {
            var at = scanner.CurrentPosition;
            throw new SyntaxErrorException(at, at, "Could not scan the text from here on; is a '[' or '{' above left unclosed?");
        }
        if (parser.Current is { } node and (NodeEvent or AnchorAlias) && open.Count > 0)
        {
            var parent = open[open.Count - 1];
            if (parent.Start is MappingStart { Style: MappingStyle.Block } && parent.Nodes % 2 == 0
                && node is Scalar { Style: ScalarStyle.Plain, Value.Length: 0 })
            {
                throw new SemanticErrorException(node.Start, node.End, "A mapping entry has no key before its ':'");
            }
            parent.Nodes++;
        }
        switch (parser.Current)
        {
            case AnchorAlias alias when anchors.TryGetValue(alias.Value.Value, out var depth) && depth is not null:
                throw new SemanticErrorException(alias.Start, alias.End,
                    string.Format(CultureInfo.InvariantCulture, "The alias '*{0}' refers to a node that contains it", alias.Value.Value));
            case MappingStart or SequenceStart:
                var start = (NodeEvent)parser.Current;
                if (open.Count == MaxDepth)
                {
                    throw new SemanticErrorException(start.Start, start.End,
                        string.Format(CultureInfo.InvariantCulture, "The document nests deeper than {0} levels", MaxDepth));
                }
                open.Add(new Level(start));
                if (!start.Anchor.IsEmpty) anchors[start.Anchor.Value] = open.Count;
                break;
            case MappingEnd or SequenceEnd when open.Count > 0:
                var closed = open[open.Count - 1];
                if (closed.Start is MappingStart && closed.Nodes % 2 == 1)
                {
                    throw new SemanticErrorException(closed.Start.Start, closed.Start.End, "This mapping has a key without a value");
                }
                var anchor = closed.Start.Anchor;
                if (!anchor.IsEmpty && anchors[anchor.Value] == open.Count) anchors[anchor.Value] = null;
                open.RemoveAt(open.Count - 1);
                break;
            case Scalar { Anchor.IsEmpty: false } scalar:
                anchors[scalar.Anchor.Value] = null;
                break;
        }
        return moved;
    }

    private sealed class Level
    {
        public Level(NodeEvent start) => Start = start;

        /// <summary>The collection's start event: its style, anchor and position.</summary>
        public NodeEvent Start { get; }

        /// <summary>The child nodes read so far: keys and values alternate in a mapping.</summary>
        public int Nodes { get; set; }
    }
}
