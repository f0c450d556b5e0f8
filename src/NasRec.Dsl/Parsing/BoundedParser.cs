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
/// Keys must be plain scalars (no alias, list or mapping: hashing or printing one expands every alias
/// inside it), and the nodes aliases stand for are counted as if expanded: past
/// <see cref="DocumentLimits.MaxAliasExpansion"/> the alias is an <see cref="AliasBudgetException"/>.
/// </summary>
internal sealed class BoundedParser : IParser
{
    private readonly Scanner scanner;
    private readonly Parser parser;

    /// <summary>The open collections, innermost last.</summary>
    private readonly List<Level> open = new();

    /// <summary>For each anchor name, the node it names so far.</summary>
    private readonly Dictionary<string, Anchor> anchors = new(StringComparer.Ordinal);

    /// <summary>Nodes read so far, each alias counted as the nodes it stands for.</summary>
    private long expandedNodes;

    /// <summary>Nodes the aliases read so far stand for.</summary>
    private long aliasedNodes;

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
            if (parent.Start is MappingStart && parent.Nodes % 2 == 0) CheckKey(node, parent);
            parent.Nodes++;
        }
        switch (parser.Current)
        {
            case AnchorAlias alias:
                Expand(alias);
                break;
            case MappingStart or SequenceStart:
                var start = (NodeEvent)parser.Current;
                if (open.Count == DocumentLimits.MaxDepth)
                {
                    throw new SemanticErrorException(start.Start, start.End,
                        string.Format(CultureInfo.InvariantCulture, "The document nests deeper than {0} levels", DocumentLimits.MaxDepth));
                }
                expandedNodes++;
                open.Add(new Level(start, expandedNodes));
                if (!start.Anchor.IsEmpty) anchors[start.Anchor.Value] = new Anchor(open.Count, 0);
                break;
            case MappingEnd or SequenceEnd when open.Count > 0:
                var closed = open[open.Count - 1];
                if (closed.Start is MappingStart && closed.Nodes % 2 == 1)
                {
                    throw new SemanticErrorException(closed.Start.Start, closed.Start.End, "This mapping has a key without a value");
                }
                var anchor = closed.Start.Anchor;
                if (!anchor.IsEmpty && anchors[anchor.Value].OpenDepth == open.Count)
                {
                    anchors[anchor.Value] = new Anchor(null, expandedNodes - closed.ExpandedBefore + 1);
                }
                open.RemoveAt(open.Count - 1);
                break;
            case Scalar scalar:
                expandedNodes++;
                if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor.Value] = new Anchor(null, 1);
                break;
        }
        return moved;
    }

    /// <summary>NasRec keys are plain text; an empty key in block context loses its value (see above).</summary>
    private static void CheckKey(ParsingEvent key, Level mapping)
    {
        switch (key)
        {
            case AnchorAlias:
                throw new SemanticErrorException(key.Start, key.End, "An alias cannot be a mapping key; write the key as text");
            case MappingStart or SequenceStart:
                throw new SemanticErrorException(key.Start, key.End, "A mapping key must be text, not a list or a mapping");
            case Scalar { Style: ScalarStyle.Plain, Value.Length: 0 } when mapping.Start is MappingStart { Style: MappingStyle.Block }:
                throw new SemanticErrorException(key.Start, key.End, "A mapping entry has no key before its ':'");
        }
    }

    private void Expand(AnchorAlias alias)
    {
        if (!anchors.TryGetValue(alias.Value.Value, out var anchor)) return; // YamlDotNet reports the unknown anchor
        if (anchor.OpenDepth is not null)
        {
            throw new SemanticErrorException(alias.Start, alias.End,
                string.Format(CultureInfo.InvariantCulture, "The alias '*{0}' refers to a node that contains it", alias.Value.Value));
        }
        expandedNodes += anchor.Size;
        aliasedNodes += anchor.Size;
        if (aliasedNodes > DocumentLimits.MaxAliasExpansion) throw new AliasBudgetException(alias, aliasedNodes);
    }

    /// <summary>An anchored node: open (the depth of its collection) or closed, with the nodes an alias to it stands for.</summary>
    private readonly struct Anchor
    {
        public Anchor(int? openDepth, long size)
        {
            OpenDepth = openDepth;
            Size = size;
        }

        public int? OpenDepth { get; }

        public long Size { get; }
    }

    private sealed class Level
    {
        public Level(NodeEvent start, long expandedBefore)
        {
            Start = start;
            ExpandedBefore = expandedBefore;
        }

        /// <summary>The collection's start event: its style, anchor and position.</summary>
        public NodeEvent Start { get; }

        /// <summary>The expanded node count when the collection opened (its own node included).</summary>
        public long ExpandedBefore { get; }

        /// <summary>The child nodes read so far: keys and values alternate in a mapping.</summary>
        public int Nodes { get; set; }
    }
}

/// <summary>The aliases of a file stand for more nodes than <see cref="DocumentLimits.MaxAliasExpansion"/>.</summary>
internal sealed class AliasBudgetException : YamlException
{
    public AliasBudgetException(AnchorAlias alias, long aliasedNodes)
        : base(alias.Start, alias.End, "Too many aliased nodes")
    {
        AliasedNodes = aliasedNodes;
    }

    public long AliasedNodes { get; }
}
