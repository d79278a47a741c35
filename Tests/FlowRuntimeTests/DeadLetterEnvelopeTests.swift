import FlowCore
import Foundation
import Testing

@testable import FlowRuntime

struct DeadLetterEnvelopeTests {
    let envelope = DeadLetterEnvelope(
        sourceTopic: "orders",
        partition: 2,
        offset: 41,
        consumer: "payment-service",
        group: "payments",
        attempts: 5,
        firstFailure: Date(timeIntervalSince1970: 1_767_225_600),
        lastFailure: Date(timeIntervalSince1970: 1_767_225_601.4),
        error: "502 bad gateway"
    )

    @Test func wrappingKeepsTheOriginalAndAddsEveryDocumentedExtension() {
        let original = CloudEvent(
            id: "o-1",
            source: "checkout",
            type: "OrderCreated",
            subject: "order/1",
            time: "2026-01-01T00:00:00Z",
            data: ["amount": 3],
            extensions: ["tenant": "acme"]
        )
        let wrapped = envelope.wrap(original)
        #expect(wrapped.id == original.id)
        #expect(wrapped.source == original.source)
        #expect(wrapped.type == original.type)
        #expect(wrapped.subject == original.subject)
        #expect(wrapped.time == original.time)
        #expect(wrapped.data == original.data)
        #expect(wrapped.extensions["tenant"] == "acme")
        #expect(Set(wrapped.extensions.keys) == Set(DeadLetterEnvelope.extensionNames + ["tenant"]))
        #expect(wrapped.extensions["flowpartition"] == 2)
        #expect(wrapped.extensions["flowoffset"] == 41)
        #expect(wrapped.extensions["flowlastfailure"] == "2026-01-01T00:00:01.400Z")
        for name in DeadLetterEnvelope.extensionNames {
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber })
        }
    }

    @Test func longErrorsAreBoundedToTwoKibibytesOnACharacterBoundary() {
        let long = String(repeating: "é", count: 3000)
        let bounded = DeadLetterEnvelope.bounded(long)
        #expect(bounded.utf8.count <= DeadLetterEnvelope.maxErrorBytes)
        #expect(bounded.hasSuffix("…"))
        #expect(bounded.dropLast().allSatisfy { $0 == "é" })
        #expect(DeadLetterEnvelope.bounded("short") == "short")
    }

    @Test func timesAreRFC3339InUTCWithMilliseconds() {
        #expect(DeadLetterEnvelope.rfc3339(Date(timeIntervalSince1970: 0.007)) == "1970-01-01T00:00:00.007Z")
        #expect(
            DeadLetterEnvelope.rfc3339(Date(timeIntervalSince1970: 1_767_225_659.9996)) == "2026-01-01T00:01:00.000Z"
        )
    }
}
