// GMAE's rasteriser: front-to-back alpha compositing of 2-D Gaussians, forward and backward, with the
// conventions of the host rasteriser (dev.jmim.mae.gmae.Rasterizer), which the GPU suite compares it with.
// Per image n and Gaussian g (F32, contiguous): mean [N, K, 2] in pixels, conic (A, B, C) [N, K, 3],
// colour [N, K, 3], opacity [N, K], depth [N, K]. Images [N, 3, H, W]. One block of 16×16 threads per
// 16×16 tile and image; a pixel is sampled at its centre.
#include "jmim.cuh"

#define TILE 16
#define TILE_PIXELS (TILE * TILE)
#define MIN_ALPHA (1.0f / 255.0f)
#define MAX_ALPHA 0.99f
#define MIN_TRANSMITTANCE 1e-4f
// Gaussians a backward block takes per round: one per lane, so a warp's partial sums fit in shared memory.
#define BACKWARD_CHUNK 32
// Gradient numbers per Gaussian: mean 2, conic 3, colour 3, opacity 1.
#define GRADS 9

// Java's Double.compare order as an unsigned key: -0 before +0, every NaN equal and last.
__device__ __forceinline__ unsigned order_key(float v) {
    if (v != v) return 0xffffffffu;
    unsigned bits = __float_as_uint(v);
    return (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
}

// Per image (one block each): order[n][p] = the Gaussian at depth rank p (ascending, ties by index, as
// a stable sort), and each Gaussian's tile box (x0, y0, x1, y1, inclusive; x0 = -1 when it draws
// nothing): the tiles under its 3σ square, σ² the larger eigenvalue of the covariance, computed in
// double as the host does, since the box decides which Gaussians a pixel sees.
extern "C" __global__ void splat_prepare(int k, int height, int width, const float* mean, const float* conic,
                                         const float* depth, int* order, int4* boxes) {
    int n = blockIdx.x;
    const float* d = depth + (long long)n * k;
    int tiles_x = (width + TILE - 1) / TILE;
    int tiles_y = (height + TILE - 1) / TILE;
    for (int g = threadIdx.x; g < k; g += blockDim.x) {
        unsigned key = order_key(d[g]);
        int rank = 0;
        for (int j = 0; j < k; j++) {
            unsigned other = order_key(d[j]);
            rank += other < key || (other == key && j < g);
        }
        order[(long long)n * k + rank] = g;

        long long at = (long long)n * k + g;
        double a = conic[3 * at], b = conic[3 * at + 1], c = conic[3 * at + 2];
        double det = a * c - b * b;
        int4 box = make_int4(-1, -1, -1, -1);
        if (det > 0 && a > 0) {
            double sxx = c / det, syy = a / det, sxy = -b / det;
            double mid = 0.5 * (sxx + syy);
            double lambda = mid + sqrt(fmax(0.1, mid * mid - (sxx * syy - sxy * sxy)));
            double r = ceil(3 * sqrt(lambda));
            double mx = mean[2 * at], my = mean[2 * at + 1];
            if (isfinite(r)) {
                int x0 = (int)floor((mx - r) / TILE), x1 = (int)floor((mx + r) / TILE);
                int y0 = (int)floor((my - r) / TILE), y1 = (int)floor((my + r) / TILE);
                if (x1 >= 0 && y1 >= 0 && x0 < tiles_x && y0 < tiles_y) {
                    box = make_int4(max(0, x0), max(0, y0), min(tiles_x - 1, x1), min(tiles_y - 1, y1));
                }
            }
        }
        boxes[at] = box;
    }
}

// One Gaussian as a tile's pixels read it, from shared memory.
struct Splat {
    float mx, my, a, b, c, opacity, r, g, bl;
    int live;  // 0 where the Gaussian's box misses this tile
};

__device__ __forceinline__ bool box_holds(int4 box, int tx, int ty) {
    return box.x >= 0 && tx >= box.x && tx <= box.z && ty >= box.y && ty <= box.w;
}

__device__ __forceinline__ Splat load_splat(long long at, const float* mean, const float* conic,
                                            const float* colour, const float* opacity, int4 box, int tx, int ty) {
    Splat s;
    s.mx = mean[2 * at];
    s.my = mean[2 * at + 1];
    s.a = conic[3 * at];
    s.b = conic[3 * at + 1];
    s.c = conic[3 * at + 2];
    s.r = colour[3 * at];
    s.g = colour[3 * at + 1];
    s.bl = colour[3 * at + 2];
    s.opacity = opacity[at];
    s.live = box_holds(box, tx, ty);
    return s;
}

// e^power of a Gaussian at pixel (px, py), or -1 where the pixel skips it (power > 0, α under 1/255).
__device__ __forceinline__ float splat_weight(const Splat& s, float px, float py) {
    float dx = px - s.mx, dy = py - s.my;
    float power = -0.5f * (s.a * dx * dx + s.c * dy * dy) - s.b * dx * dy;
    if (power > 0.0f) return -1.0f;
    float gauss = expf(power);
    return fminf(MAX_ALPHA, s.opacity * gauss) < MIN_ALPHA ? -1.0f : gauss;
}

// Renders one tile of one image; per pixel keeps the final transmittance and `end`, one past the depth
// rank of the last Gaussian composited (the backward walks ranks below it).
extern "C" __global__ void splat_forward(int k, int height, int width, float bg_r, float bg_g, float bg_b,
                                         const float* mean, const float* conic, const float* colour,
                                         const float* opacity, const int* order, const int4* boxes, float* image,
                                         float* final_t, int* ends) {
    __shared__ Splat chunk[TILE_PIXELS];
    int n = blockIdx.y;
    int tiles_x = (width + TILE - 1) / TILE;
    int tx = blockIdx.x % tiles_x, ty = blockIdx.x / tiles_x;
    int x = tx * TILE + threadIdx.x % TILE, y = ty * TILE + threadIdx.x / TILE;
    bool inside = x < width && y < height;
    float px = x + 0.5f, py = y + 0.5f;
    float t = 1.0f, c0 = 0.0f, c1 = 0.0f, c2 = 0.0f;
    int end = 0;
    bool done = !inside;
    const int* ord = order + (long long)n * k;
    for (int start = 0; start < k; start += TILE_PIXELS) {
        if (__syncthreads_count(!done) == 0) break;
        int p = start + threadIdx.x;
        if (p < k) {
            int g = ord[p];
            long long at = (long long)n * k + g;
            chunk[threadIdx.x] = load_splat(at, mean, conic, colour, opacity, boxes[at], tx, ty);
        }
        __syncthreads();
        int count = min(TILE_PIXELS, k - start);
        for (int j = 0; j < count && !done; j++) {
            const Splat& s = chunk[j];
            if (!s.live) continue;
            float gauss = splat_weight(s, px, py);
            if (gauss < 0.0f) continue;
            float alpha = fminf(MAX_ALPHA, s.opacity * gauss);
            float next = t * (1.0f - alpha);
            if (next < MIN_TRANSMITTANCE) {
                done = true;
                break;
            }
            float w = alpha * t;
            c0 += s.r * w;
            c1 += s.g * w;
            c2 += s.bl * w;
            t = next;
            end = start + j + 1;
        }
    }
    if (!inside) return;
    long long plane = (long long)height * width;
    long long pixel = (long long)y * width + x;
    final_t[n * plane + pixel] = t;
    ends[n * plane + pixel] = end;
    image[(3LL * n) * plane + pixel] = c0 + t * bg_r;
    image[(3LL * n + 1) * plane + pixel] = c1 + t * bg_g;
    image[(3LL * n + 2) * plane + pixel] = c2 + t * bg_b;
}

// Walks each pixel's contributors back to front (dα = T·(c − S) − T_final·bg/(1 − α), S the colour
// composited behind) and writes this tile's sum of every Gaussian's gradients to
// partial[n][tile][rank][9] (mean 2, conic 3, colour 3, opacity 1). Lanes are summed by a fixed shuffle
// tree and warps in a fixed order, and splat_gather sums the tiles in a fixed order: the gradients do
// not vary from run to run.
extern "C" __global__ void splat_backward(int k, int height, int width, float bg_r, float bg_g, float bg_b,
                                          const float* mean, const float* conic, const float* colour,
                                          const float* opacity, const int* order, const int4* boxes,
                                          const float* grad_image, const float* final_t, const int* ends,
                                          float* partial) {
    __shared__ Splat chunk[BACKWARD_CHUNK];
    __shared__ float warp_sums[TILE_PIXELS / 32][BACKWARD_CHUNK][GRADS];
    __shared__ int block_end;
    int n = blockIdx.y;
    int tiles_x = (width + TILE - 1) / TILE;
    int tiles = tiles_x * ((height + TILE - 1) / TILE);
    int tx = blockIdx.x % tiles_x, ty = blockIdx.x / tiles_x;
    int x = tx * TILE + threadIdx.x % TILE, y = ty * TILE + threadIdx.x / TILE;
    int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    bool inside = x < width && y < height;
    float px = x + 0.5f, py = y + 0.5f;
    long long plane = (long long)height * width;
    long long pixel = (long long)y * width + x;
    int end = inside ? ends[n * plane + pixel] : 0;
    float fin = inside ? final_t[n * plane + pixel] : 0.0f;
    float g0 = inside ? grad_image[(3LL * n) * plane + pixel] : 0.0f;
    float g1 = inside ? grad_image[(3LL * n + 1) * plane + pixel] : 0.0f;
    float g2 = inside ? grad_image[(3LL * n + 2) * plane + pixel] : 0.0f;
    float bg_dot = bg_r * g0 + bg_g * g1 + bg_b * g2;
    float t = fin, s0 = 0.0f, s1 = 0.0f, s2 = 0.0f;  // transmittance before, colour behind
    if (threadIdx.x == 0) block_end = 0;
    __syncthreads();
    atomicMax(&block_end, end);
    __syncthreads();
    const int* ord = order + (long long)n * k;
    float* out = partial + ((long long)n * tiles + blockIdx.x) * k * GRADS;
    for (int start = (block_end - 1) / BACKWARD_CHUNK * BACKWARD_CHUNK; start >= 0 && block_end > 0;
         start -= BACKWARD_CHUNK) {
        if (threadIdx.x < BACKWARD_CHUNK && start + threadIdx.x < k) {
            int g = ord[start + threadIdx.x];
            long long at = (long long)n * k + g;
            chunk[threadIdx.x] = load_splat(at, mean, conic, colour, opacity, boxes[at], tx, ty);
        }
        __syncthreads();
        int count = min(BACKWARD_CHUNK, k - start);
        for (int j = count - 1; j >= 0; j--) {
            const Splat& s = chunk[j];
            float d[GRADS] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
            float gauss = s.live && start + j < end ? splat_weight(s, px, py) : -1.0f;
            if (gauss >= 0.0f) {
                float alpha = fminf(MAX_ALPHA, s.opacity * gauss);
                float ti = t / (1.0f - alpha);
                float d_alpha = -fin * bg_dot / (1.0f - alpha);
                d[5] = alpha * ti * g0;
                d[6] = alpha * ti * g1;
                d[7] = alpha * ti * g2;
                d_alpha += ti * ((s.r - s0) * g0 + (s.g - s1) * g1 + (s.bl - s2) * g2);
                s0 = alpha * s.r + (1.0f - alpha) * s0;
                s1 = alpha * s.g + (1.0f - alpha) * s1;
                s2 = alpha * s.bl + (1.0f - alpha) * s2;
                t = ti;
                if (s.opacity * gauss < MAX_ALPHA) {  // clamped: α does not move with o or the shape
                    float dx = px - s.mx, dy = py - s.my;
                    float d_power = s.opacity * gauss * d_alpha;
                    d[8] = gauss * d_alpha;
                    d[0] = d_power * (s.a * dx + s.b * dy);
                    d[1] = d_power * (s.c * dy + s.b * dx);
                    d[2] = d_power * -0.5f * dx * dx;
                    d[3] = d_power * -dx * dy;
                    d[4] = d_power * -0.5f * dy * dy;
                }
            }
            bool any = __any_sync(0xffffffffu, gauss >= 0.0f);
#pragma unroll
            for (int q = 0; q < GRADS; q++) {
                float v = d[q];
                if (any) {
                    for (int o = 16; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
                }
                if (lane == 0) warp_sums[warp][j][q] = v;
            }
        }
        __syncthreads();
        for (int i = threadIdx.x; i < count * GRADS; i += blockDim.x) {
            int j = i / GRADS, q = i % GRADS;
            float v = 0.0f;
            for (int w = 0; w < TILE_PIXELS / 32; w++) v += warp_sums[w][j][q];
            out[(long long)(start + j) * GRADS + q] = v;
        }
        __syncthreads();
    }
}

// Sums the tiles' partial gradients of each (image, Gaussian) in tile order into d_mean [N, K, 2],
// d_conic [N, K, 3], d_colour [N, K, 3] and d_opacity [N, K].
extern "C" __global__ void splat_gather(int n_images, int k, int tiles, const int* order, const float* partial,
                                        float* d_mean, float* d_conic, float* d_colour, float* d_opacity) {
    for_each_index((long long)n_images * k, [&](long long i) {
        long long n = i / k;
        int p = (int)(i - n * k);
        float sum[GRADS] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
        for (int tile = 0; tile < tiles; tile++) {
            const float* from = partial + ((n * tiles + tile) * k + p) * GRADS;
#pragma unroll
            for (int q = 0; q < GRADS; q++) sum[q] += from[q];
        }
        long long at = n * k + order[i];
        d_mean[2 * at] = sum[0];
        d_mean[2 * at + 1] = sum[1];
        d_conic[3 * at] = sum[2];
        d_conic[3 * at + 1] = sum[3];
        d_conic[3 * at + 2] = sum[4];
        d_colour[3 * at] = sum[5];
        d_colour[3 * at + 1] = sum[6];
        d_colour[3 * at + 2] = sum[7];
        d_opacity[at] = sum[8];
    });
}
