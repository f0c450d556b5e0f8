namespace NasRec.Dsl.Diagnostics;

/// <summary>
/// Every diagnostic the DSL reports, by stable id. Ids never change meaning; new rules take new ids.
/// Errors are NASREC001-099, warnings NASREC100-199, internal failures NASREC900.
/// </summary>
public static class DiagnosticCatalog
{
    public static readonly DiagnosticRule YamlSyntax = Error("NASREC001", "YAML syntax error",
        "YAML syntax error: {0}");

    public static readonly DiagnosticRule UnknownKey = Error("NASREC002", "Unknown key",
        "Unknown key '{0}' in {1}; allowed keys: {2}");

    public static readonly DiagnosticRule MissingKey = Error("NASREC003", "Missing key",
        "Missing required key '{0}' in {1}");

    public static readonly DiagnosticRule InvalidValue = Error("NASREC004", "Invalid value",
        "'{0}' must be {1}; found {2}");

    public static readonly DiagnosticRule UnknownKind = Error("NASREC005", "Unknown document kind",
        "Unknown document kind '{0}'; allowed: SearchSpace, Architecture, Dataset");

    public static readonly DiagnosticRule UnknownOperator = Error("NASREC006", "Unknown operator",
        "Unknown {0} operator '{1}'; allowed: {2}");

    public static readonly DiagnosticRule OperatorNotInSpace = Error("NASREC007", "Operator not in the search space",
        "The {0} operator '{1}' is not in search space '{2}'; the space allows: {3}");

    public static readonly DiagnosticRule WidthNotInSpace = Error("NASREC008", "Dense width not in the search space",
        "Dense width {0} is not a choice of search space '{1}'; allowed: {2}");

    public static readonly DiagnosticRule TokensNotInSpace = Error("NASREC009", "Token count not in the search space",
        "Sparse token count {0} is not a choice of search space '{1}'; allowed: {2}");

    public static readonly DiagnosticRule InputOutOfRange = Error("NASREC010", "Input a block cannot read",
        "Block {0} cannot read input {1}; allowed: 0..{0} (0 is the raw input, k the output of block k-1)");

    public static readonly DiagnosticRule TooManyInputs = Error("NASREC011", "Too many inputs",
        "Block {0} reads {1} {2} inputs; search space '{3}' allows at most {4}");

    public static readonly DiagnosticRule DuplicateInput = Error("NASREC012", "Duplicate input",
        "Input {0} is listed more than once; an input list is a set");

    public static readonly DiagnosticRule MissingLeftRight = Error("NASREC013", "Sum or gating without left/right",
        "The {0} operator reads 'left' and 'right'; add '{1}' (a connection index 0..{2})");

    public static readonly DiagnosticRule WrongBlockCount = Error("NASREC014", "Wrong block count",
        "The architecture has {0} blocks; search space '{1}' has {2}");

    public static readonly DiagnosticRule UnknownSpace = Error("NASREC015", "Unknown search space",
        "Unknown search space '{0}'; known spaces: {1}");

    public static readonly DiagnosticRule UnknownDataset = Error("NASREC016", "Unknown dataset",
        "Unknown dataset '{0}'; known datasets: {1}");

    public static readonly DiagnosticRule DuplicateName = Error("NASREC017", "Duplicate document name",
        "The name '{0}' is already used by {1}; document names must be unique");

    public static readonly DiagnosticRule InvalidIdentifier = Error("NASREC018", "Name is not a C# identifier",
        "'{0}' is not a valid C# identifier; use letters, digits and '_', do not start with a digit, and avoid C# keywords");

    public static readonly DiagnosticRule TableTooSmall = Error("NASREC019", "Embedding table too small",
        "Feature '{0}' has table size {1}; a table needs at least 2 rows (row 0 holds missing values)");

    public static readonly DiagnosticRule SwitchNotInSpace = Error("NASREC020", "Interaction switch not in the search space",
        "Search space '{0}' does not allow the '{1}' switch; remove it or set it to false");

    public static readonly DiagnosticRule EmptyInputs = Error("NASREC021", "No inputs",
        "The {0} operator reads '{1}'; give at least one connection index");

    public static readonly DiagnosticRule SeveralDocuments = Error("NASREC022", "More than one document in a file",
        "A NasRec file holds one document; this file holds {0}: move each after the first into a file of its own");

    public static readonly DiagnosticRule DuplicateFeature = Error("NASREC040", "Duplicate feature name",
        "The name '{0}' is already used by {1}; the label and the features need distinct names");

    public static readonly DiagnosticRule UnknownColumn = Error("NASREC041", "Unknown column",
        "{0} reads column '{1}', which is not among the source's columns: {2}");

    public static readonly DiagnosticRule OptionNotApplicable = Error("NASREC042", "Option does not apply",
        "'{0}' applies only to {1}; remove it");

    public static readonly DiagnosticRule DenseInLibsvm = Error("NASREC043", "Numeric feature in a libsvm source",
        "A libsvm source holds categorical fields only: dense feature '{0}' must use transform 'zero'");

    public static readonly DiagnosticRule FixedLayoutMismatch = Error("NASREC044", "Features do not match the source's fixed layout",
        "The {0} source yields {1} columns ({2}); this dataset reads {3}");

    public static readonly DiagnosticRule DeadBlock = Warning("NASREC100", "Dead block",
        "Block {0} is dead: none of its outputs reaches the head; the compiled subnet leaves it out");

    public static readonly DiagnosticRule IgnoredGene = Warning("NASREC101", "Gene ignored by the operator",
        "'{0}' is ignored by the {1} operator and is not kept");

    public static readonly DiagnosticRule InternalError = Error("NASREC900", "Internal error",
        "Internal error while compiling this file: {0}");

    /// <summary>All rules, for documentation and release tracking.</summary>
    public static IReadOnlyList<DiagnosticRule> All { get; } = typeof(DiagnosticCatalog).GetFields()
        .Where(field => field.FieldType == typeof(DiagnosticRule))
        .Select(field => (DiagnosticRule)field.GetValue(null)!)
        .OrderBy(rule => rule.Id, StringComparer.Ordinal)
        .ToList();

    private static DiagnosticRule Error(string id, string title, string format) => new(id, title, format, Severity.Error);

    private static DiagnosticRule Warning(string id, string title, string format) => new(id, title, format, Severity.Warning);
}
