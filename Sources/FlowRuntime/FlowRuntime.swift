import FlowCore
/// The runtime layer: brokers, delivery, producers and steps. Declarations arrive with the broker issue.
