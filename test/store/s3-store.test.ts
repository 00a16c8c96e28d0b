// The S3 store on a real S3-compatible server (s3rver on 127.0.0.1, objects in a temp folder): the
// behaviours of the shared-directory store (first publish wins, a missing blob is a miss, saved
// work resumes on another machine, a new budget replaces), the object layout under the prefix,
// and `vcpipe step` against s3://voices/... with the endpoint taken from VCPIPE_S3_ENDPOINT.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { loadPipeline } from '../../src/runner/load-pipeline.ts';
import { planPipeline } from '../../src/runner/plan.ts';
import { CacheLayout } from '../../src/runner/cache-layout.ts';
import { storeJobOf } from '../../src/runner/store-job.ts';
import { S3Store, s3ClientFromEnv } from '../../src/store/s3-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { UserError } from '../../src/errors.ts';
import { REPO, events, fixture, vcpipe, sigtermOnFirstMetric } from '../runner/cli-helpers.ts';
import { toneText2MelPipeline, writeTonePairs } from '../runner/tone-corpus.ts';
import { startS3rver } from './s3-server.ts';
import { expectFirstPublishWins, record, runStep } from './store-fixtures.ts';

startS3rver();


let prefixes = 0;
function machines() {
  const dir = mkdtempSync(join(tmpdir(), 'vcpipe-s3-store-'));
  const prefix = `run${++prefixes}-${Date.now()}`;
  const client = s3ClientFromEnv();
  const machine = (name: string) => new S3Store(client, 'voices', prefix, join(dir, name));
  const keys = async (under = '') => {
    const out = await client.send(new ListObjectsV2Command({ Bucket: 'voices', Prefix: `${prefix}/${under}` }));
    return (out.Contents ?? []).map((o) => o.Key!.slice(prefix.length + 1)).sort();
  };
  const remove = (key: string) => client.send(new DeleteObjectCommand({ Bucket: 'voices', Key: `${prefix}/${key}` }));
  return { prefix, machine, keys, remove, a: machine('a'), b: machine('b') };
}


