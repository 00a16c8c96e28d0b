// `vcpipe step` on its own, as real CLI processes against a shared-directory store: each "machine"
// has its own local cache folder (mirror). A step publishes once; run again anywhere it is a cache
// hit that starts nothing; a step whose input is missing is refused; a training step stopped by
// SIGTERM (how Kubernetes stops a pod) or killed resumes on another machine from its saved checkpoints.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadPipeline } from '../../src/runner/load-pipeline.ts';
import { planPipeline } from '../../src/runner/plan.ts';
import { CacheLayout } from '../../src/runner/cache-layout.ts';
import { storeJobOf, type StoreJob } from '../../src/runner/store-job.ts';
import { SharedDirStore } from '../../src/store/shared-dir-store.ts';
import { hashFileSync } from '../../src/util/hash.ts';
import { REPO, events, fixture, vcpipe, waitFor, sigtermOnFirstMetric } from './cli-helpers.ts';
import { toneText2MelPipeline, writeTonePairs } from './tone-corpus.ts';

async function jobsOf(dir: string, file: string): Promise<Record<string, StoreJob>> {
  const plan = await planPipeline(await loadPipeline(join(dir, file), []), new CacheLayout(join(dir, 'plan-cache')));
  return Object.fromEntries(plan.steps.map((s) => [s.name, storeJobOf(plan, s.name)]));
}

const stepArgs = (job: StoreJob, store: string, mirror: string) =>
  ['step', job.name, '--key', job.record.key, '--store', store, '--job', JSON.stringify(job), '--cache', mirror, '--json'];

