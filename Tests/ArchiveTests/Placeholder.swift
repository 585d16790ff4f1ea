import XCTest
final class ArchiveTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
