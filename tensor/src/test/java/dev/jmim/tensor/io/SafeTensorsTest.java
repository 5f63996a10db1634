package dev.jmim.tensor.io;

import static dev.jmim.tensor.TensorAssert.assertShape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /** The values the interop test and its Python script both compute for a dtype. */
    static Tensor values(DType dtype, int... shape) {
        long n = dev.jmim.tensor.Shapes.numel(shape);
        Tensor base = Tensor.arange(0, n, 1, DType.F64);
        Tensor v =
                switch (dtype) {
                    case BOOL -> base.sub(base.div(2).to(DType.I64).mul(2)).eq(1);
                    case U8 -> base;
                    case I64, I32 -> base.sub(3);
                    case F64, F32, BF16, F16 -> base.sub(3).mul(0.75);
                };
        return v.to(dtype).reshape(shape);
    }

    @ParameterizedTest(name = "{0} round trip through a transposed view")
    @EnumSource(DType.class)
    void everyDtypeRoundTrips(DType dtype) throws IOException {
        Tensor t = values(dtype, 3, 4).mT();
        Path file = dir.resolve("t.safetensors");
        SafeTensors.save(file, Map.of("t", t));
        Tensor back = SafeTensors.load(file).get("t");
        assertEquals(dtype, back.dtype());
        assertShape(new int[] {4, 3}, back);
        assertArrayEquals(t.toDoubleArray(), back.toDoubleArray());
    }

    @Test
    void namesOrderMetadataAndEmptyTensorsSurvive() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("blocks.0.attn.qkv.weight", values(DType.F32, 6, 2));
        tensors.put("empty", Tensor.zeros(0, 5));
        tensors.put("scalar", Tensor.scalar(2.5, DType.F64));
        Path file = dir.resolve("m.safetensors");
        SafeTensors.save(file, tensors, Map.of("format", "pt", "step", "12"));
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(List.of("blocks.0.attn.qkv.weight", "empty", "scalar"), f.names());
            assertEquals(Map.of("format", "pt", "step", "12"), f.metadata());
            assertShape(new int[] {0, 5}, f.tensor("empty"));
            assertEquals(2.5, f.tensor("scalar").item());
            var e = assertThrows(IllegalArgumentException.class, () -> f.tensor("missing"));
            assertTrue(e.getMessage().contains("missing"), e.getMessage());
        }
        assertEquals(0, Files.size(file) % 8, "header padded to 8 bytes");
    }

    @Test
    void tensorsReadFromAFileOutliveIt() throws IOException {
        Path file = dir.resolve("o.safetensors");
        SafeTensors.save(file, Map.of("x", values(DType.F32, 4)));
        Tensor x;
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            x = f.tensor("x");
        }
        assertArrayEquals(new float[] {-2.25f, -1.5f, -0.75f, 0f}, x.toFloatArray());
    }

    @Test
    void aFailedSaveLeavesTheOldFileAndNoTemporary() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        SafeTensors.save(file, Map.of("x", values(DType.F32, 4)));
        byte[] before = Files.readAllBytes(file);
        Tensor dead;
        try (Scope _ = Scope.open()) {
            dead = Tensor.ones(3);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("ok", Tensor.ones(2));
        tensors.put("dead", dead);
        var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(file, tensors));
        assertTrue(e.getMessage().contains("'dead'"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList());
        }
    }

    // ------------------------------------------------------------ hostile files

    private Path raw(long declaredLength, String json, int dataBytes) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header);
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, b.array());
        return file;
    }

    private Path raw(String json, int dataBytes) throws IOException {
        return raw(json.getBytes(StandardCharsets.UTF_8).length, json, dataBytes);
    }

    private void assertRejected(Path file, String... fragments) {
        var e = assertThrows(
                InvalidSafeTensorsException.class, () -> SafeTensors.open(file).close());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message lacks '" + fragment + "': " + e.getMessage());
        }
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
    }

    @Test
    void rejectsATruncatedFile() throws IOException {
        Path file = dir.resolve("short.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertRejected(file, "fewer than the 8-byte header length");
    }

    @Test
    void rejectsAnOversizedHeaderLength() throws IOException {
        assertRejected(raw(1L << 40, "{}", 0), "exceeds the limit");
        assertRejected(raw(-1, "{}", 0), "exceeds the limit");
    }

    @Test
    void rejectsAHeaderLengthPastTheEndOfFile() throws IOException {
        assertRejected(raw(500, "{}", 0), "runs past the end");
    }

    @Test
    void rejectsInvalidUtf8() throws IOException {
        byte[] header = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        ByteBuffer b = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        Path file = dir.resolve("utf8.safetensors");
        Files.write(file, b.array());
        assertRejected(file, "not valid UTF-8");
    }

    @Test
    void rejectsMalformedJsonTrailingTokensAndDuplicates() throws IOException {
        assertRejected(raw("{\"a\": ", 0), "not valid JSON");
        assertRejected(raw("[1, 2]", 0), "must be a JSON object");
        assertRejected(raw("{} {}", 0), "not valid JSON");
        String entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertRejected(raw("{\"a\":" + entry + ",\"a\":" + entry + "}", 4), "Duplicate field 'a'");
    }

    @Test
    void rejectsOffsetsOutsideTheData() throws IOException {
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "lie outside");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4), "lie outside");
    }

    @Test
    void rejectsOverlappingTensors() throws IOException {
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertRejected(raw(json, 8), "overlaps");
    }

    @Test
    void rejectsUnindexedBytesInTheMiddleAndAtTheEnd() throws IOException {
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertRejected(raw(gap, 12), "bytes [4, 8)", "belong to no tensor");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 9), "bytes [4, 9)");
    }

    @Test
    void rejectsAByteCountThatDisagreesWithDtypeAndShape() throws IOException {
        assertRejected(
                raw("{\"a\":{\"dtype\":\"F64\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", 24), "needs 48 bytes");
    }

    @Test
    void rejectsUnknownDtypesAndBadShapes() throws IOException {
        assertRejected(raw("{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8), "C64");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "shape");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4), "shape");
        assertRejected(
                raw("{\"a\":{\"dtype\":\"U8\",\"shape\":[65536,65536,65536,65536],\"data_offsets\":[0,1]}}", 1),
                "too large");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "must be {");
        assertRejected(raw("{\"__metadata__\":{\"k\":1}}", 0), "must be a string");
    }
}
