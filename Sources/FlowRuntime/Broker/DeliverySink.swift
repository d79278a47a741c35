/// Where a broker pushes a member's records.
public protocol DeliverySink: AnyObject, Sendable {
    /// Called on the subscription's queue with records in offset order within each partition; the batch never
    /// holds more records than the member's free credit.
    func receive(_ records: [BrokerRecord])
}
