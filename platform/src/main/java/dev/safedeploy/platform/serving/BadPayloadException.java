package dev.safedeploy.platform.serving;

/** A request body the model server cannot read: answered 400, never counted against the model. */
public class BadPayloadException extends RuntimeException {
  public BadPayloadException(String message) {
    super(message);
  }
}
