using System.CommandLine;

namespace NasRec.Cli;

/// <summary>Entry point of the <c>nasrec</c> command.</summary>
public static class Program
{
    public static int Main(string[] args) => NasRecCommand.Create().Parse(args).Invoke();
}
