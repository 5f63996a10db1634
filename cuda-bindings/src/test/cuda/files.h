// Arrays in and out of the emulator harnesses (float32 and int64, little-endian, as the Java tests read them).
#pragma once
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
