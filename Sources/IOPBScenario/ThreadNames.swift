import IOPBKernel

/// Replaces the machine's thread ids (`task3`) in a text with the names a scenario gave them.
struct ThreadNames {
  private let names: [(id: String, name: String)]

  init(_ names: [ThreadID: String]) {
    // Longest ids first, so that task12 is not read as task1 followed by 2.
    self.names = names.sorted { $0.key > $1.key }.map { ($0.key.description, $0.value) }
  }

  func apply(to text: String) -> String {
    var result = text
    for (id, name) in names { result = result.replacing(id, with: name) }
    return result
  }
}
