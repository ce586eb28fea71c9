#!/usr/bin/env python3
"""Fashion-MNIST as ANN vectors: the 60,000 training images as base vectors and the first 1,000 test images as
queries, 784 float32 pixel values (0-255) each, compared by L2, as ann-benchmarks' fashion-mnist-784-euclidean.

    python3 Benchmarks/fashion_mnist.py OUT_DIR [--source /usr/share/datasets/fashion-mnist] [--queries 1000]

Writes OUT_DIR/base.fvecs and OUT_DIR/queries.fvecs. The images come from Debian's dataset-fashion-mnist.
"""
import argparse
import gzip
import os

import numpy as np


def read_images(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count, rows, cols = np.frombuffer(data[:16], dtype=">i4")
    if magic != 2051:
        raise SystemExit(f"{path}: not an IDX image file (magic {magic})")
    return np.frombuffer(data[16:], dtype=np.uint8).reshape(count, rows * cols).astype(np.float32)


def write_fvecs(path, vectors):
    n, dim = vectors.shape
    out = np.empty((n, dim + 1), dtype=np.float32)
    out[:, 0] = np.array([dim], dtype=np.int32).view(np.float32)[0]
    out[:, 1:] = vectors
    out.tofile(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    train = read_images(os.path.join(args.source, "train-images-idx3-ubyte.gz"))
    test = read_images(os.path.join(args.source, "t10k-images-idx3-ubyte.gz"))[: args.queries]
    write_fvecs(os.path.join(args.out, "base.fvecs"), train)
    write_fvecs(os.path.join(args.out, "queries.fvecs"), test)
    print(f"{len(train)} base and {len(test)} query vectors of {train.shape[1]} dimensions in {args.out}")


if __name__ == "__main__":
    main()
