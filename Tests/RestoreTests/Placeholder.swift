import XCTest
final class RestoreTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
