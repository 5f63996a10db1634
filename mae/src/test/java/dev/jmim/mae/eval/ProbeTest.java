package dev.jmim.mae.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.mae.data.Dataset;
import dev.jmim.mae.data.SyntheticShapes;
import dev.jmim.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The linear probe and kNN on features whose answer is known. */
class ProbeTest {

    @Test
    void knnVotesTheMajorityOfTheKMostSimilar() {
        float[] sims = {0.9f, 0.1f, 0.8f, 0.7f, -0.5f, 0.85f};
        int[] labels = {1, 0, 2, 2, 0, 1};
        // the 3 nearest are 0 (label 1), 5 (label 1), 2 (label 2): label 1 wins
        assertEquals(1, NearestNeighbours.vote(sims, 0, 6, labels, 3, 3));
        // the 4 nearest add 3 (label 2): a 2–2 tie, broken by the summed similarity (1.75 vs 1.5)
        assertEquals(1, NearestNeighbours.vote(sims, 0, 6, labels, 3, 4));
        assertEquals(2, NearestNeighbours.vote(new float[] {0.2f, 0.9f, 0.85f}, 0, 3, new int[] {1, 2, 2}, 3, 2));
    }

    @Test
    void bothClassifyWellSeparatedClustersAndFailOnNoise() {
        Random r = new Random(3);
        Features.Set train = clusters(r, 400, 1.0);
        Features.Set test = clusters(r, 200, 1.0);
        LinearProbe.Settings settings = new LinearProbe.Settings(20, 64, 6.4, 0);
        assertTrue(NearestNeighbours.accuracy(train, test, 4, 20) > 0.97);
        double linear = LinearProbe.accuracy(train, test, 4, settings);
        assertTrue(linear > 0.97, "linear probe on separable clusters: " + linear);
        Features.Set noise = clusters(r, 400, 0.0);
        Features.Set noiseTest = clusters(r, 400, 0.0);
        double chance = LinearProbe.accuracy(noise, noiseTest, 4, settings);
        assertTrue(chance < 0.4, "labels carry no signal, accuracy stays near 1/4: " + chance);
    }

    @Test
    void aLimitPicksTheSameSortedDistinctImagesForTheSameSeed() {
        Dataset data = new SyntheticShapes(100, 16, 1);
        int[] a = Features.choose(data, 30, 5);
        assertArrayEquals(a, Features.choose(data, 30, 5));
        assertEquals(30, Arrays.stream(a).distinct().count());
        assertTrue(Arrays.equals(a, Arrays.stream(a).sorted().toArray()));
        assertEquals(100, Features.choose(data, 0, 5).length);
        assertThrows(IllegalArgumentException.class, () -> new LinearProbe.Settings(0, 64, 6.4, 0));
    }

    /** n points in 8 dims around 4 class centres scaled by {@code signal} (0: pure noise). */
    private static Features.Set clusters(Random r, int n, double signal) {
        float[] values = new float[n * 8];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
            for (int d = 0; d < 8; d++) {
                double centre = d == labels[i] ? 4 * signal : 0;
                values[i * 8 + d] = (float) (centre + r.nextGaussian() * 0.5);
            }
        }
        return new Features.Set(Tensor.of(values, n, 8), labels);
    }
}
