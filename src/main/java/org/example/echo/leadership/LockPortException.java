package org.example.echo.leadership;

/** A lock-service call failed. {@link Kind} tells the state machine how to react. */
public final class LockPortException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as far as leadership cares. */
  public enum Kind {
    /** Network error, timeout or server error: retry, the lease runs out on its own. */
    UNAVAILABLE,
    /** Our service or check is unknown to the lock service (e.g. it lost its state): register again. */
    NOT_REGISTERED,
    /** Our session no longer exists: create a new one. */
    SESSION_INVALID
  }

  private final Kind kind;

  public LockPortException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public LockPortException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
