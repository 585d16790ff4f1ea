import XCTest
final class GPBackupTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
