// The attention kernels run by the emulator, for AttentionEmulatedTest:
//   attention_emulator DIR FAMILY B H N D SCALE PACKED
// FAMILY is fp32 (attention.cu) or bf16 (attention_bf16.cu). Reads DIR/qkv.bin (float32, little-endian):
// [3, B, H, N, D], or where PACKED is 1 [B, N, 3, H, D] (q, k and v as the strided views a ViT makes), and
// DIR/grad.bin: the output's gradient, [B, H, N, D] or where PACKED is 1 stored [B, N, H, D] (the gradient
// of merged heads). Writes DIR/out.bin in [B, N, H, D] order (as CudaAttention allocates it), lse.bin
// [B, H, N], and the gradients: dq.bin, dk.bin and dv.bin [B, H, N, D], or where PACKED is 1 dqkv.bin
// [B, N, 3, H, D] (backwardInto's packed qkv gradient).
#include "emulator.h"
#include "attention.cu"
#include "attention_bf16.cu"

#include "files.h"

struct Layout {
    long long batch, head, row;
};

template <typename T>
static HeadsOf<T> view(T* base, Layout l) {
    return {base, l.batch, l.head, l.row};
}

int main(int argc, char** argv) {
    if (argc != 9) {
        std::fprintf(stderr, "usage: %s DIR FAMILY B H N D SCALE PACKED\n", argv[0]);
        return 2;
    }
    std::string dir = argv[1], family = argv[2];
    int batch = std::atoi(argv[3]), heads = std::atoi(argv[4]), n = std::atoi(argv[5]), d = std::atoi(argv[6]);
    float scale = std::strtof(argv[7], nullptr);
    bool packed = std::atoi(argv[8]) != 0;
    bool bf16 = family == "bf16";
    if ((family != "fp32" && !bf16) || (d != 32 && d != 64)) {
        std::fprintf(stderr, "family %s, head size %d: the kernels are fp32 or bf16, heads of 32 or 64\n",
                     family.c_str(), d);
        return 2;
    }
    long long count = (long long)batch * heads * n * d, rows = (long long)batch * heads * n;
    std::vector<float> qkv = read_floats(dir + "/qkv.bin", 3 * count), grad = read_floats(dir + "/grad.bin", count);
    Layout dense = {(long long)heads * n * d, (long long)n * d, d};
    Layout merged = {(long long)n * heads * d, d, (long long)heads * d};  // [B, N, H, D]
    Layout qkv_packed = {(long long)n * 3 * heads * d, d, 3LL * heads * d};
    Heads in[3];
    for (int i = 0; i < 3; i++) {
        in[i] = packed ? view<const float>(qkv.data() + (long long)i * heads * d, qkv_packed)
                       : view<const float>(qkv.data() + i * count, dense);
    }
    Heads g = view<const float>(grad.data(), packed ? merged : dense);
    std::vector<float> out(count), lse(rows), delta(rows), grads(3 * count);
    OutHeads o = view(out.data(), merged);
    OutHeads d_out[3];
    for (int i = 0; i < 3; i++) {
        d_out[i] = packed ? view(grads.data() + (long long)i * heads * d, qkv_packed) : view(grads.data() + i * count, dense);
    }
    unsigned blocks = (n + 63) / 64, bh = batch * heads, threads = bf16 ? 128 : 64;
    Heads written = view<const float>(out.data(), merged);
    auto run = [&](auto forward, auto row_dots, auto passes) {
        launch(blocks, bh, threads, [&] { forward(heads, n, scale, in[0], in[1], in[2], o, lse.data()); });
        launch(1, 1, 256, [&] { row_dots(rows, heads, n, written, g, delta.data()); });
        passes();
    };
    auto pass = [&](auto kernel, OutHeads target) {
        launch(blocks, bh, threads,
               [&] { kernel(heads, n, scale, in[0], in[1], in[2], g, lse.data(), delta.data(), target); });
    };
    if (bf16 && d == 32) {
        run(attention_bf16_forward_d32, attention_bf16_row_dots_d32, [&] {
            launch(blocks, bh, threads, [&] {
                attention_bf16_dkdv_d32(heads, n, scale, in[0], in[1], in[2], g, lse.data(), delta.data(), d_out[1],
                                        d_out[2]);
            });
            pass(attention_bf16_dq_d32, d_out[0]);
        });
    } else if (bf16) {
        run(attention_bf16_forward_d64, attention_bf16_row_dots_d64, [&] {
            launch(blocks, bh, threads, [&] {
                attention_bf16_dkdv_d64(heads, n, scale, in[0], in[1], in[2], g, lse.data(), delta.data(), d_out[1],
                                        d_out[2]);
            });
            pass(attention_bf16_dq_d64, d_out[0]);
        });
    } else if (d == 32) {
        run(attention_forward_d32, attention_row_dots_d32, [&] {
            pass(attention_dq_d32, d_out[0]);
            pass(attention_dk_d32, d_out[1]);
            pass(attention_dv_d32, d_out[2]);
        });
    } else {
        run(attention_forward_d64, attention_row_dots_d64, [&] {
            pass(attention_dq_d64, d_out[0]);
            pass(attention_dk_d64, d_out[1]);
            pass(attention_dv_d64, d_out[2]);
        });
    }
    write_floats(dir + "/out.bin", out);
    write_floats(dir + "/lse.bin", lse);
    if (packed) {
        write_floats(dir + "/dqkv.bin", grads);
    } else {
        const char* names[] = {"dq", "dk", "dv"};
        for (int i = 0; i < 3; i++) {
            write_floats(dir + "/" + names[i] + ".bin", std::vector<float>(grads.begin() + i * count,
                                                                          grads.begin() + (i + 1) * count));
        }
    }
    return 0;
}
