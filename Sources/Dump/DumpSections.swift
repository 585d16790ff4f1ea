import Archive

extension DumpEmitter {
    /// pg_dump --section: the archive keeps only the entries of the chosen sections, decided the
    /// way WriteToc does through _tocEntryRequired. An entry without a section (comment, ACL)
    /// belongs to the section of the entry before it; ENCODING, STDSTRINGS and SEARCHPATH are
    /// always kept, and so are DATABASE entries (an archive always carries them for --create).
    public func keepSections(_ sections: Set<ArchiveSection>) {
        var current = ArchiveSection.preData
        var dropped = Set<Int>()
        forEachEntry { e in
            if e.section != .none { current = e.section }
            switch e.desc {
            case "ENCODING", "STDSTRINGS", "SEARCHPATH", "DATABASE", "DATABASE PROPERTIES": return
            default: if !sections.contains(current) { dropped.insert(e.dumpId) }
            }
        }
        removeEntries { dropped.contains($0.dumpId) }
    }
}
