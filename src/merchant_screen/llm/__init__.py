"""The language-model port and its adapters (OpenAI-compatible, local, scripted fake)."""
