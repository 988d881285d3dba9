using System.Text;
using Acornima;
using Acornima.Ast;

namespace YtDownloader.Sources.Youtube.Player;

/// <summary>
/// Copies out of a player only what its URL builder reaches: the builder, the signature function it calls, the URL
/// class whose reading transforms <c>n</c>, the <c>n</c> function, and every top-level definition those refer to,
/// found by a walk over the AST from the builder. About a tenth of the player's code, so Jint runs a tenth of its top
/// level and keeps a tenth of its functions alive.
/// </summary>
/// <remarks>
/// The walk works on "pieces" of the wrapper's top level: one function declaration, one declarator of a <c>var</c>,
/// one element of a comma sequence. Each piece defines a key (<c>Foo</c> for <c>Foo=…</c> or <c>var Foo</c>,
/// <c>g.Foo</c> for <c>g.Foo=…</c> on the wrapper's parameter <c>g</c>) and attaches to it what is set on it later
/// (<c>g.Foo.prototype.bar=…</c>, and through the Closure alias <c>g.k=g.Foo.prototype;g.k.bar=…</c>). A needed key
/// brings every piece of it, in the player's order; what those pieces name becomes needed in turn. Calls at the top
/// level are left out, as in <see cref="PlayerScriptWay.WholePlayer"/>. A name the walk misses shows up as a failure
/// of the load-time probe, and the caller then falls back to the whole player.
/// </remarks>
internal static class PlayerFunctionExtractor
{
    public static PreparedPlayerScript Extract(ParsedPlayer player)
    {
        var javascript = player.JavaScript;
        var wrapper = player.Wrapper;
        var global = wrapper.Params.Count > 0 && wrapper.Params[0] is Identifier parameter ? parameter.Name : null;
        var (pieces, aliases) = Pieces(wrapper.Body, global);

        var piecesByKey = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < pieces.Count; i++)
        {
            foreach (var key in pieces[i].Keys)
            {
                if (!piecesByKey.TryGetValue(key, out var list))
                    piecesByKey[key] = list = [];
                list.Add(i);
            }
        }

        var included = new bool[pieces.Count];
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        void Need(string key)
        {
            // An alias names whichever prototype it was last set to: the pieces that use it are filed under their class.
            if (!aliases.Contains(key) && piecesByKey.ContainsKey(key) && needed.Add(key))
                pending.Push(key);
        }

        foreach (var candidate in player.CandidateNames)
            Need(candidate);
        while (pending.TryPop(out var key))
        {
            foreach (var index in piecesByKey[key])
            {
                if (included[index])
                    continue;
                included[index] = true;
                foreach (var reference in References(pieces[index].Node, global))
                    Need(reference);
            }
        }

