import Foundation
import TestSupport

/// What this process may do to the machine. CI runs as root, and root ignores file
/// permissions: read-only cases then run trainplan as `nobody` (setpriv), and read-only or tiny
/// file systems need mount, which only root (with CAP_SYS_ADMIN) has.
enum Privileges {
  static let isRoot = geteuid() == 0

  /// The command prefix that runs a program as a user whom permissions bind: none when this
  /// process is not root, else setpriv to nobody; nil when there is no way.
  static let unprivileged: [String]? = {
    if !isRoot { return [] }
    guard let setpriv = systemTool("setpriv") else { return nil }
    let prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    let folder = TemporaryFolder()
    let works = try? TestSupport.run(
      prefix[0], Array(prefix.dropFirst()) + ["/bin/true"], in: folder)
    return works?.status == 0 ? prefix : nil
  }()

  /// Whether a tiny tmpfs can be mounted here (root with CAP_SYS_ADMIN, a mount program): the
  /// condition of the full-disk tests, probed once by mounting one.
  static let canMountTmpfs: Bool = {
    let folder = TemporaryFolder()
    guard mountTmpfs(at: folder.path, kibibytes: 64) == nil else { return false }
    unmount(folder.path)
    return true
  }()

  /// Whether a folder can be bind-mounted onto itself and remounted read-only: the condition of
  /// the read-only file system test, probed once.
  static let canMountReadOnly: Bool = {
    let folder = TemporaryFolder()
    guard mount(["--bind", folder.path, folder.path]) == nil else { return false }
    defer { unmount(folder.path) }
    return mount(["-o", "remount,bind,ro", folder.path]) == nil
  }()

  /// Runs `mount` (or `umount`) with `args`; returns nil on success, else why not.
  @discardableResult
  static func mount(_ args: [String], program: String = "mount") -> String? {
    guard isRoot else { return "not root" }
    guard let tool = systemTool(program) else { return "no \(program) program" }
    let folder = TemporaryFolder()
    guard let r = try? TestSupport.run(tool, args, in: folder) else { return "cannot run \(tool)" }
    return r.status == 0 ? nil : "\(program) \(args.joined(separator: " ")): \(r.stderr)"
  }

  /// Mounts a tmpfs of `kibibytes` at `folder`; nil on success, else why not.
  static func mountTmpfs(at folder: String, kibibytes: Int) -> String? {
    mount(["-t", "tmpfs", "-o", "size=\(kibibytes)k", "tmpfs", folder])
  }

  static func unmount(_ folder: String) { mount([folder], program: "umount") }
}
