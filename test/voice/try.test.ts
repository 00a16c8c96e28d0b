import { it } from 'vitest';
import { makeTinyVoice } from '/work/wt/serve/test/voice/tiny-voice.ts';
it('x', async () => { const v = await makeTinyVoice(); console.log(v); }, 120000);
