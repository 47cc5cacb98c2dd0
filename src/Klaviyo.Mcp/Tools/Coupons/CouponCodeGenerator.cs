using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Import;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol;

namespace Klaviyo.Mcp.Tools.Coupons;

/// <summary>
/// Generates unique coupon codes from a cryptographic random source and an alphabet without look-alikes, writes them to
/// a CSV file first, then creates them in bulk_create_coupon_codes jobs (1,000 codes a job, at most 100 queued), each
/// checkpointed when accepted and polled until it finishes.
/// </summary>
public sealed class CouponCodeGenerator(KlaviyoClient klaviyo, ImportSettings settings, BulkJobPolling polling, TimeProvider time)
{
    /// <summary>Letters and digits without 0/O and 1/I/L.</summary>
    public const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    public const int MaxCount = 100_000;
    public const int CodesPerJob = 1_000;
    public const int MaxQueuedJobs = 100;
    public const int FirstCodesListed = 20;

    internal static readonly ToolCallDescriptor Operation = new("generate_coupon_codes", "bulk_create_coupon_codes", new ArgumentPointerMap());


    /// <summary>
    /// The shortest random part that keeps <paramref name="count"/> codes unlikely to collide: the code space must be at
    /// least 1,000 × count² (a chance of any two random codes being equal below about 1 in 2,000).
    /// </summary>
    public static int MinimumLength(int count)
    {
        var needed = 1000.0 * count * count;
        var length = 1;
        while (Math.Pow(Alphabet.Length, length) < needed)
        {
            length++;
        }

        return Math.Max(length, 6);
    }

    public static string[] Generate(int count, string prefix, int length)
    {
        var codes = new HashSet<string>(count, StringComparer.Ordinal);
        var ordered = new string[count];
        var n = 0;
        Span<char> random = stackalloc char[length];
        while (n < count)
        {
            RandomNumberGenerator.GetItems(Alphabet, random);
            var code = prefix + new string(random);
            if (codes.Add(code))
            {
                ordered[n++] = code;
            }
        }

        return ordered;
    }