        var code = new StringBuilder(PlayerScriptPreparer.BrowserStandIn.Length + javascript.Length / 8);
        code.Append(PlayerScriptPreparer.BrowserStandIn);
        // What precedes the wrapper (var _yt_player={};), then the wrapper's head, (function(g){, as with the whole player.
        code.Append(javascript, 0, player.WrapperStatement.Start);
        code.Append("var ").Append(PlayerScriptPreparer.CandidatesVariable).Append('=');
        code.Append(javascript, player.WrapperStatement.Start, wrapper.Body.Start + 1 - player.WrapperStatement.Start).Append('\n');
        for (var i = 0; i < pieces.Count; i++)
        {
            if (!included[i])
                continue;
            var piece = pieces[i];
            code.Append(piece.Prefix).Append(javascript, piece.Node.Start, piece.Node.End - piece.Node.Start).Append(";\n");
        }
        code.Append("return [").AppendJoin(',', player.CandidateNames).Append("];\n");
        // The wrapper's tail, })(_yt_player);, and whatever follows it.
        code.Append(javascript, wrapper.Body.End - 1, javascript.Length - (wrapper.Body.End - 1));
        return new PreparedPlayerScript(code.ToString(), player.CandidateNames, player.SignatureTimestamp, PlayerScriptWay.ExtractedFunctions);
    }

    /// <summary>One definition at the wrapper's top level: the node to copy, what goes before it, the keys it defines or extends.</summary>
    private sealed record Piece(Node Node, string Prefix, IReadOnlyList<string> Keys);

    private static (List<Piece> Pieces, HashSet<string> Aliases) Pieces(FunctionBody wrapperBody, string? global)
    {
        var pieces = new List<Piece>();
        // Closure's prototype aliases in effect: g.k=g.Foo.prototype makes g.k.bar=… part of g.Foo.
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        var aliasNames = new HashSet<string>(StringComparer.Ordinal);

        void AddExpression(Expression expression)
        {
            if (expression is not AssignmentExpression assignment)
                return;
            var keys = new List<string>();
            for (Expression current = assignment; current is AssignmentExpression link; current = link.Right)
            {
                if (RootKey(link.Left, global) is not { } key)
                    continue;
                if (link.Operator == Operator.Assignment && link.Right is MemberExpression
                    {
                        Computed: false, Property: Identifier { Name: "prototype" }, Object: var owner,
                    } && RootKey(owner, global) is { } ownerKey)
                {
                    aliases[key] = aliases.GetValueOrDefault(ownerKey, ownerKey);
                    aliasNames.Add(key);
                    keys.Add(aliases[key]);
                    continue;
                }
                if (link.Left is Identifier || IsRootMember(link.Left, global))
                    aliases.Remove(key);
                keys.Add(aliases.GetValueOrDefault(key, key));
            }
            if (keys.Count > 0)
                pieces.Add(new Piece(expression, "", keys));
        }

        foreach (var statement in wrapperBody.Body)
        {
            switch (statement)
            {
                case FunctionDeclaration { Id: { } id } function:
                    pieces.Add(new Piece(function, "", [id.Name]));
                    break;
                case VariableDeclaration declaration:
                    var prefix = declaration.Kind switch
                    {
                        VariableDeclarationKind.Let => "let ",
                        VariableDeclarationKind.Const => "const ",
                        _ => "var ",
                    };
                    foreach (var declarator in declaration.Declarations)
                    {
                        // The player's own window=this: ours is the stand-in, as with the whole player.
                        if (declarator is { Id: Identifier { Name: "window" }, Init: ThisExpression })
                            continue;
                        var names = Declared(declarator.Id).ToList();
                        if (names.Count > 0)
                            pieces.Add(new Piece(declarator, prefix, names));
                    }
                    break;
                case ClassDeclaration { Id: { } classId } classDeclaration:
                    pieces.Add(new Piece(classDeclaration, "", [classId.Name]));
                    break;
                case ExpressionStatement { Expression: SequenceExpression sequence }:
                    foreach (var expression in sequence.Expressions)
                        AddExpression(expression);
                    break;
                case ExpressionStatement { Expression: var expression }:
                    AddExpression(expression);
                    break;
                default:
                    // if, for, try at the top level: kept whole, under every name they assign to.
                    var assigned = Assigned(statement, global).Distinct(StringComparer.Ordinal).ToList();
                    if (assigned.Count > 0)
                        pieces.Add(new Piece(statement, "", assigned));
                    break;
            }
        }
        return (pieces, aliasNames);
    }

    /// <summary><c>Foo</c> for <c>Foo</c> or <c>Foo.bar.baz</c>; <c>g.Foo</c> for <c>g.Foo</c> or <c>g.Foo.bar</c> on the wrapper's parameter.</summary>
    private static string? RootKey(Node target, string? global)
    {
        MemberExpression? innermost = null;
        var chain = target;
        while (chain is MemberExpression member)
        {
            innermost = member;
            chain = member.Object;
        }
        if (chain is not Identifier root)
            return null;
        if (root.Name != global)
            return root.Name;
        return innermost is { Computed: false, Property: Identifier property } ? global + "." + property.Name : null;
    }

    private static bool IsRootMember(Node target, string? global) =>
        target is MemberExpression { Computed: false, Object: Identifier root, Property: Identifier } && root.Name == global;

    private static IEnumerable<string> Declared(Node pattern)
    {
        switch (pattern)
        {
            case Identifier identifier:
                yield return identifier.Name;
                break;
            default:
                foreach (var child in pattern.ChildNodes)
                {
                    if (child is not null)
                    {
                        foreach (var name in Declared(child))
                            yield return name;
                    }
                }
                break;
        }
    }

    /// <summary>The keys a statement assigns to outside the functions it defines.</summary>
    private static IEnumerable<string> Assigned(Node node, string? global)
    {
        if (node is AssignmentExpression assignment && RootKey(assignment.Left, global) is { } key)
            yield return key;
        if (node is VariableDeclarator { Id: var id })
        {
            foreach (var name in Declared(id))
                yield return name;
        }
        foreach (var child in node.ChildNodes)
        {
            if (child is null or IFunction)
                continue;
            foreach (var name in Assigned(child, global))
                yield return name;
        }
    }

    /// <summary>
    /// Every name a piece may refer to: identifiers, and <c>g.Foo</c> members of the wrapper's parameter. Property
    /// names (<c>a.foo</c>, <c>{foo: …}</c>) and labels are not references. Local names that happen to equal a
    /// top-level one are taken too: that copies a little more, never too little.
    /// </summary>
    private static IEnumerable<string> References(Node root, string? global)
    {
        var stack = new Stack<Node>();
        stack.Push(root);
        while (stack.TryPop(out var node))
        {
            switch (node)
            {
                case Identifier identifier:
                    yield return identifier.Name;
                    continue;
                case MemberExpression { Computed: false } member:
                    if (member.Object is Identifier owner && owner.Name == global && member.Property is Identifier property)
                        yield return global + "." + property.Name;
                    else
                        stack.Push(member.Object);
                    continue;
                case IProperty { Computed: false } named:
                    if (named.Value is { } value)
                        stack.Push(value);
                    continue;
                case LabeledStatement labeled:
                    stack.Push(labeled.Body);
                    continue;
                case BreakStatement or ContinueStatement:
                    continue;
            }
            foreach (var child in node.ChildNodes)
            {
                if (child is not null)
                    stack.Push(child);
            }
        }
    }
}
