package dev.jmim.tensor.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open, memory-mapped safetensors file whose header has been checked against everything a
 * hostile file could try: an oversized header, offsets outside the file, overlapping or unindexed
 * bytes, a dtype/shape that disagrees with the byte count, invalid UTF-8 or JSON, duplicate keys.
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** The header-size limit of the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final ObjectReader READER = SafeTensors.JSON
            .reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Where one tensor's bytes lie, relative to the start of the data area. */
    public record Entry(String name, DType dtype, int[] shape, long begin, long end) {}

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensorsFile(
            Path path, Arena arena, MemorySegment data, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    static SafeTensorsFile map(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw invalid(path, "the file has " + size + " bytes, fewer than the 8-byte header length");
            }
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLength =
                    file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw invalid(
                        path,
                        "header length " + Long.toUnsignedString(headerLength) + " exceeds the limit of "
                                + MAX_HEADER_BYTES + " bytes");
            }
            if (8 + headerLength > size) {
                throw invalid(
                        path, "header length " + headerLength + " runs past the end of the " + size + "-byte file");
            }
            byte[] headerBytes = file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment data = file.asSlice(8 + headerLength);
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries = parseHeader(path, decodeUtf8(path, headerBytes), data.byteSize(), metadata);
            return new SafeTensorsFile(path, arena, data, entries, metadata);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Tensor names in the order of their bytes in the file. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("safetensors " + path + ": no tensor named '" + name + "'; it holds "
                    + (entries.size() <= 20 ? entries.keySet() : entries.size() + " tensors"));
        }
        return e;
    }

    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /** A CPU tensor holding a copy of the named tensor's bytes (it outlives this file). */
    public Tensor tensor(String name) {
        Entry e = entry(name);
        Tensor t = Tensor.empty(e.dtype(), dev.jmim.tensor.Device.CPU, e.shape());
        MemorySegment.copy(data, e.begin(), HostStorage.segmentOf(t), 0, e.end() - e.begin());
        return t;
    }

    @Override
    public void close() {
        arena.close();
    }

    private static String decodeUtf8(Path path, byte[] bytes) throws IOException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw invalid(path, "the header is not valid UTF-8 (" + e.getMessage() + ")");
        }
    }

    private static Map<String, Entry> parseHeader(Path path, String json, long dataSize, Map<String, String> metadata)
            throws IOException {
        JsonNode root;
        try {
            root = READER.readTree(json);
        } catch (JsonProcessingException e) {
            throw invalid(path, "the header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid(path, "the header must be a JSON object");
        }
        List<Entry> list = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(SafeTensors.METADATA_KEY)) {
                readMetadata(path, field.getValue(), metadata);
            } else {
                list.add(readEntry(path, field.getKey(), field.getValue(), dataSize));
            }
        }
        list.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : list) {
            if (e.begin() != expected) {
                throw invalid(
                        path,
                        e.begin() < expected
                                ? "tensor '" + e.name() + "' at bytes [" + e.begin() + ", " + e.end()
                                        + ") overlaps the previous tensor, which ends at " + expected
                                : "bytes [" + expected + ", " + e.begin() + ") of the data area belong to no tensor");
            }
            expected = e.end();
        }
        if (expected != dataSize) {
            throw invalid(
                    path, "bytes [" + expected + ", " + dataSize + ") at the end of the data area belong to no tensor");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Entry e : list) {
            entries.put(e.name(), e);
        }
        return entries;
    }

    private static void readMetadata(Path path, JsonNode node, Map<String, String> metadata) throws IOException {
        if (!node.isObject()) {
            throw invalid(path, "__metadata__ must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (!f.getValue().isTextual()) {
                throw invalid(path, "__metadata__ value of '" + f.getKey() + "' must be a string, got " + f.getValue());
            }
            metadata.put(f.getKey(), f.getValue().textValue());
        }
    }

    private static Entry readEntry(Path path, String name, JsonNode node, long dataSize) throws IOException {
        if (!node.isObject()
                || !node.path("dtype").isTextual()
                || !node.path("shape").isArray()
                || !node.path("data_offsets").isArray()
                || node.size() != 3) {
            throw invalid(
                    path,
                    "tensor '" + name
                            + "' must be {\"dtype\": str, \"shape\": [int], \"data_offsets\": [begin, end]}, got "
                            + node);
        }
        DType dtype;
        try {
            dtype = DType.fromSafetensorsName(node.get("dtype").textValue());
        } catch (IllegalArgumentException e) {
            throw invalid(path, "tensor '" + name + "': " + e.getMessage());
        }
        JsonNode shapeNode = node.get("shape");
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode size = shapeNode.get(i);
            if (!size.canConvertToInt() || !size.isIntegralNumber() || size.intValue() < 0) {
                throw invalid(path, "tensor '" + name + "': shape " + shapeNode + " must hold integers in [0, 2^31)");
            }
            shape[i] = size.intValue();
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets.size() != 2
                || !offsets.get(0).canConvertToLong()
                || !offsets.get(1).canConvertToLong()
                || !offsets.get(0).isIntegralNumber()
                || !offsets.get(1).isIntegralNumber()) {
            throw invalid(path, "tensor '" + name + "': data_offsets " + offsets + " must be two integers");
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        if (begin < 0 || end < begin || end > dataSize) {
            throw invalid(
                    path,
                    "tensor '" + name + "': data_offsets [" + begin + ", " + end + "] lie outside the " + dataSize
                            + "-byte data area");
        }
        long expected;
        try {
            expected = Math.multiplyExact(Shapes.numel(shape), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw invalid(path, "tensor '" + name + "': shape " + shapeNode + " is too large");
        }
        if (expected != end - begin) {
            throw invalid(
                    path,
                    "tensor " + SafeTensors.describe(name, shape) + " " + dtype + " needs " + expected
                            + " bytes but data_offsets span " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static IOException invalid(Path path, String why) {
        return new InvalidSafeTensorsException("not a valid safetensors file: " + path + ": " + why);
    }
}
