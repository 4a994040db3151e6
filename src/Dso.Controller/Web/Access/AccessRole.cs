namespace Dso.Controller.Web.Access;

/// <summary>What a key may do. Operators can do everything analysts can, so the roles are ordered.</summary>
public enum AccessRole
{
    /// <summary>Reads the dashboard, the decision log and the API.</summary>
    Analyst = 1,

    /// <summary>Also acts: approves plans, overrides decisions, triggers maintenance.</summary>
    Operator = 2,
}
