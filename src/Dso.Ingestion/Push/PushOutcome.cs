namespace Dso.Ingestion.Push;

public enum PushOutcome
{
    /// <summary>Every sample was stored.</summary>
    Accepted,

    /// <summary>Some (or all) samples were refused; the valid ones were stored.</summary>
    PartiallyRejected,

    /// <summary>The payload could not be read at all (not JSON, wrong shape); nothing stored.</summary>
    Malformed,

    /// <summary>More samples or bytes than allowed; nothing stored, so a client can split and resend the whole batch.</summary>
    TooLarge,
}
