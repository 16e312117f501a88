using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Collectives.Cli.Perf;

/// <summary>
/// The nccl-tests table, column for column (same widths and number formats), so our numbers
/// paste beside theirs. Rows are written as each size finishes.
/// </summary>
internal sealed class PerfTable : IPerfReporter
{
    /// <summary>Width of the size..root columns, where the first placement group starts.</summary>
    private const int LeadingWidth = 52;

    /// <summary>Width of one placement group: time, algbw, busbw, #wrong.</summary>
    private const int GroupWidth = 32;

    private readonly TextWriter _output;
    private bool _predict;

    public PerfTable(TextWriter output) => _output = output;

    public void Begin(PerfOptions options)
    {
        _predict = options.Predict;
        bool reduces = CollectiveNames.Reduces(options.Collective);
        bool rooted = CollectiveNames.HasRoot(options.Collective);
        Line($"# collectives perf: {CollectiveNames.Name(options.Collective)}");
        Line(string.Create(CultureInfo.InvariantCulture, $"#  ranks: {options.Ranks}  transport: {options.Transport}  algorithm: {options.Algorithm ?? "auto (selector)"}  " +
            $"dtype: {DataTypeNames.Name(options.DataType)}  op: {(reduces ? ReduceOpNames.Name(options.Op) : "none")}  " +
            $"root: {(rooted ? options.Root.ToString(CultureInfo.InvariantCulture) : "none")}"));
        string step = options.StepBytes > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{options.StepBytes}(bytes)")
            : string.Create(CultureInfo.InvariantCulture, $"{options.StepFactor}(factor)");
        Line(string.Create(CultureInfo.InvariantCulture, $"#  minBytes {options.MinBytes} maxBytes {options.MaxBytes} step: {step} warmup iters: {options.WarmupIterations} " +
            $"iters: {options.Iterations}{(options.BudgetBytes > 0 ? string.Create(CultureInfo.InvariantCulture, $" (budget {options.BudgetBytes} B per size)") : "")} validation: {(options.Check ? 1 : 0)} chunk: {options.ChunkBytes} timeout: {options.Timeout.TotalSeconds} s"));
        Line(string.Create(CultureInfo.InvariantCulture, $"#  host: {Environment.ProcessorCount} cores, .NET {Environment.Version}, time = slowest rank's mean per call"));
        if (IsDebugBuild())
        {
            Line("#  WARNING: Collectives.dll is a Debug build; numbers are not representative (build with -c Release).");
        }
        if (options.Collective == CollectiveKind.Broadcast)
        {
            Line("#  broadcast is in place only in this library; both column groups time the same call.");
        }
        if (_predict)
        {
            string model = options.Circuits is { } circuits
                ? $"the optical circuit model's time for the plan (COLLECTIVES_CIRCUITS={circuits})"
                : "its cost-model time";
            Line($"#  predicted: the selector's algorithm and {model}; costs: {options.CostProfile?.Source ?? "built-in defaults"}");
            if (options.Ranks > Environment.ProcessorCount)
            {
                // The model prices a step as if every rank ran at once; here ranks take turns on the cores.
                Line(string.Create(CultureInfo.InvariantCulture, 
                    $"#  note: {options.Ranks} ranks on {Environment.ProcessorCount} cores: ranks wait for a core, which the cost model does not price (tune measures 2 ranks); expect measured/predicted to drift from 1."));
            }
        }
        Line("#");
        Line("#" + new string(' ', LeadingWidth - 1) + Center("out-of-place") + Center("in-place") + (_predict ? PredictedTitle : ""));
        Line("#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong" +
            (_predict ? PredictedNames : ""));
        Line("#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)" +
            (_predict ? PredictedUnits : ""));
    }

    public void Row(PerfRow row)
    {
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{row.Layout.SizeBytes,12}  {row.Layout.Count,12}  {row.TypeName,8}  {row.OpName,6}  {row.Root,6}") +
            Placement(row.OutOfPlace) + Placement(row.InPlace) + (_predict ? Predicted(row) : "");
        Line(line);
        _output.Flush();
    }

    public void End(PerfSummary summary)
    {
        string bounds = summary.Wrong is { } wrong ? string.Create(CultureInfo.InvariantCulture, $"{wrong} {(wrong == 0 ? "OK" : "FAILED")}") : "N/A (not checked, -c 0)";
        Line($"# Out of bounds values : {bounds}");
        Line(string.Create(CultureInfo.InvariantCulture, $"# Avg bus bandwidth    : {summary.AverageBusBw:G6} "));
        Line("#");
        _output.Flush();
    }

    /// <summary>nccl-tests' time format: two decimals below 100 µs, one below 10 ms, none above.</summary>
    public static string FormatTime(double microseconds)
    {
        string format = microseconds >= 10000 ? "F0" : microseconds >= 100 ? "F1" : "F2";
        return microseconds.ToString(format, CultureInfo.InvariantCulture).PadLeft(7);
    }

    private static string Placement(PlacementResult result)
    {
        string wrong = result.Wrong is { } w ? w.ToString(CultureInfo.InvariantCulture) : "N/A";
        return string.Create(CultureInfo.InvariantCulture,
            $"  {FormatTime(result.TimeUs)}  {result.AlgBw,6:F2}  {result.BusBw,6:F2}  {wrong,5}");
    }

    // The --predict columns: algorithm, predicted time, and measured/predicted for each placement.
    private const string PredictedTitle = "                   predicted";
    private const string PredictedNames = "  algorithm          oop time  ip time  oop/pred  ip/pred";
    private const string PredictedUnits = "                         (us)     (us)";

    private static string Predicted(PerfRow row)
    {
        if (row.Prediction is not { } prediction)
        {
            return "";
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"  {prediction.Algorithm,-18}  {Time(prediction.PredictedUs)}  {Time(prediction.InPlacePredictedUs)}  " +
            $"{Ratio(prediction.Ratio(row.OutOfPlace.TimeUs)),8}  {Ratio(prediction.InPlaceRatio(row.InPlace.TimeUs)),7}");
    }

    private static string Time(double microseconds) => double.IsFinite(microseconds) ? FormatTime(microseconds) : "      -";

    private static string Ratio(double ratio) => double.IsFinite(ratio) ? ratio.ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static string Center(string text)
    {
        int left = (GroupWidth - text.Length) / 2;
        return new string(' ', left) + text + new string(' ', GroupWidth - left - text.Length);
    }

    private static bool IsDebugBuild() =>
        typeof(Communicator).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true;

    private void Line(string text) => _output.WriteLine(text.TrimEnd());
}
