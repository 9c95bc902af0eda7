// The schema of trainplan's database, as ordered SQL files in this folder (0001_initial.sql, …).
// The EmbedFiles plugin compiles each .sql file into `MigrationsFiles.all` at build time, so the
// binary carries them. Never edit a file once it has shipped: add the next number instead.
