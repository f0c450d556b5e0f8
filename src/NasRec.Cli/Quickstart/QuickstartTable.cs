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

    /// <summary>The table, then the re-ranking: how each of the search's best fared once retrained.</summary>
    public static string Markdown(QuickstartResult result) =>
        new MarkdownText().Heading(2, "Results on the test split").Table(Headers, Rows(result))
            .Heading(2, "Re-ranking").Paragraph(
                $"The search's best {result.Reranked.Count} distinct architectures by inherited-weight score, each retrained from scratch; " +
                "the one with the best validation logloss is the found architecture.")
            .Table(["retrained", "inherited-weight val logloss", "val logloss", "test logloss", "MFLOPs"], result.Reranked.Select(r => (IReadOnlyList<string>)
                [r.Model.Label, MarkdownText.Number(r.Candidate.ValLogloss), MarkdownText.Number(r.Model.Validation.Logloss),
                 MarkdownText.Number(r.Model.Test.Logloss), MarkdownText.Number(r.Candidate.Candidate.MegaFlops, "F4")]))
            .ToString();

    /// <summary>The table as one object, with the keys a script reads.</summary>
    public static JsonObject Json(QuickstartResult result) => new()
    {
        ["testLogloss"] = result.Found.Test.Logloss,
        ["testAuc"] = result.Found.Test.Auc,
        ["mflops"] = result.Found.Mflops,
        ["bayesLogloss"] = result.Data.BayesLogloss,
        ["baseRateLogloss"] = result.Data.BaseRateLogloss,
        ["searchBestTestLogloss"] = result.SearchBest.Test.Logloss,
        ["reranked"] = result.Reranked.Count,
        ["randomMedianTestLogloss"] = result.RandomMedian.Test.Logloss,
        ["randomBestTestLogloss"] = result.RandomBest.Test.Logloss,
        ["logisticTestLogloss"] = result.Logistic.Test.Logloss,
        ["logisticTestAuc"] = result.Logistic.Test.Auc,
        ["searchBestValLogloss"] = result.SearchBestValLogloss,
        ["initialMedianValLogloss"] = result.InitialMedianValLogloss,
        ["archPath"] = result.ArchPath,
        ["reportDir"] = result.ReportDir,
        ["trainAgain"] = result.TrainAgain,
        ["predict"] = result.Predict,
    };

    private static IEnumerable<IReadOnlyList<string>> Rows(QuickstartResult result)
    {
        IReadOnlyList<string> Model(string name, TestedModel model) =>
            [name, MarkdownText.Number(model.Test.Logloss), MarkdownText.Number(model.Test.Auc), model.Mflops is double m ? MarkdownText.Number(m, "F4") : "-"];
        yield return Model($"found architecture (best on val of the search's top {result.Reranked.Count}, retrained)", result.Found);
        yield return Model("the search's best by inherited-weight score", result.SearchBest);
        yield return Model("best of the initial random population", result.RandomBest);
        yield return Model("median of the initial random population", result.RandomMedian);
        yield return Model("logistic regression", result.Logistic);
        yield return ["Bayes-optimal (the true probabilities, all rows)", MarkdownText.Number(result.Data.BayesLogloss), "", ""];
        yield return ["base rate (the positive rate for every row)", MarkdownText.Number(result.Data.BaseRateLogloss), "", ""];
    }
}
