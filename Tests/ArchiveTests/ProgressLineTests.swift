import Archive
import XCTest

/// The progress line is a pure function of its snapshot: checked here without a terminal.
final class ProgressLineTests: XCTestCase {
    func testLineShowsCountsBytesRateAndCurrentObject() {
        let s = ProgressSnapshot(verb: "restoring", done: 3, total: 12, bytes: 3 * 1024 * 1024, elapsed: 2,
                                 current: "TABLE DATA public.items")
        XCTAssertEqual(ProgressLine.render(s, width: 120),
                       "restoring 3/12 entries, 3.0 MB, 1.5 MB/s: TABLE DATA public.items")
    }

    func testNoRateBeforeHalfASecondAndSingularEntry() {
        let s = ProgressSnapshot(verb: "exporting", done: 0, total: 1, bytes: 512, elapsed: 0.1, current: "query")
        XCTAssertEqual(ProgressLine.render(s, width: 80), "exporting 0/1 entry, 512 B: query")
    }

    func testLineIsCutToTheTerminalWidthAndKeepsOneLine() {
        let s = ProgressSnapshot(verb: "dumping", done: 1, total: 2, bytes: 0, elapsed: 0,
                                 current: String(repeating: "x", count: 200) + "\nsecond line")
        let line = ProgressLine.render(s, width: 40)
        XCTAssertEqual(line.count, 39, "one column left free so the cursor never wraps")
        XCTAssertTrue(line.hasSuffix("…"))
        XCTAssertFalse(line.contains("\n"))
        let short = ProgressLine.render(ProgressSnapshot(verb: "dumping", current: "a\tb\nc"), width: 80)
        XCTAssertEqual(short, "dumping 0/0 entries, 0 B: a b c")
    }

    func testEtaFromTheRateOfWorkOnceTwoSecondsOfItHavePassed() {
        var s = ProgressSnapshot(verb: "dumping", done: 1, total: 4, bytes: 10 * 1024 * 1024, elapsed: 5,
                                 current: "TABLE DATA public.t", workDone: 250, workTotal: 1000, workElapsed: 4)
        // A quarter done in 4 s: 12 s left.
        XCTAssertEqual(ProgressLine.render(s, width: 120),
                       "dumping 1/4 entries, 10.0 MB, 2.0 MB/s, ETA 0:12: TABLE DATA public.t")
        s.workElapsed = 1.5
        XCTAssertNil(s.secondsLeft, "no rate worth extrapolating yet")
        s.workElapsed = 4
        s.workDone = 1000
        XCTAssertNil(s.secondsLeft, "the estimate is used up: no ETA rather than a wrong one")
        s.workDone = 1200
        XCTAssertNil(s.secondsLeft)
        s.workTotal = 0
        s.workDone = 10
        XCTAssertNil(s.secondsLeft, "no total, no ETA")
        XCTAssertEqual(ProgressLine.render(s, width: 120), "dumping 1/4 entries, 10.0 MB, 2.0 MB/s: TABLE DATA public.t")
    }

    func testDurations() {
        XCTAssertEqual(ProgressLine.duration(0), "0:00")
        XCTAssertEqual(ProgressLine.duration(0.2), "0:01", "rounded up: never 0:00 while work is left")
        XCTAssertEqual(ProgressLine.duration(59.5), "1:00")
        XCTAssertEqual(ProgressLine.duration(754), "12:34")
        XCTAssertEqual(ProgressLine.duration(3600 * 2 + 61), "2:01:01")
    }

    func testByteUnits() {
        XCTAssertEqual(ProgressLine.bytes(0), "0 B")
        XCTAssertEqual(ProgressLine.bytes(1023), "1023 B")
        XCTAssertEqual(ProgressLine.bytes(1536), "1.5 kB")
        XCTAssertEqual(ProgressLine.bytes(5 * 1024 * 1024 * 1024), "5.0 GB")
    }
}
