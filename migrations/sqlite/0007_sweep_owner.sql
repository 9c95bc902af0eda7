-- The process that runs a sweep, so a sweep whose process was killed (SIGKILL, a crash, a
-- reboot) reads as incomplete instead of running forever. NULL for sweeps made before.

ALTER TABLE sweeps ADD COLUMN pid INTEGER;
