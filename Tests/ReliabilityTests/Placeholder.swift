// The reliability suite (issue 8) lives in this folder.
