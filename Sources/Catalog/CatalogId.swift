/// Identity of a catalog row as pg_dump records it in TOC entries: the OID of the catalog
/// table it lives in (pg_class's, pg_proc's, ...) and its own OID.
public struct CatalogId: Hashable, Comparable, Sendable {
    public var tableOid: UInt32
    public var oid: UInt32

    public init(tableOid: UInt32, oid: UInt32) {
        self.tableOid = tableOid
        self.oid = oid
    }

    public static let none = CatalogId(tableOid: 0, oid: 0)

    public static func < (a: CatalogId, b: CatalogId) -> Bool {
        a.tableOid != b.tableOid ? a.tableOid < b.tableOid : a.oid < b.oid
    }
}

/// OIDs of the system catalogs that appear as CatalogId.tableOid (stable across versions).
public enum SystemCatalog {
    public static let pgClass: UInt32 = 1259
    public static let pgProc: UInt32 = 1255
    public static let pgType: UInt32 = 1247
    public static let pgNamespace: UInt32 = 2615
    public static let pgConstraint: UInt32 = 2606
    public static let pgAttrdef: UInt32 = 2604
    public static let pgTrigger: UInt32 = 2620
    public static let pgRewrite: UInt32 = 2618
    public static let pgOperator: UInt32 = 2617
    public static let pgOpclass: UInt32 = 2616
    public static let pgOpfamily: UInt32 = 2753
    public static let pgAm: UInt32 = 2601
    public static let pgCast: UInt32 = 2605
    public static let pgCollation: UInt32 = 3456
    public static let pgConversion: UInt32 = 2607
    public static let pgLanguage: UInt32 = 2612
    public static let pgLargeobjectMetadata: UInt32 = 2613
    public static let pgExtension: UInt32 = 3079
    public static let pgForeignDataWrapper: UInt32 = 2328
    public static let pgForeignServer: UInt32 = 1417
    public static let pgUserMapping: UInt32 = 1418
    public static let pgDefaultAcl: UInt32 = 826
    public static let pgEventTrigger: UInt32 = 3466
    public static let pgPolicy: UInt32 = 3256
    public static let pgPublication: UInt32 = 6104
    public static let pgPublicationRel: UInt32 = 6106
    public static let pgPublicationNamespace: UInt32 = 6237
    public static let pgSubscription: UInt32 = 6100
    public static let pgStatisticExt: UInt32 = 3381
    public static let pgTransform: UInt32 = 3576
    public static let pgTsParser: UInt32 = 3601
    public static let pgTsDict: UInt32 = 3600
    public static let pgTsTemplate: UInt32 = 3764
    public static let pgTsConfig: UInt32 = 3602
    public static let pgInherits: UInt32 = 2611
    public static let pgDatabase: UInt32 = 1262
}
