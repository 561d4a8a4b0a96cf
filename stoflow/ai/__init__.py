"""AI listing help.

- `stoflow.ai.gemini`: `GeminiClient` (fill from photos, write a listing), `AiError`, `Usage`;
- `stoflow.ai.listing`: prompts, response schemas, `AllowedValues`, checks, title limits;
- `stoflow.ai.templates`: `template_listing`, the deterministic generator (no AI);
- `stoflow.texts.ai`: the sellers' messages for each `AiError` code.

Nothing is imported here, so using the templates does not load the Gemini SDK.
"""
