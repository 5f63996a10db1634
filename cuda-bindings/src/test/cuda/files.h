// Arrays in and out of the emulator harnesses (float32, int64 or raw elements, little-endian, as the Java tests read them).
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

inline std::vector<float> read_floats(const std::string& path, size_t count) {
    std::vector<float> data(count);
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f || std::fread(data.data(), sizeof(float), count, f) != count) {
        std::fprintf(stderr, "cannot read %zu floats from %s\n", count, path.c_str());
        std::exit(2);
    }
    std::fclose(f);
    return data;
}

inline std::vector<uint8_t> read_bytes(const std::string& path, size_t count) {
    std::vector<uint8_t> data(count);
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f || std::fread(data.data(), 1, count, f) != count) {
        std::fprintf(stderr, "cannot read %zu bytes from %s\n", count, path.c_str());
        std::exit(2);
    }
    std::fclose(f);
    return data;
}

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& data) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(data.data(), 1, data.size(), f) != data.size()) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        std::exit(2);
    }
    std::fclose(f);
}

// Bytes of an element of each dtype code (jmim.cuh's DType).
inline size_t element_bytes(int type) {
    static const size_t sizes[] = {8, 4, 2, 2, 8, 4, 1, 1};
    return sizes[type];
}

inline std::vector<long long> read_longs(const std::string& path, size_t count) {
    std::vector<long long> data(count);
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f || std::fread(data.data(), sizeof(long long), count, f) != count) {
        std::fprintf(stderr, "cannot read %zu longs from %s\n", count, path.c_str());
        std::exit(2);
    }
    std::fclose(f);
    return data;
}

inline void write_longs(const std::string& path, const std::vector<long long>& data) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(data.data(), sizeof(long long), data.size(), f) != data.size()) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        std::exit(2);
    }
    std::fclose(f);
}

inline void write_floats(const std::string& path, const std::vector<float>& data) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(data.data(), sizeof(float), data.size(), f) != data.size()) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        std::exit(2);
    }
    std::fclose(f);
}
