using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>Reads and writes an import's checkpoint: beside the input file, or in the configured state folder.</summary>
public sealed class ImportCheckpointStore(string? stateDirectory)
{
    /// <summary>The checkpoint of <paramref name="file"/>; <paramref name="kind"/> tells the tools' checkpoints apart (klaviyo-import, klaviyo-profile-import...).</summary>
    public string PathFor(FileInfo file, string kind = "klaviyo-import")
    {
        if (stateDirectory is null)
        {
            return $"{file.FullName}.{kind}.json";
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(file.FullName)))[..12];
        return Path.Combine(stateDirectory, $"{file.Name}.{hash}.{kind}.json");
    }

    public static T? Load<T>(string path, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), type) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes atomically: a crash leaves the previous checkpoint or the new one, never half of one.</summary>
    public static void Save<T>(string path, T checkpoint, JsonTypeInfo<T> type)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(checkpoint, type));
        File.Move(temporary, path, overwrite: true);
    }
}
