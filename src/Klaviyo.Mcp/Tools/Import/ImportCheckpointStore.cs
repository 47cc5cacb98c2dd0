using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Klaviyo.Mcp.Output;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>Reads and writes an import's checkpoint: beside the input file, or in the configured state folder.</summary>
public sealed class ImportCheckpointStore(string? stateDirectory)
{
    public string PathFor(FileInfo file)
    {
        if (stateDirectory is null)
        {
            return file.FullName + ".klaviyo-import.json";
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(file.FullName)))[..12];
        return Path.Combine(stateDirectory, $"{file.Name}.{hash}.klaviyo-import.json");
    }

    public ImportCheckpoint? Load(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), KlaviyoMcpJsonContext.Default.ImportCheckpoint) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes atomically: a crash leaves the previous checkpoint or the new one, never half of one.</summary>
    public void Save(string path, ImportCheckpoint checkpoint)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(checkpoint, KlaviyoMcpJsonContext.Default.ImportCheckpoint));
        File.Move(temporary, path, overwrite: true);
    }
}