describe('S3 store', { timeout: 60_000 }, () => {
  it('publishes first-wins: the second publisher of one output discards its copy', async () => {
    const { prefix, keys, a, b } = machines();
    expect(a.url).toBe(`s3://voices/${prefix}`);
    await expectFirstPublishWins(a, b);
    // One manifest and a's one blob; b's blob was uploaded before it found the entry (unreferenced).
    const blob = (s: string) => `blobs/sha256/${createHash('sha256').update(s).digest('hex')}`;
    expect(await keys()).toEqual([blob('from a'), blob('from b'), 'entries/k1/manifest.json'].sort());
  });

  it('two machines publishing one output at once: one entry, whole, whoever won', async () => {
    const { keys, machine, a, b } = machines();
    await runStep(a, 'k5', 'same');
    await runStep(b, 'k5', 'same');
    const results = await Promise.all([a.publish(record('k5')), b.publish(record('k5'))]);
    expect(results).toContain('published');
    expect(await keys('entries/')).toEqual(['entries/k5/manifest.json']);
    expect(readFileSync(join((await machine('c').fetch('k5'))!, 'out.txt'), 'utf8')).toBe('same');
  });

  it('treats an entry whose blob is gone as a miss, and a new publish repairs it', async () => {
    const { keys, remove, machine, a, b } = machines();
    await runStep(a, 'k2', 'x');
    await a.publish(record('k2'));
    for (const blob of await keys('blobs/')) await remove(blob);
    expect(await b.lookup('k2')).toBeUndefined();
    expect(await b.fetch('k2')).toBeUndefined();
    await runStep(b, 'k2', 'y');
    expect(await b.publish(record('k2'))).toBe('published');
    expect(readFileSync(join((await machine('c').fetch('k2'))!, 'out.txt'), 'utf8')).toBe('y');
  });

  it('resumes saved work on another machine and replaces an entry of another budget', async () => {
    const { keys, a, b } = machines();
    const work = await runStep(a, 'k3', 'checkpoint 1');
    writeFileSync(join(work, 'step.log'), 'partial');
    await a.saveWork('k3');
    expect(await keys('work/')).toEqual(['work/k3/manifest.json']);
    // Machine a dies; b picks the step up from a's last save.
    const resumed = await b.prepareWork('k3', 'resume');
    expect(readFileSync(join(resumed, 'out.txt'), 'utf8')).toBe('checkpoint 1');
    expect(readFileSync(join(resumed, 'step.log'), 'utf8')).toBe('partial');
    expect(await b.publish(record('k3', { steps: 1 }))).toBe('published');
    expect(await keys('work/')).toEqual([]);
    // A raised budget continues the published entry, then replaces it.
    const more = await a.prepareWork('k3', 'resume');
    expect(readFileSync(join(more, 'out.txt'), 'utf8')).toBe('checkpoint 1');
    writeFileSync(join(more, 'out.txt'), 'checkpoint 2');
    expect(await a.publish(record('k3', { steps: 2 }))).toBe('published');
    expect((await b.lookup('k3'))?.budget).toEqual({ steps: 2 });
    expect(readFileSync(join((await b.fetch('k3'))!, 'out.txt'), 'utf8')).toBe('checkpoint 2');
    expect(readdirSync(await b.prepareWork('k3', 'fresh'))).toEqual([]);
  });

  it('a saved work whose blob is gone is ignored: the step starts over', async () => {
    const { keys, remove, a, b } = machines();
    await runStep(a, 'k4', 'checkpoint');
    await a.saveWork('k4');
    for (const blob of await keys('blobs/')) await remove(blob);
    expect(readdirSync(await b.prepareWork('k4', 'resume'))).toEqual([]);
  });

  it('a missing bucket or an unreachable endpoint is a one-line user error naming the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-s3-bad-'));
    const noBucket = (await openStore('s3://no-such-bucket/x', dir)).lookup('k');
    await expect(noBucket).rejects.toBeInstanceOf(UserError);
    await expect(noBucket).rejects.toThrow(/^store s3:\/\/no-such-bucket\/x \(at http:\/\/127\.0\.0\.1:\d+\): GetObject x\/entries\/k\/manifest\.json: NoSuchBucket: /);
    const closed = new S3Store(s3ClientFromEnv({ ...process.env, VCPIPE_S3_ENDPOINT: 'http://127.0.0.1:1' }), 'voices', 'x', dir).fetch('k');
    await expect(closed).rejects.toThrow(/^store s3:\/\/voices\/x \(at http:\/\/127\.0\.0\.1:1\): GetObject x\/entries\/k\/manifest\.json: connect ECONNREFUSED/);
  });

  it('vcpipe step runs against s3://voices/...: publishes once, a second machine gets a cache hit', { timeout: 180_000 }, async () => {
    const dir = fixture('runner-chain');
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'in.txt'), 'words');
    const plan = await planPipeline(await loadPipeline(join(dir, 'pipeline.yaml'), []), new CacheLayout(join(dir, 'plan-cache')));
    const job = (name: string) => storeJobOf(plan, name);
    const store = `s3://voices/cli-${Date.now()}`;
    const step = (name: string, mirror: string) =>
      vcpipe(dir, ['step', name, '--key', job(name).record.key, '--store', store, '--job', JSON.stringify(job(name)), '--cache', join(dir, mirror), '--json']);

    const first = await step('source', 'a');
    expect(first.exitCode, first.all).toBe(0);
    expect(events(first.stdout).filter((e) => e.type === 'step').map((e) => e.type === 'step' && e.state)).toEqual(['running', 'succeeded']);
    const again = await step('source', 'b');
    expect(again.exitCode, again.all).toBe(0);
    expect(events(again.stdout).find((e) => e.type === 'step')).toMatchObject({ state: 'cached' });
    // Machine b runs the next step on source's output, fetched from the bucket.
    const upper = await step('upper', 'b');
    expect(upper.exitCode, upper.all).toBe(0);
    const reader = await openStore(store, join(dir, 'c'));
    expect(readFileSync(join((await reader.fetch(job('upper').record.key))!, 'out.txt'), 'utf8')).toBe('words|hello');
  });

  it('vcpipe step: a training step stopped by SIGTERM saves its checkpoints to the bucket; another machine resumes there', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-s3-train-'));
    writeTonePairs(join(dir, 'recordings'), ['a', 'b', 'c', 'd', 'e', 'f']);
    writeFileSync(join(dir, 'p.yaml'), toneText2MelPipeline('steps', { steps: 200, checkpoint_every: 5, log_every: 5 }));
    const plan = await planPipeline(await loadPipeline(join(dir, 'p.yaml'), []), new CacheLayout(join(dir, 'plan-cache')));
    const train = storeJobOf(plan, 'text2mel');
    const prefix = `train-${Date.now()}`;
    const store = `s3://voices/${prefix}`;
    const args = (name: string, mirror: string) => {
      const job = storeJobOf(plan, name);
      return ['step', name, '--key', job.record.key, '--store', store, '--job', JSON.stringify(job), '--cache', join(dir, mirror), '--json'];
    };
    for (const name of ['corpus', 'features']) {
      const r = await vcpipe(dir, args(name, 'a'));
      expect(r.exitCode, r.all).toBe(0);
    }
    const client = s3ClientFromEnv();
    /** The newest checkpoint in the saved work the bucket holds for text2mel (0: none). */
    const saved = async () => {
      const got = await client.send(new GetObjectCommand({ Bucket: 'voices', Key: `${prefix}/work/${train.record.key}/manifest.json` })).catch(() => undefined);
      if (!got) return 0;
      const files = Object.keys(JSON.parse(await got.Body!.transformToString()).files);
      return Math.max(0, ...files.map((f) => Number(/^checkpoints\/step-(\d+)\//.exec(f)?.[1] ?? 0)));
    };

    const a = execa('node', [join(REPO, 'bin/vcpipe.js'), ...args('text2mel', 'a')], { cwd: dir, reject: false });
    sigtermOnFirstMetric(a);
    const ra = await a;
    expect(ra.exitCode, `${ra.signal} ${ra.stderr}`).toBe(130);
    const afterA = await saved();
    expect(afterA).toBeGreaterThan(0);
    expect(afterA).toBeLessThan(200);

    const rb = await vcpipe(dir, args('text2mel', 'b'));
    expect(rb.exitCode, rb.all).toBe(0);
    const logs = events(rb.stdout).flatMap((e) => (e.type === 'log' ? [e.message] : []));
    const resumed = logs.map((l) => /^resumed from checkpoints\/step-\d+ \(step (\d+)\)$/.exec(l)).find(Boolean);
    expect(Number(resumed?.[1]), logs.join('\n')).toBe(afterA);
    const entry = (await (await openStore(store, join(dir, 'c'))).fetch(train.record.key))!;
    expect(JSON.parse(readFileSync(join(entry, 'model.json'), 'utf8')).step).toBe(200);
    expect(await saved()).toBe(0);
  });
});
