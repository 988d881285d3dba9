using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Acornima;
using Acornima.Ast;

namespace YtDownloader.Sources.Youtube.Player;

/// <summary>How a player's two functions are made to run outside a browser.</summary>
internal enum PlayerScriptWay
{
    /// <summary>Only the URL builder and the top-level definitions it reaches (<see cref="PlayerFunctionExtractor"/>): about a tenth of the player.</summary>
    ExtractedFunctions,

    /// <summary>The player's whole top level, less the calls that start it: slower and heavier, but needs no dependency walk.</summary>
    WholePlayer,
}

/// <summary>
/// What <see cref="PlayerScriptPreparer"/> turns a player into: source that Jint can run outside a browser, which
/// leaves the candidate URL-builder functions in the global <see cref="PlayerScriptPreparer.CandidatesVariable"/>.
/// </summary>
internal sealed record PreparedPlayerScript(string Code, IReadOnlyList<string> CandidateNames, int? SignatureTimestamp, PlayerScriptWay Way);

/// <summary>A player parsed once, with what both ways of preparing it need: its outer wrapper and URL-builder candidates.</summary>
internal sealed record ParsedPlayer(
    string JavaScript, ExpressionStatement WrapperStatement, FunctionExpression Wrapper, IReadOnlyList<string> CandidateNames, int? SignatureTimestamp);

internal static partial class PlayerScriptPreparer
{
    /// <summary>The global the prepared code stores the candidate URL builders in, best candidate first.</summary>
    public const string CandidatesVariable = "__ytdlUrlBuilderCandidates";

    // Just enough of a browser for the player's top level to run. window and self are the global object, as in a
    // browser, so that the player's `window.Foo` lookups of built-ins keep working.
    internal const string BrowserStandIn =
        """
        var window = globalThis, self = globalThis;
        var document = {};
        var navigator = { userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", language: "en-US", languages: ["en-US"] };
        var location = { href: "https://www.youtube.com/", protocol: "https:", host: "www.youtube.com", hostname: "www.youtube.com", port: "", origin: "https://www.youtube.com", pathname: "/", search: "", hash: "" };
        var XMLHttpRequest = function () {};

        """;

    private static readonly ParserOptions ParserOptions = new() { EcmaVersion = EcmaVersion.Latest };

    /// <exception cref="PlayerScriptException">The script does not parse, or lacks the wrapper or the URL builder.</exception>
    public static ParsedPlayer Parse(string javascript)
    {
        Script script;
        try
        {
            script = new Parser(ParserOptions).ParseScript(javascript);
        }
        catch (ParseErrorException ex)
        {
            throw new PlayerScriptException($"The player JavaScript does not parse: {ex.Message}", ex);
        }

        var (wrapperStatement, wrapper) = FindWrapper(script)
            ?? throw new PlayerScriptException(
                "The player JavaScript has no outer wrapper function ((function(g){…})(_yt_player)); its layout changed.");
        var candidates = FindUrlBuilderCandidates(javascript, wrapper.Body);
        if (candidates.Count == 0)
            throw new PlayerScriptException(
                "The player JavaScript has no URL-builder function (one that calls .set(\"alr\",\"yes\")), " +
                "so its signature and n functions cannot be reached.");
        return new ParsedPlayer(javascript, wrapperStatement, wrapper, candidates, FindSignatureTimestamp(javascript));
    }

    /// <summary>The whole player, less the statements that start it (<see cref="MustNotRun"/>).</summary>
    public static PreparedPlayerScript WholePlayer(ParsedPlayer player)
    {
        var javascript = player.JavaScript;
        var code = new StringBuilder(BrowserStandIn.Length + javascript.Length + 256);
        code.Append(BrowserStandIn);
        var copied = 0;
        void CopyUpTo(int position)
        {
            code.Append(javascript, copied, position - copied);
            copied = position;
        }

        CopyUpTo(player.WrapperStatement.Start);
        code.Append("var ").Append(CandidatesVariable).Append('=');
        foreach (var statement in player.Wrapper.Body.Body)
        {
            if (!MustNotRun(statement))
                continue;
            CopyUpTo(statement.Start);
            // An empty statement keeps the surrounding statements apart, whatever semicolons the original relied on.
            code.Append(';');
            copied = statement.End;
        }
        CopyUpTo(player.Wrapper.Body.End - 1);
        code.Append(";\nreturn [").AppendJoin(',', player.CandidateNames).Append("];\n");
        CopyUpTo(javascript.Length);

        return new PreparedPlayerScript(code.ToString(), player.CandidateNames, player.SignatureTimestamp, PlayerScriptWay.WholePlayer);
    }

    /// <summary>
    /// The statements of the wrapper we leave out: the player's own <c>window</c> (it must resolve to our stand-in
    /// whether or not the wrapper runs in strict mode), and the top-level calls and <c>new</c>s, which start the player
    /// and touch the DOM, storage and timers. Measured on players from 2021 to 2026: what the URL builder needs is
    /// all set up by declarations and assignments.
    /// </summary>
    internal static bool MustNotRun(Statement statement) => statement switch
    {
        ExpressionStatement { Expression: CallExpression or NewExpression } => true,
        VariableDeclaration declaration => declaration.Declarations.Count == 1
            && declaration.Declarations[0] is { Id: Identifier { Name: "window" }, Init: ThisExpression },
        _ => false,
    };

