using System.Text.Json.Nodes;
using NasRec.Cli.Output;
using NasRec.Cli.Reports;

namespace NasRec.Cli.Quickstart;

/// <summary>The quickstart's final table: the found architecture against its baselines and the data's bounds.</summary>
internal static class QuickstartTable
{
    private static readonly string[] Headers = ["model", "test logloss", "test AUC", "MFLOPs"];

    public static string Text(QuickstartResult result)
    {
        var table = new TextTable(new(Headers[0]), new(Headers[1], true), new(Headers[2], true), new(Headers[3], true));
        foreach (var row in Rows(result)) table.Add([.. row]);
        return table.ToString();
    }

    public static string Markdown(QuickstartResult result) =>
        new MarkdownText().Heading(2, "Results on the test split").Table(Headers, Rows(result)).ToString();

    /// <summary>The table as one object, with the keys a script reads.</summary>
    public static JsonObject Json(QuickstartResult result) => new()
    {
        ["testLogloss"] = result.Found.Test.Logloss,
        ["testAuc"] = result.Found.Test.Auc,
        ["mflops"] = result.Found.Mflops,
        ["bayesLogloss"] = result.Data.BayesLogloss,
        ["baseRateLogloss"] = result.Data.BaseRateLogloss,
        ["randomMedianTestLogloss"] = result.RandomMedian.Test.Logloss,
        ["randomBestTestLogloss"] = result.RandomBest.Test.Logloss,
        ["logisticTestLogloss"] = result.Logistic.Test.Logloss,
        ["logisticTestAuc"] = result.Logistic.Test.Auc,
        ["searchBestValLogloss"] = result.SearchBestValLogloss,
        ["initialMedianValLogloss"] = result.InitialMedianValLogloss,
        ["archPath"] = result.ArchPath,
        ["reportDir"] = result.ReportDir,
    };

    private static IEnumerable<IReadOnlyList<string>> Rows(QuickstartResult result)
    {
        IReadOnlyList<string> Model(string name, TestedModel model) =>
            [name, MarkdownText.Number(model.Test.Logloss), MarkdownText.Number(model.Test.Auc), model.Mflops is double m ? MarkdownText.Number(m, "F4") : "-"];
        yield return Model("found architecture", result.Found);
        yield return Model("best of the initial random population", result.RandomBest);
        yield return Model("median of the initial random population", result.RandomMedian);
        yield return Model("logistic regression", result.Logistic);
        yield return ["Bayes-optimal (the true probabilities, all rows)", MarkdownText.Number(result.Data.BayesLogloss), "", ""];
        yield return ["base rate (the positive rate for every row)", MarkdownText.Number(result.Data.BaseRateLogloss), "", ""];
    }
}
