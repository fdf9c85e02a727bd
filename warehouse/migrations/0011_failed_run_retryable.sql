-- description: extraction_runs.retryable: whether a failed run may succeed if tried again (NULL: unknown or not failed)

-- A failed run whose error was terminal (the answer held no capability, or stayed invalid after its
-- repair turn) would fail the same way on the same document, extractor, model and prompt, and with a
-- paid extractor be paid for again: the pipeline does not repeat it until one of those changes.
ALTER TABLE extraction_runs ADD COLUMN retryable BOOLEAN;
