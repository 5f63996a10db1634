package dev.jmim.tensor.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format (an 8-byte little-endian header length, a JSON header, then the raw
 * little-endian bytes of every tensor) read memory-mapped and written atomically, so a crash never
 * leaves a half-written file under the target name.
 *
 * <pre>{@code
 * SafeTensors.save(path, Map.of("w", w), Map.of("step", "100"));
 * try (SafeTensorsFile f = SafeTensors.open(path)) { Tensor w = f.tensor("w"); }
 * }</pre>
 */
public final class SafeTensors {
    static final String METADATA_KEY = "__metadata__";
    static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /** Maps the file and validates its header; tensors are copied out on request. */
    public static SafeTensorsFile open(Path path) throws IOException {
        requireLittleEndian();
        return SafeTensorsFile.map(path);
    }

    /** Every tensor of the file, copied into CPU tensors, in the file's order. */
    public static Map<String, Tensor> load(Path path) throws IOException {
        try (SafeTensorsFile file = open(path)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : file.names()) {
                out.put(name, file.tensor(name));
            }
            return out;
        }
    }

    public static void save(Path path, Map<String, Tensor> tensors) throws IOException {
        save(path, tensors, Map.of());
    }

    /**
     * Writes the tensors (in the map's order) and string metadata to a temporary file beside path,
     * forces it to disk, then renames it over path.
     */
    public static void save(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        requireLittleEndian();
        Map<String, Tensor> dense = new LinkedHashMap<>();
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException(
                        "safetensors: '" + METADATA_KEY + "' is reserved and cannot name a tensor");
            }
            if (t.storage().isFreed()) {
                throw new IllegalArgumentException("safetensors: tensor '" + name + "' (" + t.describe()
                        + ") was freed when its Scope closed; keep it with scope.keep(t) before saving");
            }
            if (!t.device().equals(Device.CPU)) {
                throw new IllegalArgumentException("safetensors: tensor '" + name + "' is on " + t.device()
                        + "; move it to the CPU before saving");
            }
            Tensor d = t.contiguous();
            dense.put(name, d);
            long bytes = d.numel() * d.dtype().byteSize();
            ObjectNode entry = header.putObject(name);
            entry.put("dtype", d.dtype().safetensorsName());
            ArrayNode shape = entry.putArray("shape");
            for (int size : d.shape()) {
                shape.add(size);
            }
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString() + ".", ".tmp");
        try {
            try (FileChannel ch =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                for (Tensor d : dense.values()) {
                    long byteOffset = d.offset() * d.dtype().byteSize();
                    long bytes = d.numel() * d.dtype().byteSize();
                    writeFully(
                            ch,
                            ((HostStorage) d.storage())
                                    .segment()
                                    .asSlice(byteOffset, bytes)
                                    .asByteBuffer());
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }

    private static void requireLittleEndian() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException(
                    "safetensors: jmim reads and writes it on little-endian hosts only");
        }
    }

    static String describe(String name, int[] shape) {
        return "'" + name + "' " + Shapes.format(shape);
    }
}
