"""Review sets through the providers' batch engines: units, the job's state, submit and fetch.

A set is split into review units (one per file, per folder, or the whole package); every unit
goes to every chosen model. Providers with a batch API (OpenAI, Anthropic, Gemini) get their
part as batch jobs; the others run it as ordinary requests. The job's state file is written
before each step that has effects, so a job cut short anywhere resumes without sending twice.
"""
