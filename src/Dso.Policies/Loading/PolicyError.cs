namespace Dso.Policies.Loading;

/// <summary>One problem in a policy file, located so an operator can jump to it.</summary>
public sealed record PolicyError(string File, int Line, int Column, string Entity, string Field, string Problem)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Entity}: {(Field.Length > 0 ? Field + ": " : "")}{Problem}";
}
