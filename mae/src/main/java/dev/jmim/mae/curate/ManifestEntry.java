package dev.jmim.mae.curate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One line of a curation manifest (JSON lines): an image and what curation decided about it. Every
 * image the walk met has a line, kept or not, so a manifest is also the record of where a stopped
 * run got to. reason: "kept", "short side", "low entropy", "sampled out" or "unreadable: …".
 * Measures not taken (the entropy of a file dropped for its size, …) are left out of the line.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ManifestEntry(
        String path,
        boolean keep,
        String reason,
        Integer height,
        Integer width,
        Double entropyBits,
        Double loss,
        Double keepProbability) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a manifest line for " + path, e);
        }
    }

    /** A line read back; the message names the line when it is not one this class wrote. */
    public static ManifestEntry fromJson(String line, long lineNumber) {
        try {
            ManifestEntry e = JSON.readValue(line, ManifestEntry.class);
            if (e.path() == null || e.reason() == null) {
                throw new IllegalArgumentException("manifest line " + lineNumber + " has no path or reason: " + line);
            }
            return e;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "manifest line " + lineNumber + " is not a curation entry (" + e.getOriginalMessage() + "): "
                            + line,
                    e);
        }
    }
}
