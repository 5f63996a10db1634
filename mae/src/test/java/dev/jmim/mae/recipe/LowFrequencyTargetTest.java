package dev.jmim.mae.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PixMIM's target against the reference's steps rendered in float64 with numpy on real photos
 * (src/test/python/make_lowfreq_golden.py: scikit-image's astronaut and coffee): |Δ| ≤ 1e-5 in
 * normalised units, at 224 px (radius 40, 5,024 frequencies) and at 32 px (radius 40·32/224).
 */
class LowFrequencyTargetTest {

    @Test
    void matchesTheReferenceStepsOnRealPhotos() throws IOException {
        Map<String, Tensor> golden = SafeTensors.load(Path.of("src/test/resources/golden/lowfreq.safetensors"));
        for (int size : new int[] {224, 32}) {
            LowFrequencyTarget target = LowFrequencyTarget.forImageSize(size);
            float[] expected = golden.get("target_" + size).toFloatArray();
            float[] actual = target.of(golden.get("images_" + size)).toFloatArray();
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            }
            assertTrue(worst <= 1e-5, size + " px: largest difference " + worst);
        }
        assertEquals(5024, LowFrequencyTarget.forImageSize(224).keptFrequencies());
    }

    @Test
    void imagesOfAnotherSizeAreNamed() {
        String message = assertThrows(IllegalArgumentException.class, () -> LowFrequencyTarget.forImageSize(32)
                        .of(Tensor.zeros(1, 3, 28, 28)))
                .getMessage();
        assertTrue(message.contains("[1, 3, 28, 28]") && message.contains("32"), message);
    }
}
