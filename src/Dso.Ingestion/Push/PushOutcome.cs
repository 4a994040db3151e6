namespace Dso.Ingestion.Push;

public enum PushOutcome
{
    /// <summary>Every sample was stored.</summary>
    Accepted,

    /// <summary>Some (or all) samples were refused; the valid ones were stored.</summary>
    PartiallyRejected,

    /// <summary>
    /// At least one sample carried a different value for a timestamp already stored (the stored value stands); the
    /// others were handled as usual. An exact resend is not a conflict: it is accepted and changes nothing.
    /// </summary>
    Conflict,

    /// <summary>The payload could not be read at all (not JSON, wrong shape); nothing stored.</summary>
    Malformed,

    /// <summary>More samples or bytes than allowed; nothing stored, so a client can split and resend the whole batch.</summary>
    TooLarge,
}