    public async Task<CouponCodesResult> RunAsync(string couponId, int count, string prefix, int length, DateTimeOffset? expiresAt, string? outputPath, IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
    {
        var request = string.Join('|', couponId, count.ToString(CultureInfo.InvariantCulture), prefix, length.ToString(CultureInfo.InvariantCulture), expiresAt?.ToString("O", CultureInfo.InvariantCulture), outputPath is null ? null : Path.GetFullPath(outputPath));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request)))[..12];
        var safeCoupon = string.Concat(couponId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        var stateFolder = settings.StateDirectory ?? (outputPath is not null ? Path.GetDirectoryName(Path.GetFullPath(outputPath))! : settings.Roots[0]);
        var statePath = Path.Combine(stateFolder, $"coupon-codes-{safeCoupon}-{hash}.klaviyo-coupon-codes.json");
        var file = outputPath is not null ? CheckOutput(outputPath) : Path.Combine(stateFolder, $"coupon-codes-{safeCoupon}-{hash}.csv");
        var type = ToolJsonContext.Default.CouponCodeRun;

        using var running = ImportFiles.Lock(statePath, "generate_coupon_codes");
        var run = ImportCheckpointStore.Load(statePath, type);
        string[] codes;
        string? note = null;
        if (run is not null && File.Exists(run.CodesFile))
        {
            codes = [.. File.ReadLines(run.CodesFile).Skip(1).Select(l => l.Split(',')[0]).Where(l => l.Length > 0)];
            note = $"Resumed the earlier run of this request (checkpoint {statePath}): its codes were reused, none generated again.";
        }
        else
        {
            if (outputPath is not null && File.Exists(file))
            {
                throw new ToolArgumentException("output_path", $"{IdentifierRules.Quote(file)} already exists; give a new file name");
            }

            codes = Generate(count, prefix, length);
            var temporary = file + ".tmp";
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await using (var writer = new StreamWriter(temporary, false, new UTF8Encoding(false)))
            {
                await writer.WriteLineAsync("code,coupon_id,expires_at".AsMemory(), cancellationToken).ConfigureAwait(false);
                var expires = expiresAt?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                foreach (var code in codes)
                {
                    await writer.WriteLineAsync($"{code},{couponId},{expires}".AsMemory(), cancellationToken).ConfigureAwait(false);
                }
            }

            File.Move(temporary, file, overwrite: true);
            run = new CouponCodeRun { Request = request, CodesFile = file, Count = codes.Length };
            ImportCheckpointStore.Save(statePath, run, type);
        }

        void Save() => ImportCheckpointStore.Save(statePath, run = run! with { UpdatedAt = DateTimeOffset.UtcNow }, type);
        void Report()
        {
            var done = run!.Jobs.Count(j => j.Done);
            progress?.Report(new ProgressNotificationValue
            {
                Progress = (float)Math.Round(100.0 * (run.Sent + done * (double)CodesPerJob) / (2.0 * codes.Length), 1),
                Total = 100,
                Message = string.Create(CultureInfo.InvariantCulture, $"{run.Sent:N0} of {codes.Length:N0} codes sent, {run.Jobs.Count} jobs accepted, {done} complete"),
            });
        }

        while (run.Sent < codes.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (run.Jobs.Count(j => !j.Done) >= MaxQueuedJobs)
            {
                await PollAsync(run.Jobs.FindIndex(j => !j.Done), () => run, r => run = r, Save, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var batch = codes.AsSpan(run.Sent, Math.Min(CodesPerJob, codes.Length - run.Sent)).ToArray();
            var body = Body(couponId, batch, expiresAt);
            var resume = $"{run.Sent:N0} codes were sent in accepted jobs before this failure (checkpointed in {statePath}; all codes are in {file}); call generate_coupon_codes again with the same arguments to send the rest of the same codes.";
            var document = await KlaviyoCalls.SendPreparedAsync(klaviyo, Operation, "bulk_create_coupon_codes", null, "", body, CancellationToken.None, Import.EventImporter.MaxJobRateLimitWait, resume).ConfigureAwait(false);
            var id = document.Root.ValueKind == JsonValueKind.Object && document.Data.ValueKind == JsonValueKind.Object && document.Data.TryGetProperty("id", out var value) ? value.GetString() : null;
            run = run with { Sent = run.Sent + batch.Length, Jobs = [.. run.Jobs, new CouponCodeJob { Id = id ?? "", Codes = batch.Length, Status = id is null ? "unknown" : "queued", Done = id is null }] };
            Save();
            Report();
        }

        for (var j = 0; j < run.Jobs.Count; j++)
        {
            await PollAsync(j, () => run, r => run = r, Save, cancellationToken).ConfigureAwait(false);
            Report();
        }

        return new CouponCodesResult
        {
            CouponId = couponId,
            Count = codes.Length,
            File = file,
            Completed = run.Jobs.All(j => j.Done),
            Sent = run.Sent,
            Created = run.Jobs.Sum(j => (long)j.CompletedCount),
            Failed = run.Jobs.Sum(j => (long)j.FailedCount),
            Jobs = run.Jobs,
            FirstCodes = [.. codes.Take(FirstCodesListed)],
            Errors = run.Errors.Count == 0 ? null : run.Errors,
            StateFile = statePath,
            Note = note,
        };
    }

    private async Task PollAsync(int index, Func<CouponCodeRun> get, Action<CouponCodeRun> set, Action save, CancellationToken cancellationToken)
    {
        var job = get().Jobs[index];
        if (job.Done)
        {
            return;
        }

        await new JobPoller(time, polling).PollAsync(
            async (_, cancel) =>
            {
                var document = await KlaviyoCalls.SendPreparedAsync(klaviyo, Operation, "get_bulk_create_coupon_codes_job", new Dictionary<string, string?> { ["job_id"] = job.Id }, "", null, cancel, Import.EventImporter.MaxJobRateLimitWait,
                    $"Job {job.Id} was accepted and is checkpointed; call generate_coupon_codes again with the same arguments to collect its results.").ConfigureAwait(false);
                var attributes = document.Root.ValueKind == JsonValueKind.Object && document.Data.ValueKind == JsonValueKind.Object && document.Data.TryGetProperty("attributes", out var a) ? a : default;
                var status = attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty("status", out var s) ? s.GetString() : null;
                job = job with { Status = status, CompletedCount = Number(attributes, "completed_count"), FailedCount = Number(attributes, "failed_count"), Done = status is "complete" or "cancelled" };
                var run = get();
                var errors = run.Errors;
                if (job.Done && attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    errors = [.. errors, .. list.EnumerateArray().Take(Math.Max(0, 20 - errors.Count)).Select(e => $"job {job.Id}: {Text(e, "code")}: {Text(e, "detail") ?? Text(e, "title")}")];
                }

                set(run with { Jobs = [.. run.Jobs.Select((x, i) => i == index ? job : x)], Errors = errors });
                if (job.Done)
                {
                    save();
                }
                else if (status is null)
                {
                    throw new ToolFailureException($"Klaviyo's answer about job {job.Id} had no status; the job was accepted and is checkpointed, so call generate_coupon_codes again later to collect its results.");
                }

                return (job.Done, status);
            },
            (status, _) =>
            {
                save();
                return new ToolFailureException($"Klaviyo has not finished coupon code job {job.Id} after {polling.MaxWait.TotalMinutes:0} minutes (status {status}); it is checkpointed, so call generate_coupon_codes again later with the same arguments to collect the results.");
            },
            waiting: null,
            cancellationToken).ConfigureAwait(false);
    }

    private string CheckOutput(string outputPath)
    {
        var full = Path.GetFullPath(outputPath);
        if (!string.Equals(Path.GetExtension(full), ".csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new ToolArgumentException("output_path", "must be a .csv file");
        }

        if (!settings.Roots.Any(root => full.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            throw new ToolArgumentException("output_path", $"{IdentifierRules.Quote(full)} is outside the folders imports may use ({string.Join(", ", settings.Roots)})");
        }

        return full;
    }

    private static byte[] Body(string couponId, string[] codes, DateTimeOffset? expiresAt)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("data");
            writer.WriteString("type", "coupon-code-bulk-create-job");
            writer.WriteStartObject("attributes");
            writer.WriteStartObject("coupon-codes");
            writer.WriteStartArray("data");
            foreach (var code in codes)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "coupon-code");
                writer.WriteStartObject("attributes");
                writer.WriteString("unique_code", code);
                if (expiresAt is { } expires)
                {
                    writer.WriteString("expires_at", expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                }

                writer.WriteEndObject();
                writer.WriteStartObject("relationships");
                writer.WriteStartObject("coupon");
                writer.WriteStartObject("data");
                writer.WriteString("type", "coupon");
                writer.WriteString("id", couponId);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;
}
