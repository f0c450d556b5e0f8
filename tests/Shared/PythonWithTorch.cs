using System.Diagnostics;

namespace NasRec.Tests;

/// <summary>
/// The Python that tests of <c>python/nasrec_torch.py</c> run: <c>NASREC_PYTHON</c>, else <c>python3</c> or
/// <c>/usr/bin/python3</c>, whichever imports torch; none where none does (those tests are then skipped).
/// </summary>
internal static class PythonWithTorch
{
    private static readonly Lazy<string?> Found = new(Find);

    public static string? Path => Found.Value;

    public const string SkipReason = "needs a Python with PyTorch: set NASREC_PYTHON to one";

    /// <summary>Runs <c>python/nasrec_torch.py</c> under <paramref name="repoRoot"/> with <paramref name="arguments"/>.</summary>
    public static (int ExitCode, string Output, string Error) RunScript(string repoRoot, params string[] arguments) =>
        Run(repoRoot, [System.IO.Path.Combine(repoRoot, "python", "nasrec_torch.py"), .. arguments]);

    /// <summary>Runs Python <paramref name="code"/> (<c>sys.argv[1:]</c>: <paramref name="arguments"/>), which can import nasrec_torch.</summary>
    public static (int ExitCode, string Output, string Error) RunCode(string repoRoot, string code, params string[] arguments) =>
        Run(repoRoot, ["-c", code, .. arguments]);

    private static (int ExitCode, string Output, string Error) Run(string repoRoot, string[] arguments)
    {
        var start = new ProcessStartInfo(Path!, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PYTHONPATH"] = System.IO.Path.Combine(repoRoot, "python");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    private static string? Find()
    {
        string?[] candidates = [Environment.GetEnvironmentVariable("NASREC_PYTHON"), "python3", "/usr/bin/python3"];
        return candidates.OfType<string>().FirstOrDefault(candidate =>
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(candidate, ["-c", "import torch"]) { RedirectStandardError = true })!;
                process.WaitForExit();
                return process.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        });
    }
}

/// <summary>A theory that needs <see cref="PythonWithTorch"/>; skipped where there is none.</summary>
public sealed class PyTorchTheoryAttribute : TheoryAttribute
{
    public PyTorchTheoryAttribute()
    {
        if (PythonWithTorch.Path is null) Skip = PythonWithTorch.SkipReason;
    }
}

/// <summary>A fact that needs <see cref="PythonWithTorch"/>; skipped where there is none.</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public PyTorchFactAttribute()
    {
        if (PythonWithTorch.Path is null) Skip = PythonWithTorch.SkipReason;
    }
}
