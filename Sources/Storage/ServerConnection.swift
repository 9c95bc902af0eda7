#if Postgres
  import CSQLite
  import Dispatch
  import struct Foundation.Decimal
  import Logging
  import NIOConcurrencyHelpers
  import NIOCore
  import NIOPosix
  import NIOSSL
  import PostgresNIO

  /// One connection to a PostgreSQL server, used synchronously as the rest of Storage uses
  /// SQLite: each call blocks this thread until the server has answered. A CLI runs one
  /// command at a time on its main thread; the connection's I/O runs on one event-loop thread.
  final class ServerConnection {
    let address: ServerAddress
    private let group: MultiThreadedEventLoopGroup
    private let connection: PostgresConnection
    private let logger = Logger(label: "trainplan.postgres") { _ in SwiftLogNoOpLogHandler() }
    /// Rows changed by the last statement, from its command tag.
    private(set) var changes = 0
    /// Inside a transaction this connection began.
    private(set) var inTransaction = false
    private let watch = Watch()
    /// A COPY started and not yet awaited: its outcome, its table and its rows.
    private var pendingCopy: (Waiter<Void>, String, Int)?

    /// The answer to one statement: its columns' names and its rows, every value converted.
    struct Result {
      var columns: [String]
      var rows: [[DatabaseValue]]
    }

    init(_ address: ServerAddress, password: ServerPassword) throws {
      self.address = address
      group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
      do {
        let configuration = try Self.configuration(address, password: password.password)
        connection = try PostgresConnection.connect(
          on: group.next(), configuration: configuration, id: 1, logger: logger
        ).wait()
        connection.closeFuture.whenComplete { [watch] _ in watch.close() }
      } catch {
        try? group.syncShutdownGracefully()
        throw StoreError.server(Self.explain(error, address: address, password: password))
      }
    }

    deinit {
      try? connection.close().wait()
      try? group.syncShutdownGracefully()
    }

    static func configuration(_ address: ServerAddress, password: String?) throws
      -> PostgresConnection.Configuration
    {
      if let socket = address.socketPath {
        return .init(
          unixSocketPath: socket, username: address.user, password: password,
          database: address.database)
      }
      return .init(
        host: address.host, port: address.port, username: address.user, password: password,
        database: address.database, tls: try tls(address.tls, host: address.host))
    }

    /// libpq's `sslmode` in postgres-nio's terms: `allow` and `prefer` try TLS without
    /// checking the certificate, `require` insists on it, `verify-ca` checks the chain and
    /// `verify-full` the host name too.
    static func tls(_ mode: ServerAddress.TLSMode, host: String) throws
      -> PostgresConnection.Configuration.TLS
    {
      var configuration = TLSConfiguration.makeClientConfiguration()
      switch mode {
      case .disable: return .disable
      case .allow, .prefer, .require: configuration.certificateVerification = .none
      case .verifyCA: configuration.certificateVerification = .noHostnameVerification
      case .verifyFull: configuration.certificateVerification = .fullVerification
      }
      let context = try NIOSSLContext(configuration: configuration)
      return [.allow, .prefer].contains(mode) ? .prefer(context) : .require(context)
    }

    /// Runs one statement with `values` bound to `$1…$n`.
    @discardableResult
    func run(_ sql: String, _ values: [DatabaseValue] = []) throws -> Result {
      try finishCopy()
      var bindings = PostgresBindings(capacity: values.count)
      for value in values {
        switch value {
        case .null: bindings.appendNull()
        case .integer(let n): bindings.append(n)
        case .real(let d): bindings.append(d)
        case .text(let s): bindings.append(s)
        }
      }
      let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
      let result: PostgresQueryResult
      do {
        result = try waitUnlessClosed(connection.query(query, logger: logger))
      } catch let gone as Gone {
        throw gone.error
      } catch {
        throw databaseError(error, sql: sql)
      }
      changes = result.metadata.rows ?? 0
      track(result.metadata.command)
      var columns: [String] = []
      var rows: [[DatabaseValue]] = []
      rows.reserveCapacity(result.rows.count)
      for row in result.rows {
        let cells = row.makeRandomAccess()
        if columns.isEmpty && cells.count > 0 {
          columns = (0..<cells.count).map { cells[$0].columnName }
        }
        rows.append((0..<cells.count).map { Self.value(cells[$0]) })
      }
      return Result(columns: columns, rows: rows)
    }

    /// The connection ended under a statement (the server stopped or restarted): what to say.
    struct Gone: Error {
      let error: StoreError
    }

    var gone: Gone {
      inTransaction = false
      return Gone(
        error: .server(
          "\(address.description): the server closed the connection (stopped or restarted?); the transaction under way was rolled back"
        ))
    }

    /// The future's value, or `gone` as soon as the connection closes: a statement whose
    /// connection ended may otherwise never complete.
    func waitUnlessClosed<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
      guard !connection.isClosed else { throw gone }
      let waiter = Waiter<T>()
      watch.waiting { waiter.finish(nil) }
      future.whenComplete { waiter.finish($0) }
      defer { watch.waiting(nil) }
      guard let result = waiter.wait() else { throw gone }
      return try result.get()
    }

    /// One answer, or the connection's end (nil), whichever comes first; what comes later is
    /// dropped.
    final class Waiter<T>: @unchecked Sendable {
      private let lock = NIOLock()
      private var outcome: Swift.Result<T, Error>??
      private let ready = DispatchSemaphore(value: 0)

      func finish(_ result: Swift.Result<T, Error>?) {
        let first = lock.withLock {
          guard outcome == nil else { return false }
          outcome = .some(result)
          return true
        }
        if first { ready.signal() }
      }

      func wait() -> Swift.Result<T, Error>? {
        ready.wait()
        return lock.withLock { outcome! }
      }
    }

    /// What to do when the connection closes: end the wait under way. Registered once with
    /// the connection (a callback per statement would keep every answer until the end).
    final class Watch: @unchecked Sendable {
      private let lock = NIOLock()
      private var current: (() -> Void)?
      private var closed = false

      func waiting(_ onClose: (() -> Void)?) {
        let now = lock.withLock {
          current = onClose
          return closed
        }
        if now { onClose?() }
      }

      func close() {
        let action = lock.withLock {
          closed = true
          return current
        }
        action?()
      }
    }

    /// Follows the transaction this connection is in, from the statements' command tags.
    private func track(_ command: String) {
      switch command {
      case "BEGIN", "START TRANSACTION": inTransaction = true
      case "COMMIT", "ROLLBACK": inTransaction = false
      default: return
      }
    }

    /// Starts loading COPY text into `table` and returns without waiting: the server ingests
    /// it while this thread computes what comes next (a sweep's next piece), and the outcome
    /// is awaited before this connection's next statement, which reports its failure (see
    /// `finishCopy`). postgres-nio offers COPY only as async code: it runs as a task.
    func copy(into table: String, columns: [String], _ text: String) throws {
      try finishCopy()
      let connection = self.connection
      let logger = self.logger
      let data = ByteBuffer(string: text)
      guard !connection.isClosed else { throw gone.error }
      let waiter = Waiter<Void>()
      Task(executorPreference: EventLoopTaskExecutor(connection.eventLoop)) {
        do {
          try await connection.copyFrom(table: table, columns: columns, logger: logger) {
            try await $0.write(data)
          }
          waiter.finish(.success(()))
        } catch {
          waiter.finish(.failure(error))
        }
      }
      pendingCopy = (waiter, table, text.utf8.count(where: { $0 == 0x0A }))
    }

    /// Waits for the COPY under way, if any, or for the connection's end, whichever is first.
    func finishCopy() throws {
      guard let (waiter, table, rows) = pendingCopy else { return }
      pendingCopy = nil
      watch.waiting { waiter.finish(nil) }
      defer { watch.waiting(nil) }
      guard let outcome = waiter.wait() else { throw gone.error }
      do {
        try outcome.get()
      } catch {
        throw databaseError(error, sql: "COPY \(table)")
      }
      changes = rows
    }

    /// Begins a transaction and takes the advisory lock `key` to its end. Both statements are
    /// queued at once: the connection sends the second as the first completes, without a
    /// trip back to this thread. The transaction counts as begun even when the lock fails, so
    /// the caller rolls back.
    func begin(holding key: Int64) throws {
      try finishCopy()
      inTransaction = true
      let statements = ["BEGIN", "SELECT pg_advisory_xact_lock(\(key))"]
      let answers = statements.map {
        connection.query(PostgresQuery(unsafeSQL: $0), logger: logger)
      }
      for (sql, answer) in zip(statements, answers) {
        do {
          _ = try waitUnlessClosed(answer)
        } catch let gone as Gone {
          throw gone.error
        } catch {
          throw databaseError(error, sql: sql)
        }
      }
    }

    /// A cell as the value SQLite would have returned: integers, floats, text, NULL.
    static func value(_ cell: PostgresCell) -> DatabaseValue {
      guard cell.bytes != nil else { return .null }
      switch cell.dataType {
      case .int2, .int4, .int8:
        return (try? cell.decode(Int64.self)).map { .integer($0) } ?? .null
      case .float4, .float8:
        return (try? cell.decode(Double.self)).map { .real($0) } ?? .null
      case .bool:
        return (try? cell.decode(Bool.self)).map { .integer($0 ? 1 : 0) } ?? .null
      case .numeric:
        // sum() of BIGINT is NUMERIC: whole when it can be, as SQLite's integer sum. It comes
        // in binary, which only Decimal decodes (as String it fails, and read as NULL).
        guard let text = try? cell.decode(Decimal.self).description else { return .null }
        if let n = Int64(text) { return .integer(n) }
        return Double(text).map { .real($0) } ?? .text(text)
      default:
        return (try? cell.decode(String.self)).map { .text($0) } ?? .null
      }
    }

    /// A server's error as the `DatabaseError` Storage already handles: a unique or check
    /// violation, a lock or serialization failure (busy), anything else as a plain error. A
    /// server shutting down, or a connection lost, is `gone`'s one line.
    func databaseError(_ error: Error, sql: String) -> Error {
      guard let error = error as? PSQLError else { return error }
      let state = error.serverInfo?[.sqlState] ?? ""
      let lost: [PSQLError.Code] = [
        .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown,
      ]
      if state.hasPrefix("08") || state.hasPrefix("57P") || lost.contains(error.code) {
        return gone.error
      }
      let message = error.serverInfo?[.message] ?? "\(error.code)"
      let code: Int32 =
        switch state {
        case "23505", "23503", "23514", "23502": SQLITE_CONSTRAINT
        case "40001", "40P01", "55P03": SQLITE_BUSY
        // Not allowed to write: no privilege, a read-only transaction (a standby, or a
        // database set read-only) — the store turns it into one line about the role.
        case "42501", "25006": SQLITE_READONLY
        default: SQLITE_ERROR
        }
      var result = DatabaseError(code: code, message: message, sql: sql)
      result.sqlState = state
      return result
    }

    /// Why a connection failed, in one line that names the server but never a password.
    static func explain(_ error: Error, address: ServerAddress, password: ServerPassword) -> String
    {
      let place = address.description
      if let error = error as? PSQLError {
        let state = error.serverInfo?[.sqlState] ?? ""
        switch state {
        case "28P01", "28000":
          let hint =
            password.password == nil
            ? " (no password was given: \(password.fileNote ?? "set PGPASSWORD or add a line to ~/.pgpass"))"
            : ""
          return
            "\(place): the server refused user \(address.user): wrong password or no access\(hint)"
        case "3D000":
          return
            "\(place): the server has no database \(address.database) (create it with: createdb \(address.database))"
        default:
          if let message = error.serverInfo?[.message] { return "\(place): \(message)" }
        }
        if error.code == .connectionError || error.code == .serverClosedConnection {
          return "\(place): cannot connect (is the server running and accepting TCP connections?)"
        }
        return "\(place): \(error.code)"
      }
      if let error = error as? IOError {
        return "\(place): cannot connect: \(error.description)"
      }
      return "\(place): cannot connect: \(error)"
    }
  }

  /// Runs a task's jobs on a connection's event-loop thread. The caller of `copy` blocks its
  /// own thread until the COPY ends; a task on the shared cooperative pool needs a free thread
  /// of that pool, and callers that are themselves on it (tests run there, as would an async
  /// caller) can hold every one of them, each waiting for a task that cannot start.
  final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
      let job = UnownedJob(job)
      eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
  }
#endif
