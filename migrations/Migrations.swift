// The schema of trainplan's database, as ordered SQL files per dialect: sqlite/ (0001_initial.sql,
// …) for database files, postgres/ for a PostgreSQL server (from a baseline at the version of
// the SQLite file it matches).
// The EmbedFiles plugin compiles each .sql file into `MigrationsFiles.all` at build time, so the
// binary carries them. Never edit a file once it has shipped: add the next number instead.
