import Foundation
import TestSupport

/// Headless Chromium, when installed (`.ci/run` installs Debian's chromium-headless-shell).
/// Tests that need it are enabled only when it is here, and so show as skipped otherwise.
enum Browser {
  static let path: String? = ["chromium-headless-shell", "chromium"].lazy.compactMap(find).first
  static let python: String? = find("python3")

  static func find(_ name: String) -> String? {
    let folders =
      (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
      + ["/usr/bin", "/usr/local/bin", "/usr/lib/chromium"]
    return folders.map { $0 + "/" + name }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  /// Flags for every run: no sandbox (CI runs as root), no GPU, and no network: every host
  /// name resolves to nothing and every connection goes to a closed proxy, so a page that
  /// tried to fetch anything would show it broken.
  static let flags = [
    "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
    "--disable-extensions", "--disable-background-networking", "--disable-component-update",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
    "--allow-file-access-from-files",
  ]

  /// The page's DOM after the browser parsed and laid it out.
  static func dumpDOM(_ file: String, in folder: TemporaryFolder) throws -> String {
    let r = try run(
      path!,
      flags + ["--user-data-dir=\(folder.file("chrome-profile"))", "--dump-dom", "file://" + file],
      environment: environment(folder), in: folder)
    guard r.status == 0 else {
      throw Failure("chromium --dump-dom exited \(r.status): \(r.stderr)")
    }
    return r.stdout
  }

  /// A PNG of the page at `width` × `height` CSS pixels.
  static func screenshot(
    _ file: String, to png: String, width: Int, height: Int, in folder: TemporaryFolder
  ) throws {
    let r = try run(
      path!,
      flags + [
        "--user-data-dir=\(folder.file("chrome-profile"))", "--window-size=\(width),\(height)",
        "--screenshot=\(png)", "file://" + file,
      ], environment: environment(folder), in: folder)
    guard r.status == 0, FileManager.default.fileExists(atPath: png) else {
      throw Failure("chromium --screenshot exited \(r.status): \(r.stderr)")
    }
  }

  static func environment(_ folder: TemporaryFolder) -> [String: String] {
    ["HOME": folder.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
  }

  /// Pixel statistics of a PNG, decoded by Python's standard library (zlib): the grey
  /// variance, the share of pixels that are not the background, and whether `colour` occurs.
  static func pixelStatistics(_ png: String, colour: String, in folder: TemporaryFolder) throws
    -> (variance: Double, inked: Double, hasColour: Bool)
  {
    let r = try run(
      python!, ["-c", pngScript, png, colour], environment: environment(folder), in: folder)
    guard r.status == 0 else { throw Failure("PNG statistics failed: \(r.stderr)") }
    let n = r.stdout.split(separator: " ").map(String.init)
    return (Double(n[0]) ?? 0, Double(n[1]) ?? 0, n[2].hasPrefix("1"))
  }

  static let pngScript = #"""
    import sys, zlib, struct
    data = open(sys.argv[1], 'rb').read()
    want = tuple(int(sys.argv[2][i:i + 2], 16) for i in (0, 2, 4))
    pos, idat = 8, b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        if kind == b'IDAT': idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6), (depth, ctype)
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    prev, rows, i = bytearray(stride), [], 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        if f == 1:
            for x in range(bpp, stride): line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            for x in range(stride): line[x] = (line[x] + prev[x]) & 255
        elif f == 3:
            for x in range(stride): line[x] = (line[x] + ((line[x - bpp] if x >= bpp else 0) + prev[x]) // 2) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line); prev = line
    bg = tuple(rows[0][0:3])
    n = s = s2 = inked = 0; found = False
    for line in rows:
        for x in range(0, stride, bpp):
            px = (line[x], line[x + 1], line[x + 2])
            g = (px[0] * 299 + px[1] * 587 + px[2] * 114) / 1000
            n += 1; s += g; s2 += g * g
            if px != bg: inked += 1
            if px == want: found = True
    mean = s / n
    print(s2 / n - mean * mean, inked / n, 1 if found else 0)
    """#
}