describe('vcpipe step', { timeout: 180_000 }, () => {
  it('publishes to the store once; a second run on another machine is a cache hit', async () => {
    const dir = fixture('runner-chain');
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'in.txt'), 'words');
    const store = `file://${join(dir, 'store')}`;
    const jobs = await jobsOf(dir, 'pipeline.yaml');

    const refused = await vcpipe(dir, stepArgs(jobs.upper!, store, join(dir, 'a')));
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/needs the output of 'source' \(\w+\), which is not in file:\/\/.*: run that step first/);

    const first = await vcpipe(dir, stepArgs(jobs.source!, store, join(dir, 'a')));
    expect(first.exitCode, first.all).toBe(0);
    expect(events(first.stdout).filter((e) => e.type === 'step').map((e) => e.type === 'step' && e.state)).toEqual(['running', 'succeeded']);
    const again = await vcpipe(dir, stepArgs(jobs.source!, store, join(dir, 'b')));
    expect(again.exitCode, again.all).toBe(0);
    expect(events(again.stdout).find((e) => e.type === 'step')).toMatchObject({ state: 'cached' });
    expect(readFileSync(join(dir, 'started.txt'), 'utf8')).toBe('source\n');

    // Machine b runs the next step on source's output, fetched from the store.
    const upper = await vcpipe(dir, stepArgs(jobs.upper!, store, join(dir, 'b')));
    expect(upper.exitCode, upper.all).toBe(0);
    const shared = new SharedDirStore(join(dir, 'store'), join(dir, 'c'));
    expect(readFileSync(join((await shared.fetch(jobs.upper!.record.key))!, 'out.txt'), 'utf8')).toBe('words|hello');

    const wrongKey = await vcpipe(dir, ['step', 'source', '--key', 'abc', '--store', store, '--job', JSON.stringify(jobs.source)]);
    expect(wrongKey.exitCode).toBe(2);
    expect(wrongKey.stderr).toContain(`--key abc is not the job's key (${jobs.source!.record.key})`);
  });

  it('two machines running one step at once: the first publish wins, the second discards its copy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-step-race-'));
    // Each run of the step waits until both have started, so both really compute and publish.
    writeFileSync(join(dir, 'barrier.mjs'), `import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
const started = process.argv[2] + '/started.txt';
appendFileSync(started, process.pid + '\\n');
const until = Date.now() + 30000;
while (readFileSync(started, 'utf8').trim().split('\\n').length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
writeFileSync('out.txt', String(process.pid));
`);
    writeFileSync(join(dir, 'p.yaml'), 'name: race\nsteps:\n  both:\n    kind: shell\n    with: { run: [node, "${projectDir}/barrier.mjs", "${projectDir}"], outputs: [out.txt] }\n');
    const root = join(dir, 'store');
    const job = (await jobsOf(dir, 'p.yaml')).both!;
    const runs = await Promise.all(['a', 'b'].map((m) => vcpipe(dir, stepArgs(job, `file://${root}`, join(dir, m)))));
    for (const r of runs) expect(r.exitCode, r.all).toBe(0);
    const pids = readFileSync(join(dir, 'started.txt'), 'utf8').trim().split('\n');
    expect(pids).toHaveLength(2);
    const lost = runs.map((r) => r.stdout.includes('this copy was discarded'));
    expect(lost.filter(Boolean)).toHaveLength(1);
    expect(readdirSync(join(root, 'entries'))).toEqual([job.record.key]);
    // The loser's mirror has no work dir left and, fetched, holds the winner's output.
    const loser = new SharedDirStore(root, join(dir, lost[0] ? 'a' : 'b'));
    expect(existsSync(loser.workDir(job.record.key))).toBe(false);
    const winner = new SharedDirStore(root, join(dir, lost[0] ? 'b' : 'a'));
    const published = readFileSync(join((await loser.fetch(job.record.key))!, 'out.txt'), 'utf8');
    expect(pids).toContain(published);
    expect(readFileSync(join((await winner.fetch(job.record.key))!, 'out.txt'), 'utf8')).toBe(published);
  });

  it('saves checkpoints to the store: after SIGTERM or kill -9, a retry on another machine resumes exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-step-train-'));
    writeTonePairs(join(dir, 'recordings'), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    writeFileSync(join(dir, 'p.yaml'), toneText2MelPipeline('steps', { steps: 400, checkpoint_every: 5, log_every: 5 }));
    const root = join(dir, 'store');
    const store = `file://${root}`;
    const jobs = await jobsOf(dir, 'p.yaml');
    const train = jobs.text2mel!;
    for (const name of ['corpus', 'features']) expect((await vcpipe(dir, stepArgs(jobs[name]!, store, join(dir, 'a')))).exitCode).toBe(0);
    /** The newest checkpoint in the work the store holds for text2mel (0: none). */
    const saved = () => {
      const path = join(root, 'work', train.record.key, 'manifest.json');
      if (!existsSync(path)) return 0;
      const steps = Object.keys(JSON.parse(readFileSync(path, 'utf8')).files).map((f) => Number(/^checkpoints\/step-(\d+)\//.exec(f)?.[1] ?? 0));
      return Math.max(0, ...steps);
    };
    const start = (mirror: string, extra: string[] = []) => execa('node', [join(REPO, 'bin/vcpipe.js'), ...stepArgs(train, store, join(dir, mirror)), ...extra], { cwd: dir, reject: false });
    const resumedFrom = (stdout: string) => {
      const logs = events(stdout).flatMap((e) => (e.type === 'log' ? [e.message] : []));
      const m = logs.map((l) => /^resumed from checkpoints\/step-\d+ \(step (\d+)\)$/.exec(l)).find(Boolean);
      expect(m, logs.join('\n')).toBeTruthy();
      return Number(m![1]);
    };

    // Machine a: stopped like a pod (SIGTERM) once training is under way; it checkpoints and saves.
    const a = start('a');
    sigtermOnFirstMetric(a);
    const ra = await a;
    expect(ra.exitCode, `${ra.signal} ${ra.stderr}`).toBe(130);
    const afterA = saved();
    expect(afterA).toBeGreaterThan(0);
    expect(afterA).toBeLessThan(400);

    // Machine b resumes there, saving every second; it dies without warning once it saved newer work.
    const b = start('b', ['--save-every', '1']);
    await waitFor(() => saved() > afterA);
    b.kill('SIGKILL');
    const rb = await b;
    expect(resumedFrom(rb.stdout)).toBe(afterA);
    const afterB = saved();
    expect(afterB).toBeLessThan(400);

    // Machine c resumes from b's last save and finishes: one entry, trained to 400.
    const rc = await vcpipe(dir, stepArgs(train, store, join(dir, 'c')));
    expect(rc.exitCode, rc.all).toBe(0);
    expect(resumedFrom(rc.stdout)).toBe(afterB);
    const entry = (await new SharedDirStore(root, join(dir, 'd')).fetch(train.record.key))!;
    expect(JSON.parse(readFileSync(join(entry, 'model.json'), 'utf8')).step).toBe(400);
    expect(existsSync(join(root, 'work', train.record.key))).toBe(false);

    // Exact resume, as locally: the weights and optimizer state one run straight through ends with.
    const straight = `file://${join(dir, 'straight')}`;
    for (const job of [jobs.corpus!, jobs.features!, train]) expect((await vcpipe(dir, stepArgs(job, straight, join(dir, 's')))).exitCode).toBe(0);
    const straightEntry = (await new SharedDirStore(join(dir, 'straight'), join(dir, 's')).fetch(train.record.key))!;
    const final = (d: string) => {
      const latest = join(d, JSON.parse(readFileSync(join(d, 'model.json'), 'utf8')).latest);
      return ['weights.bin', 'adam.bin'].map((f) => hashFileSync(join(latest, f)));
    };
    expect(final(entry)).toEqual(final(straightEntry));
  });
});
