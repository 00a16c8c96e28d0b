// vcpipe's own version (package.json), recorded in voice files and model cards.
import { readFileSync } from 'node:fs';

export const VCPIPE_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
