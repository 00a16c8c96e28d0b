// `download`: fetches one file over HTTP(S) into the step's output, resumably, verifies its
// sha256 before anything uses it, and (by default) extracts it there.
import { pathInFolder, type StepKind } from './contract.ts';
import type { DownloadParams } from '../data/download-file.ts';

export const download: StepKind<DownloadParams> = {
  kind: 'download',
  version: 1,
  description: 'Download a file (resumable, sha256-checked) and extract .tar.gz/.tar.bz2/.zip archives',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['url', 'sha256'],
    properties: {
      url: { type: 'string', pattern: '^https?://', description: 'http(s) address of the file' },
      sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'expected sha256 of the file (hex)' },
      extract: { type: 'boolean', default: true, description: 'extract the archive into the output (and drop the archive)' },
      filename: pathInFolder('name to save it under, inside the output dir (default: the last part of the URL path)'),
    },
  },
  run: async (ctx) => (await import('../data/download-file.ts')).downloadFile(ctx),
};
