import Foundation
import TestSupport
import Testing

@testable import CLI

/// The output-target rules, in process: which paths are replaced, written in place or refused.
@Suite struct OutputTargetTests {
  let folder = TemporaryFolder()

  func kind(_ path: String, protecting: [String] = []) throws -> OutputTarget.Kind {
    try OutputTarget(path, protecting: protecting).kind
  }

  @Test func dashIsStandardOutput() throws {
    #expect(try kind("-") == .standardOutput)
  }

  @Test func aNewNameOrARegularFileIsReplaced() throws {
    let new = folder.file("new.csv")
    #expect(try kind(new) == .replace(file: new, existing: nil))
    let old = folder.file("old.csv")
    _ = FileManager.default.createFile(atPath: old, contents: Data("x".utf8))
    chmod(old, 0o600)
    guard case .replace(let file, let existing?) = try kind(old) else {
      Issue.record("not replaced with its ownership")
      return
    }
    #expect(file == old && existing.mode == 0o600 && existing.owner == getuid())
  }

  @Test func aLinkIsFollowedToItsTarget() throws {
    let target = folder.file("target.csv")
    symlink("target.csv", folder.file("link"))
    symlink("link", folder.file("link-to-link"))
    #expect(try kind(folder.file("link-to-link")) == .replace(file: target, existing: nil))
    symlink("loop", folder.file("loop"))
    #expect(throws: CLIError.self) { try kind(folder.file("loop")) }
  }

  @Test func devicesFIFOsAndDescriptorNamesAreWrittenInPlace() throws {
    let fifo = folder.file("fifo")
    mkfifo(fifo, 0o644)
    #expect(try kind(fifo) == .direct(path: fifo))
    #expect(try kind("/dev/stdout") == .direct(path: "/dev/stdout"))
    #expect(try kind("/proc/self/fd/1") == .direct(path: "/proc/self/fd/1"))
    symlink("/dev/stderr", folder.file("err"))
    #expect(try kind(folder.file("err")) == .direct(path: folder.file("err")))
  }

  @Test func foldersEmptyNamesAndMissingFoldersAreRefused() {
    for path in ["", folder.path, folder.file("missing/x.csv")] {
      #expect(throws: CLIError.self, "\(path)") { try kind(path) }
    }
  }

  @Test func protectedFilesAreRefusedByIdentityAndByName() throws {
    let db = folder.file("db.sqlite")
    _ = FileManager.default.createFile(atPath: db, contents: Data("db".utf8))
    let files = ["", "-wal", "-shm", "-journal"].map { db + $0 }
    link(db, folder.file("hard"))
    symlink("db.sqlite-journal", folder.file("soft"))
    let spellings = [
      db, folder.file("./db.sqlite-wal"), db + "-journal", folder.file("hard"),
      folder.file("soft"), folder.path + "//db.sqlite-shm",
    ]
    for path in spellings {
      #expect(throws: CLIError.self, "\(path)") { try kind(path, protecting: files) }
    }
    #expect(try kind(folder.file("db.sqlite-other"), protecting: files) != .standardOutput)
  }

  @Test(arguments: [
    ("x", ".", "x"), ("./x", ".", "x"), ("/x", "/", "x"), ("a/b/", "a", "b"), ("//a", "/", "a"),
    ("/", "/", ""), ("a b/c d", "a b", "c d"), ("a//b", "a", "b"),
  ])
  func pathTextSplitsEveryName(path: String, folder: String, name: String) {
    #expect(PathText.folder(of: path) == folder)
    #expect(PathText.name(of: path) == name)
  }
}
