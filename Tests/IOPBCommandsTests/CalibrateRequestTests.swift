import IOPBCommands
import IOPBCost
import Testing

@Suite struct CalibrateRequestTests {
  @Test func writesAProfileThatReadsBack() throws {
    var request = CalibrateRequest()
    request.repetitions = 10
    let report = request.execute()
    #expect(report.exitCode == 0)
    let profile = try CycleProfile.parse(report.output, source: "calibrated")
    #expect(profile.name == "calibrated")
    #expect(profile.figures[.copyPerByteL1]?.source.contains("[OWN]") == true)
    #expect(profile[.taskRegisterLoad] == CycleProfile.default[.taskRegisterLoad])
    #if arch(x86_64) || arch(i386)
      #expect(profile.figures[.copyPerByteCold]?.source.contains("source flushed by CLFLUSH") == true)
    #endif
  }
}
