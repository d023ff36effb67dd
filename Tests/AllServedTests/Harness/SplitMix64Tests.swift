import AllServedHarness
import Testing

@Suite("SplitMix64")
struct SplitMix64Tests {
  @Test("The first outputs for seed 0 are the published reference values")
  func referenceOutputs() {
    // Vigna's reference splitmix64.c, seed 0; also recomputed with a separate Python implementation.
    var random = SplitMix64(seed: 0)
    #expect(random.next() == 0xE220_A839_7B1D_CDAF)
    #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(random.next() == 0x06C4_5D18_8009_454F)
    #expect(random.next() == 0xF88B_B8A8_724C_81EC)
    var other = SplitMix64(seed: 2026)
    #expect(other.next() == 0xDB9C_5598_9194_8D23)
    #expect(other.next() == 0x78BC_927D_ED35_455D)
  }

  @Test("Bounded draws use Lemire's method and match the independent implementation")
  func boundedDraws() {
    var random = SplitMix64(seed: 42)
    #expect((0..<10).map { _ in random.below(10) } == [7, 1, 2, 3, 0, 8, 2, 8, 3, 6])
    var three = SplitMix64(seed: 42)
    #expect((0..<10).map { _ in three.below(3) } == [2, 0, 0, 1, 0, 2, 0, 2, 1, 1])
    var range = SplitMix64(seed: 42)
    #expect((0..<4).map { _ in range.int(in: 5...14) } == [12, 6, 7, 8])
  }
}
