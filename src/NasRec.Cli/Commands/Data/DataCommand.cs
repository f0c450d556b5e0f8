using System.CommandLine;

namespace NasRec.Cli.Commands.Data;

/// <summary><c>nasrec data</c>: the commands that make and prepare training data.</summary>
internal static class DataCommand
{
    public static Command Create() => new("data", "Generates synthetic click data and prepares datasets for training.")
    {
        SynthCommand.Create(),
    };
}
