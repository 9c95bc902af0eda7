import Storage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `export --format sqlite`: the selected plans and the records they use, as a trainplan
/// database of their own. It is built under a temporary name beside the target (the copy goes
/// through `Store.importHistory` into a new, empty store), switched to a rollback journal so
/// it is one file, made durable, and renamed into place like the other formats' files: a
/// failed or interrupted export leaves the target as it was.
struct SQLiteExport {
  let target: OutputTarget
  let file: String
  let existing: OutputTarget.Ownership?
  let temporary: String

  /// Only a file can hold a database: standard output, a FIFO or a device are refused.
  init(_ target: OutputTarget) throws {
    guard case .replace(let file, let existing) = target.kind else {
      throw CLIError(
        "--format sqlite writes a database file, which \(target.kind == .standardOutput ? "standard output" : target.typed) cannot hold: give --output a file name"
      )
    }
    self.target = target
    self.file = file
    self.existing = existing
    temporary = file + ".partial-\(getpid())"
  }

  /// The files SQLite may keep beside the temporary database.
  var temporaryFiles: [String] { ["", "-journal", "-wal", "-shm"].map { temporary + $0 } }

  /// Writes the export; `each` runs before every plan (to stop on an interrupt).
  func write(from store: Store, filter: PlanFilter, each: () throws -> Void) throws
    -> HistoryImport
  {
    // A process of the same id killed midway left its temporary files: they are ours.
    for path in temporaryFiles { unlink(path) }
    do {
      let copy = try Store(path: temporary, seedPresets: false)
      let result = try copy.importHistory(
        from: store, filter: filter, records: .usedByPlans, each: each)
      try copy.useRollbackJournal()
      try commit()
      return result
    } catch {
      abandon()
      throw error
    }
  }

  /// Gives the finished file the replaced file's owner and mode, makes it durable and
  /// renames it into place.
  private func commit() throws {
    let fd = open(temporary, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw CLIError("cannot write \(file): \(PathText.reason(errno)); it was left as it was")
    }
    if let existing {
      if fchown(fd, existing.owner, existing.group) != 0 {
        _ = fchown(fd, getuid(), existing.group)
      }
      fchmod(fd, existing.mode)
    }
    let code = fsync(fd) == 0 ? 0 : errno
    close(fd)
    if code != 0 {
      throw CLIError("cannot write \(file): \(PathText.reason(code)); it was left as it was")
    }
    if rename(temporary, file) != 0 {
      throw CLIError("cannot move the output into \(file): \(PathText.reason(errno))")
    }
    let folder = open(PathText.folder(of: file), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if folder >= 0 {
      fsync(folder)
      close(folder)
    }
  }

  func abandon() {
    for path in temporaryFiles { unlink(path) }
  }
}
