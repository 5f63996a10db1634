package dev.jmim.mae.curate;

import dev.jmim.mae.data.ImageFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * The image files under a folder, depth first with each folder's entries in name order, read one
 * folder at a time: the order never changes between runs (so a stopped run resumes at the same
 * place) and memory holds one listing per open folder level, never the whole tree.
 */
final class FolderWalk implements Iterator<Path> {
    private final Deque<Iterator<Path>> stack = new ArrayDeque<>();
    private Path next;

    FolderWalk(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("no such image folder: " + root);
        }
        stack.push(sortedEntries(root));
        advance();
    }

    private static Iterator<Path> sortedEntries(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList().iterator();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private void advance() {
        next = null;
        while (!stack.isEmpty()) {
            Iterator<Path> top = stack.peek();
            if (!top.hasNext()) {
                stack.pop();
                continue;
            }
            Path p = top.next();
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) { // as Files.walk: no link loops
                stack.push(sortedEntries(p));
            } else if (Files.isRegularFile(p) && ImageFolder.isImageFile(p)) {
                next = p;
                return;
            }
        }
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public Path next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        Path p = next;
        advance();
        return p;
    }
}
