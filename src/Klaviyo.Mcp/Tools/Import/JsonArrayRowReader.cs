using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Klaviyo.Mcp.Output;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>Reads a JSON array of objects element by element (streamed, never the whole array at once); rows are numbered by item.</summary>
public sealed class JsonArrayRowReader(Stream stream) : IImportRowReader
{
    public IReadOnlyList<string>? Columns => null;

    public async IAsyncEnumerable<ImportRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var item = 0;
        await foreach (var element in JsonSerializer.DeserializeAsyncEnumerable(stream, ToolJsonContext.Default.JsonElement, cancellationToken).ConfigureAwait(false))
        {
            item++;
            var problem = element.ValueKind == JsonValueKind.Object ? null : "is not a JSON object";
            yield return new ImportRow(item, null, item, element, Encoding.UTF8.GetBytes(element.GetRawText()), stream.Position, problem);
        }
    }
}
