package dev.jmim.mae.data;

import java.io.IOException;

/** Images addressed by index; implementations are safe to read from several threads at once. */
public interface Dataset {

    int size();

    /** The image at index (0 ≤ index < size()). */
    RgbImage get(int index) throws IOException;

    /** One line for logs: what the images are and where they come from. */
    String describe();
}
