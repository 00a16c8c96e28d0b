// A JSON Schema document, as the step kinds declare their `with:` blocks and the runner writes
// them to schemas/ (Ajv checks pipelines against them).
export type JsonSchema = Record<string, unknown>;
