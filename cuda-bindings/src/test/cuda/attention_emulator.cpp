// attention_bf16.cu's kernels run by the emulator, for AttentionBf16EmulatedTest:
//   attention_emulator DIR B H N D SCALE PACKED
// reads DIR/qkv.bin (float32, little-endian): [3, B, H, N, D] or, where PACKED is 1, [B, N, 3, H, D] (q, k
// and v as the strided views a ViT makes), and DIR/grad.bin [B, H, N, D]; writes DIR/out.bin, lse.bin, dq.bin,
// dk.bin and dv.bin, dense.
#include "attention_bf16.cu"

#include "files.h"

template <int D>
static void run(const std::string& dir, int batch, int heads, int n, float scale, bool packed) {
    size_t count = (size_t)batch * heads * n * D;
    std::vector<float> qkv = read_floats(dir + "/qkv.bin", 3 * count), grad = read_floats(dir + "/grad.bin", count);
    Heads views[3];
    for (int i = 0; i < 3; i++) {
        views[i] = packed ? Heads{qkv.data() + (size_t)i * heads * D, (long long)n * 3 * heads * D, D, 3LL * heads * D}
                          : Heads{qkv.data() + i * count, (long long)heads * n * D, (long long)n * D, D};
    }
    Heads dense = {grad.data(), (long long)heads * n * D, (long long)n * D, D};
    std::vector<float> out(count), lse((size_t)batch * heads * n), delta(lse.size()), dq(count), dk(count), dv(count);
    unsigned blocks = (n + TILE - 1) / TILE, bh = batch * heads;
    launch(blocks, bh, 128, [&] { forward<D>(heads, n, scale, views[0], views[1], views[2], out.data(), lse.data()); });
    launch(1, 1, 128, [&] { row_dots<D>((long long)delta.size(), out.data(), grad.data(), delta.data()); });
    launch(blocks, bh, 128, [&] {
        key_gradients<D>(heads, n, scale, views[0], views[1], views[2], dense, lse.data(), delta.data(), dk.data(),
                         dv.data());
    });
    launch(blocks, bh, 128, [&] {
        query_gradients<D>(heads, n, scale, views[0], views[1], views[2], dense, lse.data(), delta.data(), dq.data());
    });
    write_floats(dir + "/out.bin", out);
    write_floats(dir + "/lse.bin", lse);
    write_floats(dir + "/dq.bin", dq);
    write_floats(dir + "/dk.bin", dk);
    write_floats(dir + "/dv.bin", dv);
}

int main(int argc, char** argv) {
    if (argc != 8) {
        std::fprintf(stderr, "usage: %s DIR B H N D SCALE PACKED\n", argv[0]);
        return 2;
    }
    std::string dir = argv[1];
    int batch = std::atoi(argv[2]), heads = std::atoi(argv[3]), n = std::atoi(argv[4]), d = std::atoi(argv[5]);
    float scale = std::strtof(argv[6], nullptr);
    bool packed = std::atoi(argv[7]) != 0;
    if (d == 32) {
        run<32>(dir, batch, heads, n, scale, packed);
    } else if (d == 64) {
        run<64>(dir, batch, heads, n, scale, packed);
    } else {
        std::fprintf(stderr, "head size %d: the kernels take 32 or 64\n", d);
        return 2;
    }
    return 0;
}
