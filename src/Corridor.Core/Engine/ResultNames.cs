using System.Text;

namespace Corridor.Core.Engine;

/// <summary>How an engine result's name is spelled in problem codes and reasons, wherever it is answered (API, peer link).</summary>
public static class ResultNames
{
    /// <summary><c>ExceedsCredits</c> → <c>exceeds_credits</c>.</summary>
    public static string SnakeCase(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
