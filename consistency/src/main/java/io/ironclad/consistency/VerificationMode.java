package io.ironclad.consistency;

/** How reads are verified before bytes reach the caller. */
public enum VerificationMode {
    /** Hash into the verified local cache and serve only a verified file (default). */
    SPOOL,
    /** Pass bytes through while hashing; on mismatch fail before the last byte. */
    STREAM
}
