// The page `vcpipe serve` shows at /: one self-contained HTML document (inline style and script,
// nothing fetched from elsewhere). It lists the voices with their model cards, sends the text to
// /api/tts, and plays the WAV; the streamed WAV's sizes (0xFFFFFFFF, wav-stream.ts) are replaced
// by the true ones before it becomes the player's source and the download.
export const WEB_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vcpipe voices</title>
<style>
  body { font: 16px/1.4 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  textarea { width: 100%; box-sizing: border-box; font: inherit; padding: .5rem; }
  .row { display: flex; gap: .75rem; align-items: center; margin: .75rem 0; flex-wrap: wrap; }
  button { font: inherit; padding: .4rem 1.2rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; background: #f4f4f4; padding: .75rem; border-radius: 4px; }
  dt { color: #555; } dd { margin: 0; }
  #status { color: #555; min-height: 1.4em; } #status.error { color: #b00020; }
</style>
</head>
<body>
<h1>vcpipe voices</h1>
<label for="voice">Voice</label>
<div class="row"><select id="voice"></select></div>
<dl id="card"></dl>
<label for="text">Text</label>
<textarea id="text" rows="4" maxlength="2000">The quick brown fox jumps over the lazy dog.</textarea>
<div class="row">
  <button id="speak">Speak</button>
  <audio id="audio" controls></audio>
  <a id="download" download="speech.wav" hidden>Download WAV</a>
</div>
<div id="status" role="status"></div>
<script>
const $ = (id) => document.getElementById(id);
let voices = [];
function status(text, error) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}
function showCard() {
  const v = voices.find((x) => x.name === $('voice').value);
  const c = v ? v.card : {};
  const rows = [
    ['speaker', c.speaker],
    ['corpus', c.corpus ? c.corpus.utterances + ' utterances, ' + c.corpus.hours + ' h' : 'unknown'],
    ['training steps', c.steps ? 'Text2Mel ' + c.steps.text2mel + (c.steps.ssrn == null ? '' : ', SSRN ' + c.steps.ssrn) : ''],
    ['vocoder', v ? v.vocoder : ''],
    ['held-out WER', c.heldoutWer == null ? 'not evaluated' : c.heldoutWer.toFixed(3)],
    ['from', c.source ? c.source.pipeline + ' (' + c.source.step + ')' : ''],
    ['vcpipe', c.vcpipe],
    ['sample rate', v ? v.sampleRate + ' Hz' : ''],
  ];
  $('card').replaceChildren(...rows.flatMap(([k, val]) => {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = val == null ? '' : String(val);
    return [dt, dd];
  }));
}
/** The streamed WAV's 0xFFFFFFFF sizes replaced by the true ones. */
function withKnownSizes(buf) {
  const view = new DataView(buf);
  view.setUint32(4, buf.byteLength - 8, true);
  view.setUint32(40, buf.byteLength - 44, true);
  return buf;
}
async function speak() {
  const text = $('text').value;
  $('speak').disabled = true;
  status('speaking…');
  const started = performance.now();
  try {
    const res = await fetch('/api/tts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text, voice: $('voice').value, format: 'wav' }),
    });
    if (!res.ok) {
      const body = await res.json().catch(() => ({ error: res.statusText }));
      throw new Error(body.error || res.statusText);
    }
    const wav = withKnownSizes(await res.arrayBuffer());
    const url = URL.createObjectURL(new Blob([wav], { type: 'audio/wav' }));
    if ($('audio').src) URL.revokeObjectURL($('audio').src);
    $('audio').src = url;
    $('download').href = url;
    $('download').hidden = false;
    status('spoken in ' + ((performance.now() - started) / 1000).toFixed(2) + ' s');
    $('audio').play().catch(() => {});
  } catch (err) {
    status(err.message, true);
  } finally {
    $('speak').disabled = false;
  }
}
async function init() {
  try {
    const res = await fetch('/api/voices');
    const body = await res.json();
    voices = body.voices;
    $('voice').replaceChildren(...voices.map((v) => new Option(v.name + ' — ' + v.card.speaker, v.name, v.name === body.default, v.name === body.default)));
    showCard();
    document.body.dataset.ready = 'true';
  } catch (err) {
    status('cannot list the voices: ' + err.message, true);
  }
}
$('voice').addEventListener('change', showCard);
$('speak').addEventListener('click', speak);
init();
</script>
</body>
</html>
`;
