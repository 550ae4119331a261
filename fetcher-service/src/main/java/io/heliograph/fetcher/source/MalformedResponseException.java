package io.heliograph.fetcher.source;

/** An API answered 2xx, but without the fields we read. */
public class MalformedResponseException extends RuntimeException {

    public MalformedResponseException(String message) {
        super(message);
    }
}
