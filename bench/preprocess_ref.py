#!/usr/bin/python3
"""numpy/scipy counterpart of the preprocess step for bench/preprocess-bench.ts.

Usage: /usr/bin/python3 bench/preprocess_ref.py <corpus dir with corpus.json> <output dir> <tiny|default>
Computes the docs/design.md §2.2 features of every utterance on all cores (multiprocessing),
writes <id>.mel.npy / <id>.mag.npy into the output dir and prints one JSON line:
{"files": n, "audio_seconds": s, "wall_seconds": w}. The feature code is test/reference/features_ref.py.
"""
import json
import multiprocessing
import os
import sys
import time

import numpy as np
import scipy.io.wavfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "reference"))
from features_ref import DEFAULT, TINY, features  # noqa: E402


def work(args):
    utt, out_dir, config = args
    rate, data = scipy.io.wavfile.read(utt["audio"])
    samples = data.astype(np.float32) / 32768.0
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    mel, mag = features(samples, TINY if config == "tiny" else DEFAULT)
    np.save(os.path.join(out_dir, utt["id"] + ".mel.npy"), mel)
    np.save(os.path.join(out_dir, utt["id"] + ".mag.npy"), mag)
    return len(samples) / rate


def main():
    corpus_dir, out_dir, config = sys.argv[1:4]
    with open(os.path.join(corpus_dir, "corpus.json")) as f:
        utts = json.load(f)["utterances"]
    os.makedirs(out_dir, exist_ok=True)
    start = time.perf_counter()
    with multiprocessing.Pool(os.cpu_count()) as pool:
        seconds = pool.map(work, [(u, out_dir, config) for u in utts])
    wall = time.perf_counter() - start
    print(json.dumps({"files": len(utts), "audio_seconds": sum(seconds), "wall_seconds": wall}))


if __name__ == "__main__":
    main()
