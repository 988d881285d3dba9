namespace YtDownloader.Pipeline;

/// <summary>
/// YouTube names caption languages by BCP 47 tags ("en", "pt-BR", "zh-Hans", and the old "iw" for Hebrew); an MP4
/// track's language is ISO 639-2 (three letters), which is what ffmpeg writes. The service runs with invariant
/// globalization, so the languages YouTube offers captions in are listed here; any other is "und" (undetermined).
/// </summary>
public static class SubtitleLanguages
{
    private static readonly Dictionary<string, string> Iso6392 = new(StringComparer.OrdinalIgnoreCase)
    {
        ["af"] = "afr", ["am"] = "amh", ["ar"] = "ara", ["as"] = "asm", ["az"] = "aze", ["be"] = "bel", ["bg"] = "bul",
        ["bn"] = "ben", ["bs"] = "bos", ["ca"] = "cat", ["cs"] = "ces", ["cy"] = "cym", ["da"] = "dan", ["de"] = "deu",
        ["el"] = "ell", ["en"] = "eng", ["eo"] = "epo", ["es"] = "spa", ["et"] = "est", ["eu"] = "eus", ["fa"] = "fas",
        ["fi"] = "fin", ["fil"] = "fil", ["fr"] = "fra", ["ga"] = "gle", ["gl"] = "glg", ["gu"] = "guj", ["ha"] = "hau",
        ["he"] = "heb", ["iw"] = "heb", ["hi"] = "hin", ["hr"] = "hrv", ["hu"] = "hun", ["hy"] = "hye", ["id"] = "ind",
        ["is"] = "isl", ["it"] = "ita", ["ja"] = "jpn", ["jv"] = "jav", ["ka"] = "kat", ["kk"] = "kaz", ["km"] = "khm",
        ["kn"] = "kan", ["ko"] = "kor", ["ky"] = "kir", ["la"] = "lat", ["lo"] = "lao", ["lt"] = "lit", ["lv"] = "lav",
        ["mk"] = "mkd", ["ml"] = "mal", ["mn"] = "mon", ["mr"] = "mar", ["ms"] = "msa", ["my"] = "mya", ["ne"] = "nep",
        ["nl"] = "nld", ["no"] = "nor", ["nb"] = "nob", ["nn"] = "nno", ["pa"] = "pan", ["pl"] = "pol", ["ps"] = "pus",
        ["pt"] = "por", ["ro"] = "ron", ["ru"] = "rus", ["si"] = "sin", ["sk"] = "slk", ["sl"] = "slv", ["so"] = "som",
        ["sq"] = "sqi", ["sr"] = "srp", ["su"] = "sun", ["sv"] = "swe", ["sw"] = "swa", ["ta"] = "tam", ["te"] = "tel",
        ["tg"] = "tgk", ["th"] = "tha", ["tr"] = "tur", ["uk"] = "ukr", ["ur"] = "urd", ["uz"] = "uzb", ["vi"] = "vie",
        ["yi"] = "yid", ["yo"] = "yor", ["zh"] = "zho", ["zu"] = "zul",
    };

    /// <summary>"en" → "eng", "pt-BR" → "por", "zh-Hans" → "zho"; "und" for a language not listed.</summary>
    public static string ToIso6392(string language)
    {
        var primary = language.Split('-', '_')[0];
        return Iso6392.GetValueOrDefault(primary, "und");
    }
}
