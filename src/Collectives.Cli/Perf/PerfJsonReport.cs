using System.Text;
using System.Text.Json;

namespace Collectives.Cli.Perf;

/// <summary>
/// --json: one JSON document with the run's settings, one object per size carrying the table's
/// fields, and the footer's totals. Written at the end, so the output is always one valid document.
/// </summary>
internal sealed class PerfJsonReport : IPerfReporter
{
    private readonly TextWriter _output;
    private readonly List<PerfRow> _rows = [];
    private PerfOptions? _options;

    public PerfJsonReport(TextWriter output) => _output = output;

    public void Begin(PerfOptions options) => _options = options;

    public void Row(PerfRow row) => _rows.Add(row);

    public void End(PerfSummary summary)
    {
        PerfOptions options = _options ?? throw new InvalidOperationException("End before Begin");
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("collective", CollectiveNames.Name(options.Collective));
            json.WriteNumber("ranks", options.Ranks);
            json.WriteString("transport", options.Transport);
            json.WriteString("algorithm", options.Algorithm ?? "auto");
            json.WriteString("dtype", DataTypeNames.Name(options.DataType));
            json.WriteString("op", CollectiveNames.Reduces(options.Collective) ? ReduceOpNames.Name(options.Op) : "none");
            json.WriteNumber("root", CollectiveNames.HasRoot(options.Collective) ? options.Root : -1);
            json.WriteNumber("min_bytes", options.MinBytes);
            json.WriteNumber("max_bytes", options.MaxBytes);
            json.WriteNumber("step_factor", options.StepFactor);
            json.WriteNumber("step_bytes", options.StepBytes);
            json.WriteNumber("iters", options.Iterations);
            json.WriteNumber("warmup_iters", options.WarmupIterations);
            json.WriteNumber("budget_bytes", options.BudgetBytes);
            json.WriteBoolean("check", options.Check);
            json.WriteNumber("chunk_bytes", options.ChunkBytes);
            json.WriteNumber("buffer_offset_bytes", options.OffsetBytes);
            if (options.Predict)
            {
                json.WriteString("costs", options.CostProfile?.Source ?? "built-in defaults");
            }
            json.WriteStartArray("results");
            foreach (PerfRow row in _rows)
            {
                json.WriteStartObject();
                json.WriteNumber("size", row.Layout.SizeBytes);
                json.WriteNumber("count", row.Layout.Count);
                json.WriteString("type", row.TypeName);
                json.WriteString("redop", row.OpName);
                json.WriteNumber("root", row.Root);
                WritePlacement(json, "out_of_place", row.OutOfPlace);
                WritePlacement(json, "in_place", row.InPlace);
                if (row.Prediction is { } prediction)
                {
                    WritePrediction(json, prediction, row);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            WriteNullable(json, "wrong", summary.Wrong);
            json.WriteNumber("avg_busbw", summary.AverageBusBw);
            json.WriteEndObject();
        }
        _output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        _output.Flush();
    }

    private static void WritePlacement(Utf8JsonWriter json, string name, PlacementResult result)
    {
        json.WriteStartObject(name);
        json.WriteNumber("time_us", result.TimeUs);
        json.WriteNumber("algbw", result.AlgBw);
        json.WriteNumber("busbw", result.BusBw);
        WriteNullable(json, "wrong", result.Wrong);
        json.WriteEndObject();
    }

    /// <summary>"predicted": the algorithm, its predicted µs (out of place, in place) and measured/predicted per placement (null where there is no prediction).</summary>
    private static void WritePrediction(Utf8JsonWriter json, PerfPrediction prediction, PerfRow row)
    {
        json.WriteStartObject("predicted");
        json.WriteString("algorithm", prediction.Algorithm);
        WriteFinite(json, "time_us", prediction.PredictedUs);
        WriteFinite(json, "in_place_time_us", prediction.InPlacePredictedUs);
        WriteFinite(json, "out_of_place_ratio", prediction.Ratio(row.OutOfPlace.TimeUs));
        WriteFinite(json, "in_place_ratio", prediction.InPlaceRatio(row.InPlace.TimeUs));
        json.WriteEndObject();
    }

    // JSON has no NaN: a missing prediction is null.
    private static void WriteFinite(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
