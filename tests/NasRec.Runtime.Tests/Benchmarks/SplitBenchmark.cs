// The reference's split over Criteo's row count (45,840,617 labels, 25.6% positives), timed.
// A file-based program, not a test:
//   dotnet run tests/NasRec.Runtime.Tests/Benchmarks/SplitBenchmark.cs -c Release [-- rows]
#:project ../../../src/NasRec.Runtime/NasRec.Runtime.csproj
#:property IsTestProject=false
#:property TieredCompilationQuickJit=false
#:property GenerateProgramFile=false
using System.Diagnostics;
using NasRec.Runtime.Data.Splitting;

int rows = args.Length > 0 ? int.Parse(args[0]) : 45_840_617;
var labels = new byte[rows];
for (int i = 0; i < rows; i++) labels[i] = (byte)((uint)i * 2654435761u % 1000 < 256 ? 1 : 0);

var clock = Stopwatch.StartNew();
var folds = StratifiedKFold.Folds(labels, 10, 2018);
var elapsed = clock.Elapsed;

var rowsPerFold = new long[10];
foreach (byte fold in folds) rowsPerFold[fold]++;
Console.WriteLine($"StratifiedKFold(10, seed 2018) over {rows:N0} labels: {elapsed.TotalSeconds:F2} s, " +
                  $"{rows / elapsed.TotalSeconds / 1e6:F1} M rows/s; rows per fold {string.Join(" ", rowsPerFold)}");
