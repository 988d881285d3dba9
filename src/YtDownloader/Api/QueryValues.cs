using System.Globalization;

namespace YtDownloader.Api;

/// <summary>
/// Query parameters read by hand, so that a wrong value is a 400 naming the parameter and what it takes,
/// not the framework's binding failure about a JSON body the request never had.
/// </summary>
internal static class QueryValues
{
    public static int? Integer(string name, string? value, int min, int max)
    {
        if (value is null)
            return null;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new InvalidRequestException($"The query parameter {name} must be a whole number from {min} to {max}.");
    }

    /// <summary>A page cursor is the <c>next</c> of an earlier page: a positive number.</summary>
    public static void Cursor(string name, string? value)
    {
        if (value is not null && !(long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var position) && position > 0))
            throw new InvalidRequestException($"The query parameter {name} must be the \"next\" value of an earlier page.");
    }

    public static bool Flag(string name, string? value) => value switch
    {
        null => false,
        _ when bool.TryParse(value, out var flag) => flag,
        _ => throw new InvalidRequestException($"The query parameter {name} must be true or false."),
    };
}
