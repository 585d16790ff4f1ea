/// A first-in, first-out list for the pipeline's hand-offs (blocks to the deflate workers, items
/// to the writer). Taking the first element only moves a position; the storage is emptied, its
/// capacity kept, whenever the last element has been taken. So popping never shifts the rest
/// (as `Array.removeFirst` would) and the storage stays as small as the backlog.
/// Not synchronised: its owner holds the lock around every call.
struct DrainingQueue<Element> {
    private var elements: [Element] = []
    private var head = 0

    var isEmpty: Bool { head == elements.count }

    mutating func append(_ element: Element) { elements.append(element) }

    mutating func popFirst() -> Element? {
        guard head < elements.count else { return nil }
        let first = elements[head]
        head += 1
        if head == elements.count {
            elements.removeAll(keepingCapacity: true)
            head = 0
        }
        return first
    }
}
