import Testing

@testable import FlowRuntime

struct PartitionKeyTests {
    @Test func hashIsFNV1a64() {
        #expect(PartitionKey.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(PartitionKey.hash("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(PartitionKey.hash("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func partitionIsTheHashModuloThePartitionCount() {
        for key in ["customer-1", "customer-2", "ü", ""] {
            #expect(PartitionKey.partition(for: key, partitions: 7) == Int(PartitionKey.hash(key) % 7))
        }
        #expect(PartitionKey.partition(for: "anything", partitions: 1) == 0)
    }
}
