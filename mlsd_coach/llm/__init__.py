"""Talking to an OpenAI-compatible model: settings, a resilient client, prompts."""
