#!/usr/bin/python3
"""Reference features for test/audio/features.test.ts, computed independently with numpy/scipy.

Run once with Debian's python (numpy + scipy): /usr/bin/python3 test/reference/features_ref.py
It writes, next to itself:
  chirp.wav          16 kHz 16-bit: 0.8 s linear chirp 100 Hz -> 7 kHz plus white noise (seed 1234),
                     with 0.15 s of near silence on both sides (exercises the trimming)
  speech.wav         16 kHz 16-bit: flite -voice rms "Print the report twice." (if flite exists)
  <name>_tiny_mel.npy / <name>_tiny_mag.npy   tiny config features [T', 40] / [4T', 257]
  chirp22k.wav       the same chirp generated at 22,050 Hz
  chirp22k_default_mel.npy                      default config mel features of chirp22k.wav
  chirp22k_default_mag_rows.npy                 every 16th row of its [4T', 1025] magnitude
Conventions follow docs/design.md §2.2 (librosa-style trim, centred reflect-padded STFT,
periodic Hann window centred in n_fft, Slaney mel, dB, normalise, pad to r, keep every r-th mel row).
"""
import os
import shutil
import subprocess

import numpy as np
import scipy.io.wavfile
import scipy.signal

HERE = os.path.dirname(os.path.abspath(__file__))

TINY = dict(sr=16000, n_fft=512, hop=200, win=400, n_mels=40, fmin=0.0, fmax=8000.0)
DEFAULT = dict(sr=22050, n_fft=2048, hop=275, win=1102, n_mels=80, fmin=0.0, fmax=11025.0)
PRE, REF_DB, MAX_DB, R, TOP_DB = 0.97, 20.0, 100.0, 4, 60.0


def mel_scale(f):
    f = np.asarray(f, dtype=np.float64)
    return np.where(f < 1000.0, f / (200.0 / 3), 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0))


def hz_scale(m):
    m = np.asarray(m, dtype=np.float64)
    return np.where(m < 15.0, m * (200.0 / 3), 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)))


def mel_basis(sr, n_fft, n_mels, fmin, fmax):
    fft_freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    edges = hz_scale(np.linspace(mel_scale(fmin), mel_scale(fmax), n_mels + 2))
    rising = (fft_freqs[None, :] - edges[:-2, None]) / np.diff(edges)[:-1, None]
    falling = (edges[2:, None] - fft_freqs[None, :]) / np.diff(edges)[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return (weights * (2.0 / (edges[2:] - edges[:-2]))[:, None]).astype(np.float32)


def trim(y, top_db=TOP_DB, frame=2048, hop=512):
    padded = np.pad(y.astype(np.float64), frame // 2, mode="constant")
    frames = np.lib.stride_tricks.sliding_window_view(padded, frame)[::hop]
    mse = np.mean(frames ** 2, axis=1)
    db = 10 * np.log10(np.maximum(1e-10, mse)) - 10 * np.log10(max(1e-10, mse.max()))
    idx = np.flatnonzero(db > -top_db)
    if idx.size == 0:
        return y
    return y[idx[0] * hop: min(len(y), (idx[-1] + 1) * hop)]


def features(y, c):
    y = trim(y).astype(np.float64)
    y = np.append(y[0], y[1:] - PRE * y[:-1])
    window = np.zeros(c["n_fft"])
    left = (c["n_fft"] - c["win"]) // 2
    window[left:left + c["win"]] = scipy.signal.get_window("hann", c["win"], fftbins=True)
    padded = np.pad(y, c["n_fft"] // 2, mode="reflect")
    n_frames = 1 + len(y) // c["hop"]
    frames = np.stack([padded[m * c["hop"]: m * c["hop"] + c["n_fft"]] for m in range(n_frames)])
    mag = np.abs(np.fft.rfft(frames * window, axis=1))
    mel = mag @ mel_basis(c["sr"], c["n_fft"], c["n_mels"], c["fmin"], c["fmax"]).astype(np.float64).T

    def norm(v):
        db = 20 * np.log10(np.maximum(1e-5, v))
        return np.clip((db - REF_DB + MAX_DB) / MAX_DB, 1e-8, 1)

    mel, mag = norm(mel), norm(mag)
    pad = (R - n_frames % R) % R
    mel = np.pad(mel, [[0, pad], [0, 0]])
    mag = np.pad(mag, [[0, pad], [0, 0]])
    return mel[::R].astype(np.float32), mag.astype(np.float32)


def chirp_signal(sr):
    rng = np.random.default_rng(1234)
    t = np.arange(int(0.8 * sr)) / sr
    tone = 0.5 * scipy.signal.chirp(t, f0=100, t1=t[-1], f1=7000, method="linear")
    body = tone + 0.02 * rng.standard_normal(len(t))
    quiet = 1e-5 * rng.standard_normal(int(0.15 * sr))
    return np.concatenate([quiet, body, quiet])


def write_and_read(name, y, sr):
    path = os.path.join(HERE, name)
    scipy.io.wavfile.write(path, sr, np.round(np.clip(y, -1, 1) * 32767).astype(np.int16))
    return read(path)


def read(path):
    _, data = scipy.io.wavfile.read(path)
    return data.astype(np.float32) / 32768.0


def save(name, arr):
    np.save(os.path.join(HERE, name), arr)


def main():
    chirp = write_and_read("chirp.wav", chirp_signal(16000), 16000)
    mel, mag = features(chirp, TINY)
    save("chirp_tiny_mel.npy", mel)
    save("chirp_tiny_mag.npy", mag)

    chirp22 = write_and_read("chirp22k.wav", chirp_signal(22050), 22050)
    mel, mag = features(chirp22, DEFAULT)
    save("chirp22k_default_mel.npy", mel)
    save("chirp22k_default_mag_rows.npy", mag[::16])

    if shutil.which("flite"):
        path = os.path.join(HERE, "speech.wav")
        subprocess.run(["flite", "-voice", "rms", "-t", "Print the report twice.", "-o", path], check=True)
        mel, mag = features(read(path), TINY)
        save("speech_tiny_mel.npy", mel)
        save("speech_tiny_mag.npy", mag)


if __name__ == "__main__":
    main()
