// `--help` text of each command.
export const HELP: Record<string, string> = {
  main: `vcpipe — run DCTTS text-to-speech pipelines from YAML

Usage: vcpipe <command> [options]

Commands:
  run <pipeline.yaml>           run the steps in dependency order, skipping cached ones
  watch <pipeline.yaml>         run, then rerun what changes to its data or the pipeline file touch
  plan <pipeline.yaml>          show what would run and why, with estimated durations
  status [<pipeline.yaml>]      the last run's state (also after a crash)
  check-data <pipeline.yaml>    check the corpus of its corpus steps (lengths, characters, silence, clipping)
  report <pipeline.yaml>        write the last run's HTML report (steps, times, metrics, plots, audio)
  doctor                        check this machine: Node, tensor backends, flite, espeak-ng, disk
  say "text" [--voice F]        speak text with a voice file or a pipeline's newest trained voice (see vcpipe say --help)
  export-voice <pipeline.yaml>  write the pipeline's trained voice to one portable NAME.voice file
  serve --voice NAME.voice      serve voices over HTTP: a web page, /api/tts (WAV), /api/voices
  clean <pipeline.yaml>         remove cache entries the current plan no longer uses
  validate [files...]           check pipelines (default: pipelines/*.yaml)
  graph <pipeline.yaml>         print the step graph
  export argo <pipeline.yaml>   write an Argo Workflow that runs the pipeline's steps on Kubernetes
  step <name> --key K --store S --job J   run one exported step against a store (a workflow task)
  worker --redis URL --store URL  run the steps of \`run --executor bullmq\` on this machine

Common options: --cache DIR (default ./cache), --set step.param=value, --help
Exit codes: 0 ok, 1 a step failed (check-data: findings), 2 bad input, 130 interrupted`,
  run: `Usage: vcpipe run <pipeline.yaml> [options]

Runs the pipeline's steps in dependency order; cached steps are skipped, interrupted ones resume.
  --only STEP        run only STEP (its upstream must be cached)
  --from STEP        run STEP and everything downstream of it
  --force STEP       run STEP even if cached (repeatable)
  --dry-run          print the plan and run nothing
  --jobs N           steps running at once (default: number of CPU cores)
  --plain            plain log lines (default when not a TTY)
  --json             one JSON event per line
  --cache DIR        cache folder (default ./cache)
  --set step.param=value   override a step param or params.name (YAML scalar; part of the cache key)
  --warm-start       a step with a budget (training) whose inputs or upstream changed starts from
                     its last build's output (same kind, version and params): ctx.warmStart
  --store URL        a store other machines reach (file:///path, a path, s3://bucket/prefix): steps in it are cached
  --executor bullmq  run the steps on \`vcpipe worker\`s through Redis (also executor: in the file)
  --redis URL        redis://host:port of the queues (bullmq)
  --attempts N       tries of a step that crashes on a worker (default 3; user errors: 1)
  --shards N         jobs that preprocess and speech-corpus are split into (default: one per worker)
Ctrl-C once: steps stop cleanly (training checkpoints); twice: they are killed. Exit 130.`,
  plan: `Usage: vcpipe plan <pipeline.yaml> [--only STEP] [--from STEP] [--force STEP] [--warm-start] [--store URL] [--set ...] [--cache DIR] [--json]

For each step: cached or runs, why (param, input file, step version or upstream changed), and
its estimated duration from earlier runs. Runs nothing.`,
  watch: `Usage: vcpipe watch <pipeline.yaml> [--restart] [--jobs N] [--plain|--json] [--set ...] [--cache DIR]

Runs the pipeline (with --warm-start), then watches the pipeline file and the inputs of the steps
that need no other step (corpus folders, metadata.csv, sentence lists). A change (files settled,
then 1 s quiet) re-plans and runs what it touched: new recordings are preprocessed alone and
training continues from its last build. A change during a run queues one follow-up run;
--restart stops the current run cleanly and starts again instead. An invalid pipeline is
reported as file:line:column and the watch waits for the next edit; a bad new recording is
skipped by the corpus step with a warning. Ctrl-C once: the current run stops cleanly and the
watch ends (exit 0); twice: running steps are killed. Watch messages go to stderr; with --json
they are also "watch" events on stdout.`,
  status: `Usage: vcpipe status [<pipeline.yaml>] [--cache DIR]

The state of the last run (of this pipeline, or the latest in the cache) from its persisted
snapshot, including the steps that were in flight if the runner crashed.`,
  clean: `Usage: vcpipe clean <pipeline.yaml> [--set ...] [--cache DIR]

Removes every cache entry and work dir the pipeline's current plan does not use (including
those of other pipelines sharing the cache), printing each one and the bytes freed.`,
  validate: `Usage: vcpipe validate [files...] [--set ...]

Checks pipeline files against the pipeline schema and each step kind's params schema; prints
one line per problem as file:line:column. Exit 2 on any problem.`,
  'check-data': `Usage: vcpipe check-data <pipeline.yaml> [--step NAME] [--set ...] [--cache DIR]

Checks the corpus of each corpus step (kinds ljspeech, speech-corpus; or only --step NAME):
clip lengths and a histogram, clips over the model's maximum, characters outside the
vocabulary, long silence at the ends, clipping, speaking-rate outliers, undecodable audio.
A corpus step that is not cached runs first (alone, like run --only; its log goes to stderr).
Exit 0 when nothing was found, 1 when the report lists findings, 2 on bad input.`,
  report: `Usage: vcpipe report <pipeline.yaml> [--out FILE] [--set ...] [--cache DIR]

Writes one self-contained HTML page about the pipeline's last run: each step's state and time,
final metrics (from the run's metric events and metrics.jsonl), the PNGs under each step's
plots/ (and announced images), and an audio player per synthesised WAV. Prints the file's
path. Default FILE: <cache>/reports/<pipeline name>.html.`,
  export: `Usage: vcpipe export argo <pipeline.yaml> [--image IMAGE] [--store URL] [--out wf.yaml] [--project-dir DIR] [--set ...] [--cache DIR]

Writes one Argo Workflow (argoproj.io/v1alpha1) with a DAG template: a task per step that would
run, each running \`vcpipe step\` in IMAGE (default vcpipe:latest) against the store URL
(s3://bucket/prefix, file:///shared/dir or a path; default file:///vcpipe-store). Params, --set
overrides and budgets are resolved now: each task carries its step's job as JSON. Steps whose
output is already in the store (readable from here: shared directories) are left out, named in a
comment. resources: become container requests and limits (gpu: nvidia.com/gpu); training steps
get a retryStrategy (a retried pod resumes from the checkpoints saved in the store); the
pipeline's timeout: (seconds) becomes activeDeadlineSeconds. --project-dir: the pipeline's
folder inside the image (default: its path relative to here, e.g. pipelines). Prints the
workflow, or writes it to --out.`,
  step: `Usage: vcpipe step <name> --key KEY --store URL --job JSON [--save-every SECONDS] [--cache DIR] [--json]

Runs one step of an exported workflow: fetches its inputs by cache key from the store into the
local cache folder (its mirror), runs the step as vcpipe run would, saves its work dir to the
store every --save-every seconds (default 60) and publishes the entry. Already in the store: a cache hit, nothing runs.
Two runs publishing one entry: the first wins. SIGINT/SIGTERM: the step checkpoints, its work is
saved for a retry (on any machine), exit 130.`,
  'export-voice': `Usage: vcpipe export-voice <pipeline.yaml> --out NAME.voice [--step SYNTH] [--checkpoint latest|best|N] [--cache DIR]

Writes the voice of the pipeline's synthesize step SYNTH (default: its first) as one file: the
newest trained Text2Mel and SSRN at the checkpoint (default: the step's checkpoint, else latest),
feature config, text front end, its vocoder (name and settings, as the step chooses it), and a
model card (speaker, corpus size and hours, training steps, held-out WER of the evaluate step,
vcpipe version), with the sha256 of every part. Use it with vcpipe say --voice NAME.voice or
vcpipe serve --voice NAME.voice.`,
  serve: `Usage: vcpipe serve [--voice NAME.voice ...] [--pipeline P ...] [--host 127.0.0.1] [--port 5002] [--max-in-flight N] [--max-frames N] [--cache DIR]

Loads the voices once and serves them over HTTP until SIGTERM or Ctrl-C (requests in flight are
finished first):
  GET  /             a web page: text box, voice picker with each voice's card, play, download
  POST /api/tts      {"text": "...", "voice"?: NAME, "format"?: "wav"} → audio/wav, streamed
                     sentence by sentence (chunked; header sizes 0xFFFFFFFF until the end)
  GET  /api/voices   the voices and their model cards
  GET  /health       {"status": "ok", ...}
Binds 127.0.0.1 unless --host says otherwise. Bad requests get a 4xx with a one-line JSON error;
bodies over 64 KiB get 413, text over 2,000 characters 400, more than N requests in flight
(default 128) 503. Requests waiting together are synthesised in one batch. --max-frames caps
the reduced frames of each sentence (default: the voice's max_T).`,
  worker: `Usage: vcpipe worker --redis URL --store URL [--cpu N] [--gpu N] [--name NAME] [--lock SECONDS] [--save-every SECONDS] [--cache DIR] [--json]

Runs steps that \`vcpipe run --executor bullmq\` submits: takes a job from the cpu queue while it
has a free cpu slot (--cpu, default 1) and from the gpu queue while it has a free gpu slot (--gpu,
default 0: GPU steps never come here). Inputs are fetched by cache key from the store into the
local cache folder (--cache, its mirror), the step runs as vcpipe run would, its work dir is saved
to the store every --save-every seconds (default 60) and at each checkpoint, and the entry is
published. Its events go back to the run, named by --name (default host/pid). The job's lock is
renewed while the step runs; a worker that dies is taken over after --lock seconds (default 30)
by another, which resumes from the saved checkpoints; one that loses its lock stops its step and
saves nothing. A user error fails the step at once; a crash is retried with backoff.
Ctrl-C once: running steps checkpoint and go back to the queue (exit 0); twice: they are killed.`,
  graph: `Usage: vcpipe graph <pipeline.yaml>

Prints the steps as a text DAG: each step indented under what it needs.`,
};
