// Where things live in the cache folder:
//   entries/<key>/            published step outputs; done only when manifest.json exists
//   work/<key>/               a step's working dir while it runs, kept if interrupted (resume)
//   work/<key>/.failed        written when the step failed there (its error), removed when it restarts
//   work/<key>.pid            pid of the step's process while it runs (leftover-steps.ts)
//   trash/                    entries being replaced; removed after a republish
//   runs/<pipeline>.json      the last run's persisted snapshot
//   history/<pipeline>/<step>.json   what the step was last built from (plan reasons, durations)
//   fingerprints/<hash>.json  stat fast path of input files (size, mtime, inode -> sha256)
//   lock                      pid of the runner using this cache
//   logs/<key>.log            log tails of a step that failed on other machines (bullmq executor)
import { join } from 'node:path';

export class CacheLayout {
  constructor(readonly root: string) {}
  entry = (key: string) => join(this.root, 'entries', key);
  manifest = (key: string) => join(this.root, 'entries', key, 'manifest.json');
  work = (key: string) => join(this.root, 'work', key);
  failedMarker = (key: string) => join(this.root, 'work', key, '.failed');
  stepPid = (key: string) => join(this.root, 'work', `${key}.pid`);
  get entriesDir() { return join(this.root, 'entries'); }
  get workDir() { return join(this.root, 'work'); }
  get trashDir() { return join(this.root, 'trash'); }
  get runsDir() { return join(this.root, 'runs'); }
  get historyDir() { return join(this.root, 'history'); }
  run = (pipeline: string) => join(this.root, 'runs', `${pipeline}.json`);
  history = (pipeline: string, step: string) => join(this.root, 'history', pipeline, `${step}.json`);
  fingerprints = (id: string) => join(this.root, 'fingerprints', `${id}.json`);
  get lock() { return join(this.root, 'lock'); }
  log = (key: string) => join(this.root, 'logs', `${key}.log`);
}
