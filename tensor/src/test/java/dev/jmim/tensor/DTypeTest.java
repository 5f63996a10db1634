package dev.jmim.tensor;

import static dev.jmim.tensor.DType.BF16;
import static dev.jmim.tensor.DType.BOOL;
import static dev.jmim.tensor.DType.F16;
import static dev.jmim.tensor.DType.F32;
import static dev.jmim.tensor.DType.F64;
import static dev.jmim.tensor.DType.I32;
import static dev.jmim.tensor.DType.I64;
import static dev.jmim.tensor.DType.U8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DTypeTest {

    @ParameterizedTest(name = "promote({0}, {1}) = {2}")
    @CsvSource({
        "F32, F32, F32",
        "F32, F64, F64",
        "BF16, F16, F32",
        "BF16, F32, F32",
        "F16, I64, F16",
        "I32, I64, I64",
        "U8, I32, I32",
        "BOOL, U8, U8",
        "BOOL, F16, F16",
        "I64, F32, F32",
        "BOOL, BOOL, BOOL"
    })
    void promotionFollowsPyTorchAndIsSymmetric(DType a, DType b, DType expected) {
        assertEquals(expected, DType.promote(a, b));
        assertEquals(expected, DType.promote(b, a));
    }

    @Test
    void byteSizesMatchSafetensors() {
        assertEquals(8, F64.byteSize());
        assertEquals(4, F32.byteSize());
        assertEquals(2, BF16.byteSize());
        assertEquals(2, F16.byteSize());
        assertEquals(8, I64.byteSize());
        assertEquals(4, I32.byteSize());
        assertEquals(1, U8.byteSize());
        assertEquals(1, BOOL.byteSize());
    }

    @Test
    void unknownSafetensorsNameListsTheSupportedOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> DType.fromSafetensorsName("I16"));
        assertTrue(e.getMessage().contains("I16") && e.getMessage().contains("BF16"), e.getMessage());
    }
}
