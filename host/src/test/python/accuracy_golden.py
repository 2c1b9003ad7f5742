#!/usr/bin/python3
"""Writes accuracy_golden.txt: PyTorch 1.13's float32 conv2d outputs on long sums over K (C = 512 to 2048 channels).

Run from the repository root:  /usr/bin/python3 host/src/test/python/accuracy_golden.py
AccuracyDeviceTest regenerates the same inputs (SplitMix64, see values()) and compares ConvCL's error against a
double-precision reference with PyTorch's float32 error on the same inputs. Each case is two lines:
  NAME C KH KW PAD DISTRIBUTION            (the input 1 x C x 7 x 7, eight filters C x KH x KW)
  VALUES...                                 (PyTorch's output 1 x 8 x OH x OW, row-major)
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "org", "convcl", "opencl", "accuracy_golden.txt")
SIZE, FILTERS = 7, 8
MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def values(seed, count, positive):
    """count floats of SplitMix64(seed): in [0, 1) when positive, else [-1, 1), each exact in float32."""
    with np.errstate(over="ignore"):
        x = (np.arange(1, count + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(seed)) & MASK
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    top = (x >> np.uint64(40)).astype(np.float64)  # 24 bits
    v = top / 2.0 ** 24 if positive else top / 2.0 ** 23 - 1.0
    return v.astype(np.float32)


def main():
    torch.set_num_threads(1)
    lines = []
    for channels in (512, 1024, 2048):
        for k, pad in ((3, 1), (1, 0)):
            for distribution in ("signed", "positive"):
                positive = distribution == "positive"
                x = values(channels * 10 + k, channels * SIZE * SIZE, positive).reshape(1, channels, SIZE, SIZE)
                w = values(channels * 10 + k + 5, FILTERS * channels * k * k, positive)
                w = w.reshape(FILTERS, channels, k, k)
                y = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=pad).numpy()
                name = f"c{channels}_{k}x{k}_{distribution}"
                lines.append(f"{name} {channels} {k} {k} {pad} {distribution}")
                lines.append(" ".join(repr(float(v)) for v in y.ravel()))
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
