namespace NasRec.Cli;

/// <summary>Entry point of the <c>nasrec</c> command.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            return NasRecCommand.Run(args, Console.Out, Console.Error);
        }
        catch (Exception e)
        {
            // Every command's action already turns failures into one line (CommandAction); this covers
            // whatever fails outside an action, so that no input ever shows a stack trace.
            return CommandAction.InternalError(Console.Error, e);
        }
    }
}
