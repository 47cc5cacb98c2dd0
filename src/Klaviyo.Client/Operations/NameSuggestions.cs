namespace Klaviyo.Client.Operations;

/// <summary>Finds the name someone probably meant: the same letters and digits ignoring case and punctuation, or a close spelling.</summary>
public static class NameSuggestions
{
    /// <summary>The candidate closest to <paramref name="given"/>, or null when none is close.</summary>
    public static string? Closest(string given, IEnumerable<string> candidates)
    {
        var key = Key(given);
        string? best = null;
        var bestDistance = (Key: int.MaxValue, Raw: int.MaxValue);
        foreach (var candidate in candidates)
        {
            // Letters and digits decide; the text as written (a leading "-", brackets) breaks ties.
            var distance = (Key: Distance(key, Key(candidate)), Raw: Distance(given.ToLowerInvariant(), candidate.ToLowerInvariant()));
            if (distance.Key < bestDistance.Key || (distance.Key == bestDistance.Key && distance.Raw < bestDistance.Raw))
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return bestDistance.Key <= Math.Max(1, key.Length / 5) ? best : null;
    }

    /// <summary>
    /// Up to <paramref name="max"/> candidates near <paramref name="given"/>: a close spelling (letters and digits,
    /// ignoring case) or a name that contains the other; nearest first, each once.
    /// </summary>
    public static IReadOnlyList<string> Nearest(string given, IEnumerable<string> candidates, int max)
    {
        var key = Key(given);
        var threshold = Math.Max(2, key.Length / 3);
        return [.. candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Key: Key(c)))
            .Select(c => (c.Name, Distance: Distance(key, c.Key), Contains: c.Key.Length > 0 && key.Length > 0 && (c.Key.Contains(key, StringComparison.Ordinal) || key.Contains(c.Key, StringComparison.Ordinal))))
            .Where(c => c.Distance <= threshold || c.Contains)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(max)
            .Select(c => c.Name)];
    }

    internal static string Key(string name) => new([.. name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);

    // Edits (insert, delete, replace, swap two neighbours) from a to b.
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
