namespace Klaviyo.Client.Operations;

/// <summary>
/// Finds operations from words, for people and models who do not know the operation ids: "coupon codes", "tag a flow",
/// "unsubscribe someone", "segment growth over time". Words are matched against each operation's id, summary, path,
/// tag and aliases after light stemming (profiles, profile; categories, category; tagging, tag) and a table of
/// synonyms (someone, customer → profile; discount → coupon; report → query, values, series; over time → series;
/// remove → delete). Rare words count for more than common ones, words in the id for more than words in the path, and
/// of two equal matches the operation with fewer other words wins (get_profiles before get_profiles_for_list).
/// Client-side operations are never returned.
/// </summary>
public static class OperationSearch
{
    private const int MaxLimit = 50;

    private static readonly HashSet<string> s_ignored = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "to", "from", "for", "of", "in", "into", "on", "onto", "by", "with", "my", "our", "all", "me", "i", "we", "want",
        "please", "how", "do", "does", "can", "some", "any", "each", "every", "and", "or", "is", "are", "it", "its", "this", "that", "api",
        "klaviyo", "one", "via", "using", "about", "at", "their", "them", "up",
    };

    // Query word (stemmed) → the catalogue words (stemmed) it may stand for, itself included.
    private static readonly Dictionary<string, string[]> s_synonyms = BuildSynonyms(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["get"] = "get", ["show"] = "get", ["find"] = "get", ["fetch"] = "get", ["retrieve"] = "get", ["read"] = "get",
        ["look"] = "get", ["lookup"] = "get", ["see"] = "get", ["view"] = "get", ["search"] = "get", ["which"] = "get", ["what"] = "get", ["check"] = "get",
        ["create"] = "create", ["add"] = "add create", ["new"] = "create", ["make"] = "create", ["build"] = "create", ["register"] = "create",
        ["update"] = "update", ["change"] = "update", ["edit"] = "update", ["modify"] = "update", ["rename"] = "update", ["set"] = "update", ["patch"] = "update",
        ["turn"] = "update", ["activate"] = "update", ["pause"] = "update", ["enable"] = "update", ["disable"] = "update",
        ["delete"] = "delete remove", ["remove"] = "remove delete", ["erase"] = "delete deletion", ["destroy"] = "delete", ["drop"] = "delete remove",
        ["someone"] = "profile", ["person"] = "profile", ["people"] = "profile", ["customer"] = "profile", ["contact"] = "profile", ["user"] = "profile",
        ["subscriber"] = "profile subscribe", ["member"] = "profile", ["recipient"] = "profile recipient", ["shopper"] = "profile", ["lead"] = "profile",
        ["discount"] = "coupon", ["promo"] = "coupon", ["voucher"] = "coupon",
        ["report"] = "report query value series", ["analytic"] = "query value series aggregate",
        ["stat"] = "query value series", ["statistic"] = "query value series", ["performance"] = "query value series", ["metric"] = "metric",
        ["time"] = "series", ["trend"] = "series", ["growth"] = "series", ["history"] = "series", ["daily"] = "series", ["weekly"] = "series", ["timeline"] = "series",
        ["revenue"] = "aggregate metric", ["sale"] = "aggregate metric", ["aggregate"] = "aggregate", ["sum"] = "aggregate", ["total"] = "aggregate", ["count"] = "aggregate",
        ["submission"] = "form value", ["signup"] = "form subscribe", ["popup"] = "form",
        ["picture"] = "image", ["photo"] = "image", ["img"] = "image", ["logo"] = "image",
        ["blast"] = "campaign", ["newsletter"] = "campaign", ["broadcast"] = "campaign",
        ["automation"] = "flow", ["journey"] = "flow", ["sequence"] = "flow", ["drip"] = "flow",
        ["product"] = "catalog item", ["sku"] = "catalog variant", ["inventory"] = "catalog",
        ["activity"] = "event", ["track"] = "event create",
        ["optout"] = "unsubscribe", ["unsub"] = "unsubscribe", ["optin"] = "subscribe", ["consent"] = "subscribe unsubscribe",
        ["ban"] = "suppress", ["unblock"] = "unsuppress",
        ["gdpr"] = "request deletion privacy", ["forget"] = "request deletion privacy", ["ccpa"] = "request deletion privacy",
        ["dedupe"] = "merge", ["combine"] = "merge",
        ["copy"] = "clone", ["duplicate"] = "clone",
        ["design"] = "template", ["layout"] = "template", ["preview"] = "render",
        ["label"] = "tag", ["hook"] = "webhook", ["callback"] = "webhook",
        ["stop"] = "cancel", ["abort"] = "cancel", ["unschedule"] = "cancel",
        ["progress"] = "job", ["status"] = "status job",
        ["company"] = "account", ["organization"] = "account",
        ["device"] = "push token", ["sms"] = "conversation message", ["text"] = "conversation message", ["reply"] = "conversation message create", ["chat"] = "conversation message",
        ["snippet"] = "universal content", ["block"] = "suppress universal content",
        ["import"] = "import", ["upload"] = "upload import", ["mass"] = "bulk", ["batch"] = "bulk", ["once"] = "bulk", ["welcome"] = "flow create",
        ["category"] = "category", ["collection"] = "category",
    });

    // Words that say what to do (stemmed); a query without one asks to read, and a plural then asks for a collection.
    private static readonly HashSet<string> s_verbs = new(StringComparer.Ordinal)
    {
        "get", "show", "find", "fetch", "retriev", "read", "look", "see", "view", "search", "check", "creat", "add", "mak", "build",
        "updat", "chang", "edit", "modify", "renam", "set", "turn", "delet", "remov", "eras", "destroy", "drop", "send", "cancel", "stop",
        "abort", "clon", "copy", "merg", "render", "preview", "upload", "import", "subscrib", "unsubscrib", "suppress", "unsuppress",
        "tag", "query", "assign", "refresh", "request", "track", "reply", "forget",
    };

    private static readonly Lazy<IReadOnlyList<IndexedOperation>> s_index = new(BuildIndex, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<Dictionary<string, int>> s_frequency = new(() => Frequencies(s_index.Value), LazyThreadSafetyMode.ExecutionAndPublication);

    private const int MaxSpelledLength = 100;

    /// <summary>
    /// What someone who wrote <paramref name="unknownId"/> probably meant, at most <paramref name="limit"/>: the ids
    /// spelled closest to it first (<c>get_profilez</c> → <c>get_profiles</c>), then the best matches of its words.
    /// </summary>
    public static IReadOnlyList<ApiOperation> Suggest(string unknownId, int limit = 3)
    {
        // Spelling is compared only for what could be an id (the longest is under 70 characters), and only with ids of
        // about its length: a long text costs no more than its words.
        var key = NameSuggestions.Key(unknownId.Length > MaxSpelledLength ? "" : unknownId);
        var threshold = Math.Max(2, key.Length / 5);
        var spelled = s_index.Value
            .Where(o => key.Length > 0 && Math.Abs(NameSuggestions.Key(o.Operation.Id).Length - key.Length) <= threshold)
            .Select(o => (o.Operation, Distance: NameSuggestions.Distance(key, NameSuggestions.Key(o.Operation.Id))))
            .Where(o => o.Distance <= threshold)
            .OrderBy(o => o.Distance).ThenBy(o => o.Operation.Id, StringComparer.Ordinal)
            .Select(o => o.Operation);
        return [.. spelled.Concat(Find((unknownId.Length > MaxSpelledLength ? unknownId[..MaxSpelledLength] : unknownId).Replace('_', ' '), limit: limit)).Distinct().Take(limit)];
    }

    /// <summary>
    /// The server-side operations that best match <paramref name="query"/>, best first, at most <paramref name="limit"/>
    /// (1 to 50). <paramref name="tag"/>, when given, keeps only that API area (ignoring case, spaces and punctuation:
    /// "custom objects", "Custom-Objects"). An empty query lists the area's operations by id.
    /// </summary>
    public static IReadOnlyList<ApiOperation> Find(string? query, string? tag = null, int limit = 10)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        var candidates = s_index.Value.Where(o => tag is null || Compact(o.Operation.Tag) == Compact(tag)).ToList();
        var words = Words(query ?? "");
        if (words.Count == 0)
        {
            return [.. candidates.Select(c => c.Operation).OrderBy(o => o.Id, StringComparer.Ordinal).Take(limit)];
        }

        var frequency = s_frequency.Value;
        var total = s_index.Value.Count;
        var joined = string.Join('_', words.Select(w => w.Raw));
        var reads = !words.Any(w => s_verbs.Contains(w.Stem));
        var plural = reads && words.Any(w => w.Raw.EndsWith('s') && Stem(w.Raw) != w.Raw);
        return
        [
            .. candidates
                .Select(c => (c.Operation, Score: Score(c, words, frequency, total, joined)))
                .Where(r => r.Score > 0)
                .Select(r => (r.Operation, Score: r.Score + Preference(r.Operation, reads, plural)))
                .OrderByDescending(r => r.Score)
                .ThenBy(r => r.Operation.Id.Length)
                .ThenBy(r => r.Operation.Id, StringComparer.Ordinal)
                .Take(limit)
                .Select(r => r.Operation),
        ];
    }

    private static double Preference(ApiOperation operation, bool reads, bool plural) =>
        !reads || operation.Access != OperationAccess.Read ? 0 : plural && operation.Response == OperationResponseKind.Collection ? 0.4 : 0.2;

    private static double Score(IndexedOperation candidate, List<QueryWord> words, Dictionary<string, int> frequency, int total, string joined)
    {
        var score = 0.0;
        var used = new HashSet<string>(StringComparer.Ordinal); // each word of the operation is credited once

        // Words as written take their match first; synonyms then take what is left ("track ... event": event is event's).
        var credited = new bool[words.Count];
        foreach (var synonyms in new[] { false, true })
        {
            for (var i = 0; i < words.Count; i++)
            {
                if (credited[i])
                {
                    continue;
                }

                var word = words[i];
                var best = 0.0;
                string? bestWord = null;
                foreach (var alternative in synonyms ? word.Alternatives : [word.Stem])
                {
                    if (!used.Contains(alternative) && candidate.Weights.TryGetValue(alternative, out var weight))
                    {
                        var rarity = Math.Log(1 + ((double)total / frequency.GetValueOrDefault(alternative, 1)));
                        var value = weight * rarity * (alternative == word.Stem ? 1.0 : 0.9);
                        if (value > best)
                        {
                            best = value;
                            bestWord = alternative;
                        }
                    }
                }

                if (bestWord is null)
                {
                    continue;
                }

                credited[i] = true;
                used.Add(bestWord);
                score += best;
                if (candidate.RawIdWords.Contains(word.Raw))
                {
                    score += 0.3; // the exact word, singular or plural as asked
                }
            }
        }

        if (score <= 0)
        {
            return 0;
        }

        // Of two equal matches, the operation with fewer words the query did not ask for wins.
        score -= 0.35 * candidate.IdWords.Count(w => !used.Contains(w));
        if (candidate.Operation.Id == joined || candidate.Operation.Aliases.Contains(joined))
        {
            score += 5;
        }

        return Math.Max(score, 0.01);
    }

    private static List<QueryWord> Words(string query)
    {
        var raw = Split(query).Where(w => !s_ignored.Contains(w)).ToList();
        var words = new List<QueryWord>();
        for (var i = 0; i < raw.Count; i++)
        {
            var stem = Stem(raw[i]);

            // "list campaigns": a leading "list" followed by other words asks to get, not for lists.
            if (i == 0 && stem == "list" && raw.Count > 1)
            {
                words.Add(new QueryWord(raw[i], "get", ["get"]));
                continue;
            }

            var alternatives = s_synonyms.TryGetValue(stem, out var synonyms) ? synonyms : [stem];
            words.Add(new QueryWord(raw[i], stem, alternatives));
        }

        return words;
    }

    private static IReadOnlyList<IndexedOperation> BuildIndex()
    {
        var index = new List<IndexedOperation>();
        foreach (var operation in OperationCatalog.Default.Operations.Where(o => !o.ClientSide))
        {
            var weights = new Dictionary<string, double>(StringComparer.Ordinal);
            void Add(IEnumerable<string> words, double weight)
            {
                foreach (var word in words.Where(w => !s_ignored.Contains(w)).Select(Stem))
                {
                    weights[word] = Math.Max(weights.GetValueOrDefault(word), weight);
                }
            }

            var rawIdWords = Split(operation.Id).Where(w => !s_ignored.Contains(w)).ToList();
            Add(rawIdWords, 3);
            Add(Split(operation.Summary), 2);
            Add(Split(operation.Tag), 1.5);
            Add(Split(string.Join(' ', operation.Path.Split('/').Where(s => !s.StartsWith('{')))), 1);
            Add(operation.Aliases.SelectMany(Split), 1);
            index.Add(new IndexedOperation(operation, weights, [.. rawIdWords.Select(Stem)], [.. rawIdWords]));
        }

        return index;
    }

    private static Dictionary<string, int> Frequencies(IReadOnlyList<IndexedOperation> index) =>
        index.SelectMany(o => o.Weights.Keys).GroupBy(w => w, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static IEnumerable<string> Split(string text) =>
        text.ToLowerInvariant().Split([' ', '_', '-', '/', '.', ',', '?', '!', '(', ')', '[', ']', '\'', '"', ':', ';', '&'], StringSplitOptions.RemoveEmptyEntries);

    private static string Compact(string text) => new([.. text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);

    /// <summary>A light stemmer: plural and verb endings off, so "categories" meets "category" and "tagging" meets "tag".</summary>
    internal static string Stem(string word)
    {
        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            word = word[..^3] + "y";
        }
        else if (word.Length > 5 && word.EndsWith("ing", StringComparison.Ordinal))
        {
            word = Undouble(word[..^3]);
        }
        else if (word.Length > 4 && word.EndsWith("ed", StringComparison.Ordinal))
        {
            word = Undouble(word[..^2]);
        }
        else if (word.Length > 3 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal))
        {
            word = word[..^1];
        }

        return word.Length > 3 && word.EndsWith('e') ? word[..^1] : word;
    }

    private static string Undouble(string word) =>
        word.Length > 2 && word[^1] == word[^2] && word[^1] is not ('l' or 's' or 'z' or 'e') ? word[..^1] : word;

    private static Dictionary<string, string[]> BuildSynonyms(Dictionary<string, string> table) =>
        table.GroupBy(e => Stem(e.Key), StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => g.SelectMany(e => e.Value.Split(' ')).Select(Stem).Prepend(g.Key).Distinct().ToArray(),
            StringComparer.Ordinal);

    private sealed record QueryWord(string Raw, string Stem, string[] Alternatives);

    private sealed record IndexedOperation(ApiOperation Operation, Dictionary<string, double> Weights, HashSet<string> IdWords, HashSet<string> RawIdWords);
}
