// splat.cu's kernels run by the emulator, in CudaSplatting's order, for SplattingEmulatedTest:
//   splat_emulator DIR N K HEIGHT WIDTH BG_R BG_G BG_B
// reads DIR/means.bin [N, K, 2], conics.bin [N, K, 3], colours.bin [N, K, 3], opacities.bin [N, K],
// depths.bin [N, K] and grad.bin [N, 3, H, W] (float32, little-endian); writes image.bin [N, 3, H, W] and
// the gradients dmeans.bin, dconics.bin, dcolours.bin, dopacities.bin.
#include "emulator.h"
#include "splat.cu"

#include "files.h"

int main(int argc, char** argv) {
    if (argc != 9) {
        std::fprintf(stderr, "usage: %s DIR N K HEIGHT WIDTH BG_R BG_G BG_B\n", argv[0]);
        return 2;
    }
    std::string dir = argv[1];
    int n = std::atoi(argv[2]), k = std::atoi(argv[3]), height = std::atoi(argv[4]), width = std::atoi(argv[5]);
    float bg[3] = {std::strtof(argv[6], nullptr), std::strtof(argv[7], nullptr), std::strtof(argv[8], nullptr)};
    size_t nk = (size_t)n * k, plane = (size_t)height * width;
    std::vector<float> mean = read_floats(dir + "/means.bin", 2 * nk), conic = read_floats(dir + "/conics.bin", 3 * nk),
                       colour = read_floats(dir + "/colours.bin", 3 * nk),
                       opacity = read_floats(dir + "/opacities.bin", nk), depth = read_floats(dir + "/depths.bin", nk),
                       grad = read_floats(dir + "/grad.bin", 3 * n * plane);
    std::vector<int> order(nk), ends(n * plane);
    std::vector<int4> boxes(nk);
    std::vector<float> image(3 * n * plane), final_t(n * plane);
    int tiles = ((width + TILE - 1) / TILE) * ((height + TILE - 1) / TILE);
    launch(n, 1, 256, [&] {
        splat_prepare(k, height, width, mean.data(), conic.data(), depth.data(), order.data(), boxes.data());
    });
    launch(tiles, n, 256, [&] {
        splat_forward(k, height, width, bg[0], bg[1], bg[2], mean.data(), conic.data(), colour.data(), opacity.data(),
                      order.data(), boxes.data(), image.data(), final_t.data(), ends.data());
    });
    std::vector<float> partial((size_t)n * tiles * k * GRADS), d_mean(2 * nk), d_conic(3 * nk), d_colour(3 * nk),
        d_opacity(nk);
    launch(tiles, n, 256, [&] {
        splat_backward(k, height, width, bg[0], bg[1], bg[2], mean.data(), conic.data(), colour.data(), opacity.data(),
                       order.data(), boxes.data(), grad.data(), final_t.data(), ends.data(), partial.data());
    });
    launch((unsigned)((nk + 255) / 256), 1, 256, [&] {
        splat_gather(n, k, tiles, order.data(), partial.data(), d_mean.data(), d_conic.data(), d_colour.data(),
                     d_opacity.data());
    });
    write_floats(dir + "/image.bin", image);
    write_floats(dir + "/dmeans.bin", d_mean);
    write_floats(dir + "/dconics.bin", d_conic);
    write_floats(dir + "/dcolours.bin", d_colour);
    write_floats(dir + "/dopacities.bin", d_opacity);
    return 0;
}
