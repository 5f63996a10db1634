package dev.jmim.tensor.io;

import java.io.IOException;

/** A file that is not valid safetensors; the message names the file and what is wrong with it. */
public final class InvalidSafeTensorsException extends IOException {
    public InvalidSafeTensorsException(String message) {
        super(message);
    }
}
