// Maps a path in the parsed pipeline to `file:line:column` through the yaml package's node
// ranges and a LineCounter. Nodes created by `--set` have no range: they point at the override.
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export class Locator {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly overridden: Map<string, string>,
  ) {}

  at(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }

  /** Location of the value at `path`, or of its nearest existing ancestor. */
  value(path: (string | number)[]): string {
    return this.locate(path, false);
  }

  /** Location of the key `path[last]` in its map (for unknown keys). */
  key(path: (string | number)[]): string {
    return this.locate(path, true);
  }

  private locate(path: (string | number)[], wantKey: boolean): string {
    for (let n = path.length; n >= 0; n--) {
      const prefix = path.slice(0, n);
      const label = this.overridden.get(prefix.join('\0'));
      if (label) return `--set ${label}`;
      const offset = this.offsetOf(prefix, wantKey && n === path.length);
      if (offset !== undefined) return this.at(offset);
    }
    return this.at(0);
  }

  private offsetOf(path: (string | number)[], wantKey: boolean): number | undefined {
    if (path.length === 0) return (this.doc.contents as Node | null)?.range?.[0];
    const parent = this.doc.getIn(path.slice(0, -1), true) as Node | undefined;
    const last = path[path.length - 1]!;
    if (isMap(parent)) {
      const pair = parent.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(last));
      const node = (wantKey ? pair?.key : (pair?.value ?? pair?.key)) as Node | undefined;
      return node?.range?.[0];
    }
    if (isSeq(parent)) return (parent.items[Number(last)] as Node | undefined)?.range?.[0];
    return undefined;
  }
}
