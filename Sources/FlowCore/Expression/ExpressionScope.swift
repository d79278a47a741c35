/// Which names an expression may use; checked at load time.
public enum ExpressionScope: Sendable, Hashable {
    /// Producer templates: functions (`uuid()`, `seq()`, `now()`, `random_*`), `env.*`; no event fields.
    case producer
    /// Consumer filters, steps and templates: event attributes, `data.*`, extensions, `attempt`, functions.
    case consumer
    /// Topic partition keys: event attributes and pure functions only (a key must be deterministic).
    case partitionKey
}
