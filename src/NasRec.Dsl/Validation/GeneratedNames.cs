using System.Text.RegularExpressions;
using NasRec.Dsl.Model;

namespace NasRec.Dsl.Validation;

/// <summary>
/// The C# names the generator derives from document names, and the rules that keep them compilable:
/// a document name is a C# identifier that is no keyword, no contextual keyword and not all lowercase
/// ASCII (CS8981); an architecture name is no member of the class it becomes.
/// </summary>
public static class GeneratedNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
        "__arglist", "__makeref", "__reftype", "__refvalue",
    };

    private static readonly HashSet<string> ContextualKeywords = new(StringComparer.Ordinal)
    {
        "add", "alias", "allows", "and", "ascending", "args", "async", "await", "by", "descending", "dynamic",
        "equals", "extension", "field", "file", "from", "get", "global", "group", "init", "into", "join", "let",
        "managed", "nameof", "nint", "not", "notnull", "nuint", "on", "or", "orderby", "partial", "record",
        "remove", "required", "scoped", "select", "set", "unmanaged", "value", "var", "when", "where", "with", "yield",
    };

    /// <summary>What the generated architecture class declares besides its per-block parts.</summary>
    private static readonly Dictionary<string, string> ArchitectureMembers = new(StringComparer.Ordinal)
    {
        ["Definition"] = "property Definition",
        ["Flops"] = "constant Flops",
        ["NonEmbeddingParameters"] = "constant NonEmbeddingParameters",
        ["TableSizes"] = "property TableSizes",
        ["embedding"] = "field embedding",
        ["head"] = "field head",
        ["forward"] = "method forward",
    };

    /// <summary>The per-block part fields (<c>block3_dense</c>, <c>block0_dense_to_sparse</c>), named as the state_dict names them.</summary>
    private static readonly Regex PartField = new(@"^block[0-9]+_(dense|sparse|fm|dense_to_sparse)$", RegexOptions.CultureInvariant);

    /// <summary>The type a document generates: the architecture's name; <c>{Name}Space</c>, <c>{Name}Dataset</c> unless the name ends so.</summary>
    public static string TypeName(string kind, string name) => kind switch
    {
        DocumentKinds.SearchSpace => Suffixed(name, "Space"),
        DocumentKinds.Dataset => Suffixed(name, "Dataset"),
        _ => name,
    };

    /// <summary>Why <paramref name="name"/> cannot name a generated type, or null when it can.</summary>
    public static string? IdentifierProblem(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
            return "use letters, digits and '_', and do not start with a digit";
        if (Keywords.Contains(name)) return "it is a C# keyword";
        if (ContextualKeywords.Contains(name)) return "it is a C# contextual keyword";
        if (name.All(c => c is >= 'a' and <= 'z')) return "a type name of only lowercase ASCII letters may become a keyword (CS8981); use an uppercase letter";
        return null;
    }

    /// <summary>The member of the generated architecture class that <paramref name="name"/> equals, or null.</summary>
    public static string? ArchitectureMember(string name) =>
        ArchitectureMembers.TryGetValue(name, out var member) ? member
        : PartField.IsMatch(name) ? "field " + name
        : null;

    private static string Suffixed(string name, string suffix) =>
        name.EndsWith(suffix, StringComparison.Ordinal) ? name : name + suffix;
}
