using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using NasRec.Dsl.Diagnostics;

namespace NasRec.Dsl.Tests.Diagnostics;

public sealed class DiagnosticCatalogTests
{
    private static readonly Regex IdPattern = new(@"^NASREC\d{3}$", RegexOptions.CultureInvariant);

    [Fact]
    public void EveryRuleHasAUniqueWellFormedId()
    {
        var ids = DiagnosticCatalog.All.Select(rule => rule.Id).ToList();

        Assert.All(ids, id => Assert.Matches(IdPattern, id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ids.OrderBy(id => id, StringComparer.Ordinal), ids);
    }

    [Fact]
    public void AllHoldsEveryRuleField()
    {
        var fields = typeof(DiagnosticCatalog).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.FieldType == typeof(DiagnosticRule))
            .Select(field => (DiagnosticRule)field.GetValue(null)!);

        Assert.Equal(fields.OrderBy(rule => rule.Id, StringComparer.Ordinal), DiagnosticCatalog.All);
    }

    [Fact]
    public void SeverityFollowsTheIdRange()
    {
        // Errors are NASREC001-099, warnings NASREC100-199, internal failures NASREC900.
        Assert.All(DiagnosticCatalog.All, rule =>
        {
            int number = int.Parse(rule.Id.Substring("NASREC".Length), CultureInfo.InvariantCulture);
            var expected = number is >= 100 and <= 199 ? Severity.Warning : Severity.Error;
            Assert.True(number is (>= 1 and <= 199) or 900, rule.Id);
            Assert.Equal(expected, rule.Severity);
        });
    }

    [Fact]
    public void EveryMessageFormatFormatsWithTheInvariantCulture()
    {
        Assert.All(DiagnosticCatalog.All, rule =>
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.Title), rule.Id);
            int placeholders = Regex.Matches(rule.MessageFormat, @"\{(\d+)").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 1)
                .DefaultIfEmpty(0).Max();
            var args = Enumerable.Range(0, placeholders).Select(i => (object)("arg" + i.ToString(CultureInfo.InvariantCulture))).ToArray();

            var message = string.Format(CultureInfo.InvariantCulture, rule.MessageFormat, args);

            Assert.DoesNotContain("{", message, StringComparison.Ordinal);
            Assert.All(args, arg => Assert.Contains((string)arg, message, StringComparison.Ordinal));
        });
    }

    [Fact]
    public void DiagnosticsFormatNumbersInvariantlyWhateverTheCurrentCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            culture.NumberFormat.NegativeSign = "\u2212";
            CultureInfo.CurrentCulture = culture;
            var diagnostic = DslDiagnostic.AtPath(DiagnosticCatalog.TableTooSmall, "sparse.features[0].tableSize", "C1", -1L);

            Assert.Equal("Feature 'C1' has table size -1; a table needs at least 2 rows (row 0 holds missing values)", diagnostic.Message);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void EveryRuleButInternalErrorHasATestThatTriggersIt()
    {
        var tested = typeof(DiagnosticRuleTests).GetMethods()
            .Where(method => method.GetCustomAttribute<FactAttribute>() is not null)
            .SelectMany(method => Regex.Matches(method.Name, @"NASREC\d{3}").Select(m => m.Value))
            .ToHashSet(StringComparer.Ordinal);
        var rules = DiagnosticCatalog.All.Select(rule => rule.Id).Where(id => id != DiagnosticCatalog.InternalError.Id);

        Assert.Equal(rules.OrderBy(id => id, StringComparer.Ordinal), tested.OrderBy(id => id, StringComparer.Ordinal));
    }
}
