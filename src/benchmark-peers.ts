// The programs the benchmarks measure vcpipe against. The demo needs none of them: `vcpipe
// doctor` lists them in a section of their own, and a bench that lacks one names it with the
// command that installs it instead of leaving its column empty without a word.
import { execa } from 'execa';

export interface Peer {
  name: string;
  /** The figures that need it ("no figures for …"). */
  usedBy: string;
  /** A command that succeeds only when the peer is usable. */
  probe: [string, string[]];
  install: string;
}

export const BENCHMARK_PEERS: readonly Peer[] = [
  { name: 'python3-torch', usedBy: 'the PyTorch columns of bench train and torch-backend', probe: ['/usr/bin/python3', ['-c', 'import torch']], install: 'sudo apt-get install python3-torch' },
  { name: 'python3-scipy', usedBy: 'the numpy/scipy reference of bench preprocess', probe: ['/usr/bin/python3', ['-c', 'import numpy, scipy']], install: 'sudo apt-get install python3-numpy python3-scipy' },
  { name: 'snakemake', usedBy: 'the snakemake row of bench plan', probe: ['snakemake', ['--version']], install: 'sudo apt-get install snakemake' },
];

export const peerNamed = (name: string): Peer => BENCHMARK_PEERS.find((p) => p.name === name)!;

export async function hasPeer(peer: Peer): Promise<boolean> {
  const r = await execa(peer.probe[0], peer.probe[1], { reject: false, timeout: 30_000 });
  return r.exitCode === 0;
}

/** One line naming the missing peer, what stays empty without it and how to install it; undefined when it is here. */
export async function missingPeer(name: string): Promise<string | undefined> {
  const peer = peerNamed(name);
  if (await hasPeer(peer)) return undefined;
  return `${peer.name} is missing: no figures for ${peer.usedBy} — install it with: ${peer.install}`;
}
