using System.Globalization;
using System.Text;

namespace Dso.Simulations.Ingestion;

/// <summary>
/// Pre-generated push bodies, so the benchmark measures ingestion and not string building. Each batch carries
/// <c>kpis</c> series × <c>stepsPerBatch</c> timestamps; successive batches move forward in time, as a client's would.
/// </summary>
internal static class Batches
{
    public static byte[][] Json(string prefix, int batches, int kpis, int stepsPerBatch, DateTimeOffset start) =>
        Enumerable.Range(0, batches).Select(b =>
        {
            var text = new StringBuilder("{\"samples\":[", kpis * stepsPerBatch * 80);
            for (var step = 0; step < stepsPerBatch; step++)
            {
                var at = start.AddSeconds((b * stepsPerBatch) + step).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                for (var k = 0; k < kpis; k++)
                {
                    text.Append(step + k == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"kpi\":\"{prefix}_{k:000}\",\"timestamp\":\"{at}\",\"value\":{(step * 7 % 1000) + (k * 0.5)}}}");
                }
            }

            return Encoding.UTF8.GetBytes(text.Append("]}").ToString());
        }).ToArray();

    public static byte[][] Text(string prefix, int batches, int kpis, int stepsPerBatch, DateTimeOffset start) =>
        Enumerable.Range(0, batches).Select(b =>
        {
            var text = new StringBuilder(kpis * stepsPerBatch * 40);
            for (var step = 0; step < stepsPerBatch; step++)
            {
                var ms = start.AddSeconds((b * stepsPerBatch) + step).ToUnixTimeMilliseconds();
                for (var k = 0; k < kpis; k++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{prefix}_{k:000} {(step * 7 % 1000) + (k * 0.5)} {ms}\n");
                }
            }

            return Encoding.UTF8.GetBytes(text.ToString());
        }).ToArray();
}
