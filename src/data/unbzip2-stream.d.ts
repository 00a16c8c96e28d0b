// unbzip2-stream ships no types: its default export makes a bzip2-decompressing transform stream.
declare module 'unbzip2-stream' {
  import type { Duplex } from 'node:stream';
  export default function unbzip2Stream(): Duplex;
}