    /// <summary>The top-level <c>(function(g){…})(_yt_player)</c> call holding the whole player (the largest one, should there be more).</summary>
    private static (ExpressionStatement Statement, FunctionExpression Function)? FindWrapper(Script script)
    {
        (ExpressionStatement, FunctionExpression)? best = null;
        var bestLength = -1;
        foreach (var statement in script.Body)
        {
            var function = statement switch
            {
                ExpressionStatement { Expression: CallExpression { Callee: FunctionExpression f } } => f,
                ExpressionStatement
                {
                    Expression: CallExpression { Callee: MemberExpression { Object: FunctionExpression f, Property: Identifier { Name: "call" or "apply" } } }
                } => f,
                _ => null,
            };
            if (function is not null && function.Body.End - function.Body.Start > bestLength)
            {
                best = ((ExpressionStatement)statement, function);
                bestLength = function.Body.End - function.Body.Start;
            }
        }
        return best;
    }

    /// <summary>
    /// Names of the wrapper's top-level functions that set <c>alr=yes</c> on a URL held in a plain variable (the
    /// builder does; the request builders test <c>get("alr")</c> first and the SABR classes use <c>this.…</c>), best
    /// first: those that hand that URL back. Which one really deciphers is settled by trying them.
    /// </summary>
    private static List<string> FindUrlBuilderCandidates(string javascript, FunctionBody wrapperBody)
    {
        var ranked = new List<(string Name, int Rank)>();
        foreach (var statement in wrapperBody.Body)
        {
            foreach (var (target, function) in FunctionDefinitions(statement))
            {
                if (function.Body is not FunctionBody body || SetsAlrYesOn(body) is not { } urlVariable)
                    continue;
                var name = javascript[target.Start..target.End];
                if (ranked.Exists(candidate => candidate.Name == name))
                    continue;
                var returnsUrl = body.Body.Count > 0
                    && body.Body[body.Body.Count - 1] is ReturnStatement { Argument: Identifier returned }
                    && returned.Name == urlVariable;
                ranked.Add((name, (returnsUrl ? 0 : 2) + (function.Params.Count >= 3 ? 0 : 1)));
            }
        }
        return [.. ranked.OrderBy(candidate => candidate.Rank).Select(candidate => candidate.Name)];
    }

    private static IEnumerable<(Node Target, IFunction Function)> FunctionDefinitions(Statement statement)
    {
        switch (statement)
        {
            case FunctionDeclaration { Id: { } id } declaration:
                yield return (id, declaration);
                break;
            case VariableDeclaration declaration:
                foreach (var declarator in declaration.Declarations)
                {
                    if (declarator is { Id: Identifier id, Init: FunctionExpression function })
                        yield return (id, function);
                }
                break;
            case ExpressionStatement { Expression: SequenceExpression sequence }:
                foreach (var expression in sequence.Expressions)
                {
                    if (AsFunctionAssignment(expression) is { } definition)
                        yield return definition;
                }
                break;
            case ExpressionStatement { Expression: var expression }:
                if (AsFunctionAssignment(expression) is { } single)
                    yield return single;
                break;
        }
    }

    private static (Node Target, IFunction Function)? AsFunctionAssignment(Expression expression) =>
        expression is AssignmentExpression { Operator: Operator.Assignment, Left: var target, Right: FunctionExpression function }
            && IsPlainReference(target)
            ? (target, function)
            : null;

    /// <summary><c>a</c>, <c>g.a</c>, <c>g.a.b</c>: safe to copy as an expression into our <c>return [...]</c>.</summary>
    internal static bool IsPlainReference(Node node) => node switch
    {
        Identifier => true,
        MemberExpression { Computed: false, Optional: false, Object: var inner, Property: Identifier } => IsPlainReference(inner),
        _ => false,
    };

    /// <summary>The variable <c>X</c> of a top-level <c>X.set("alr","yes")</c> statement in <paramref name="body"/>, if any.</summary>
    private static string? SetsAlrYesOn(FunctionBody body)
    {
        foreach (var statement in body.Body)
        {
            if (statement is not ExpressionStatement { Expression: var expression })
                continue;
            var calls = expression is SequenceExpression sequence ? sequence.Expressions.ToArray() : [expression];
            foreach (var call in calls)
            {
                if (call is CallExpression { Callee: MemberExpression { Object: Identifier url } } setCall
                    && setCall.Arguments.Count == 2
                    && setCall.Arguments[0] is StringLiteral { Value: "alr" }
                    && setCall.Arguments[1] is StringLiteral { Value: "yes" })
                    return url.Name;
            }
        }
        return null;
    }

    /// <summary>
    /// The signature timestamp (sts) the player was built for: the player API wants it in requests that return
    /// ciphered URLs. It sits in the script as a plain object property, so text search is reliable here.
    /// </summary>
    private static int? FindSignatureTimestamp(string javascript)
    {
        var match = SignatureTimestampPattern().Match(javascript);
        if (!match.Success)
            match = ShortSignatureTimestampPattern().Match(javascript);
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
    }

    [GeneratedRegex(@"\bsignatureTimestamp\s*:\s*(\d{1,9})\b")]
    private static partial Regex SignatureTimestampPattern();

    [GeneratedRegex(@"\bsts\s*:\s*(\d{1,9})\b")]
    private static partial Regex ShortSignatureTimestampPattern();
}
